"""Test page: where the active model fails on images it never trained on, and why it decided what it did.

The model's answers on the 10,000 MNIST test digits are computed once per model
(`session.model_result`) and every count, gallery and percentage on the page is read
from that one `Evaluation`. Only the open tab is computed.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnviz.explain.evaluation import GALLERY_SIZE, Evaluation, cell_examples, confident_mistakes, evaluate
from nnviz.explain.fooling import (
    FOOLING_SOURCES,
    LETTERS,
    NO_DONT_KNOW,
    corner_input,
    letter_input,
    noise_input,
    step_variants,
    white_input,
)
from nnviz.explain.maps import gradient_times_input, occlusion
from nnviz.figures.diagram_layout import neuron_from_selection
from nnviz.figures.draw import input_figure, output_figure
from nnviz.figures.style import PLOT_CONFIG
from nnviz.figures.test import confusion_figure, explanation_figure, gallery_figure, per_digit_figure
from nnviz.model.forward import forward_pass
from nnviz.model.mnist import DataUnavailableError
from nnviz.model.network import IMAGE_SIDE, Network
from pages.ui import session
from pages.ui.collect import collection_files, show_collect_error
from pages.ui.view import chart
from pages.ui.widgets import input_caption, model_badge

MATRIX_KEY = "test_matrix"
CELL_GALLERY_KEY = "test_cell_gallery"
MISTAKES_KEY = "test_mistakes"
MISTAKES_SHOWN = 24
TAB_HOW_GOOD = "How good is it?"
TAB_WHY = "Why that answer?"
TAB_FOOLED = "It answers anyway"
TAB_OURS = "Our drawings"
OURS_KEY = "test_ours_gallery"
MAP_HEIGHT = 300

HELP_TEST_SET = (
    "The test digits are 10,000 handwritten digits the network never saw while training. "
    "Only they tell how well it does on new handwriting."
)
HELP_GRADIENT = (
    "Gradient × input: for every pixel, how much the winning output's sum would rise if that pixel got a little "
    "brighter, times how bright it is. Blank pixels add nothing, so they stay white."
)
HELP_OCCLUSION = (
    "Occlusion: a 4 × 4 eraser slides over the picture, 2 pixels at a time. Each time, we check how much the "
    "winning probability drops without that bit of ink. Big drop = that ink mattered. A network that is "
    "100 % sure barely notices a small eraser, so only the ink it really needs shows up."
)
HELP_CONFUSION = (
    "A confusion matrix counts every test digit once: its row is the true digit, its column the network's "
    "answer. The framed diagonal holds the right answers; every other number is a kind of mistake."
)


def _evaluation_of(network: Network, _: int) -> Evaluation:
    x_test, y_test = session.test_digits()
    return evaluate(network, x_test, y_test)


def _on_matrix_click() -> None:
    cell = neuron_from_selection(session.chart_selection(MATRIX_KEY))
    if cell is not None:
        session.select_test_cell(cell)


def _on_image_click(key: str) -> None:
    picked = neuron_from_selection(session.chart_selection(key))
    if picked is not None:
        session.use_test_digit(picked[0])


def _test_gallery(evaluation: Evaluation, indices: np.ndarray, key: str, show_truth: bool) -> None:
    """A clickable gallery of test images, captioned with the answer (and the truth) and the confidence."""
    x_test, _ = session.test_digits()
    captions = [
        (f"{evaluation.labels[i]}→" if show_truth else "")
        + f"{evaluation.predicted[i]} · {evaluation.confidence[i]:.0%}"
        for i in indices.tolist()
    ]
    chart(
        gallery_figure(x_test[indices], captions, indices),
        config=PLOT_CONFIG,
        theme=None,
        key=key,
        on_select=lambda: _on_image_click(key),
        selection_mode="points",
    )


def _input_note() -> None:
    """After a click on an image: which one is now the input, and where to look at it."""
    current = session.current_input()
    if current is None or current.source != "test digit":
        return
    st.success(
        f"Test digit #{current.test_index} (a {current.true_label}) is now the input.",
        icon=":material/check_circle:",
    )
    links = st.columns(3)
    links[0].page_link("pages/screens/draw.py", label="See it on Draw", icon=":material/draw:")
    links[1].page_link("pages/screens/network.py", label="Follow it in Network", icon=":material/hub:")
    links[2].page_link("pages/screens/learn.py", label="Learn from it", icon=":material/school:")


def _other_digits(evaluation: Evaluation) -> None:
    """A subset model: what it does with the digits it was never taught (it must pick one of its own)."""
    known = ", ".join(str(d) for d in evaluation.digits)
    st.info(
        f"This model only knows {known}. The matrix counts only those test digits. Every other digit is still "
        f'forced into one of {known}: it has no output for "none of these".',
        icon=":material/info:",
    )
    table = {"true digit": [str(d) for d in evaluation.other_digits]}
    for column, digit in enumerate(evaluation.digits):
        table[f"read as {digit}"] = evaluation.others[:, column].tolist()
    table["most often"] = [str(evaluation.digits[int(row.argmax())]) for row in evaluation.others]
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption("What happens to the digits it never learned: how many test images of each it called which.")


def how_good(network: Network, model_id: str) -> None:
    try:
        with st.spinner("Testing the model on 10,000 test digits…"):
            evaluation = session.model_result("test_evaluation", model_id, 0, network, _evaluation_of)
    except DataUnavailableError as exc:
        st.info(f"The MNIST test digits are not available, so the model cannot be tested. {exc}")
        return
    score_col, digits_col = st.columns([1, 2.2], gap="medium")
    with score_col:
        st.metric("Right on test digits", f"{evaluation.accuracy:.1%}", help=HELP_TEST_SET)
        st.caption(f"{evaluation.correct:,} of {evaluation.total:,} test digits it never saw while training.")
    with digits_col:
        chart(
            per_digit_figure(evaluation.per_digit, evaluation.digits),
            config=PLOT_CONFIG,
            theme=None,
            key="test_per_digit",
        )
        st.caption("How often each true digit is read right; the green bar is its weakest digit.")
    chart(
        confusion_figure(evaluation.confusion, evaluation.digits),
        config=PLOT_CONFIG,
        theme=None,
        key=MATRIX_KEY,
        on_select=_on_matrix_click,
        selection_mode="points",
    )
    st.caption(
        "Row: the true digit. Column: what the network said. Framed diagonal = right; "
        "**click a number** to see those test digits.",
        help=HELP_CONFUSION,
    )
    if evaluation.other_digits:
        _other_digits(evaluation)
    _input_note()

    cell = session.test_cell()
    if cell is not None and cell[0] in evaluation.digits and cell[1] in evaluation.digits:
        true_digit, said = cell
        indices = cell_examples(evaluation, true_digit, said)
        count = int(evaluation.confusion[evaluation.digits.index(true_digit), evaluation.digits.index(said)])
        what = f"{true_digit}s read right" if true_digit == said else f"{true_digit}s read as {said}"
        st.subheader(f"The {what}")
        if indices.size == 0:
            st.caption("No test digit landed in this cell.")
        else:
            _test_gallery(evaluation, indices, CELL_GALLERY_KEY, show_truth=False)
            shown = "" if count <= indices.size else f" (the {indices.size} most confident of {count})"
            st.caption(
                f"Test digits whose true label is {true_digit} and that the network called {said}{shown}, "
                "with how sure it was. **Click one** to make it the input."
            )

    st.subheader("Its most confident mistakes")
    mistakes = confident_mistakes(evaluation, MISTAKES_SHOWN)
    if mistakes.size == 0:
        st.caption("No mistakes at all on the test digits it knows.")
        return
    _test_gallery(evaluation, mistakes, MISTAKES_KEY, show_truth=True)
    st.caption(
        "Wrong answers given with the most certainty: true digit → what the network said · how sure. "
        "Would you have read them right? **Click one** to make it the input."
    )


def _random_test_digit() -> None:
    try:
        x_test, _ = session.test_digits()
    except DataUnavailableError as exc:
        st.session_state[session.INPUT_ERROR] = f"No test digits available. {exc}"
        return
    session.use_test_digit(int(np.random.default_rng().integers(len(x_test))))


def _no_input_yet() -> None:
    st.info(
        "Nothing to explain yet: draw a digit on the Draw page, click a test digit on the first tab, "
        "or pick one at random.",
        icon=":material/draw:",
    )
    st.button("Use a random test digit", key="test_random_digit", icon=":material/casino:", on_click=_random_test_digit)
    if error := st.session_state.pop(session.INPUT_ERROR, None):
        st.warning(error, icon=":material/warning:")


def why(network: Network) -> None:
    current = session.current_input()
    if current is None:
        _no_input_yet()
        return
    probabilities = forward_pass(network, current.pixels).probabilities[0]
    winner, runner_up = (int(i) for i in np.argsort(-probabilities)[:2])
    said, other = network.digits[winner], network.digits[runner_up]
    st.markdown(
        f"The network says **{said}** ({probabilities[winner]:.0%} sure); its runner-up is **{other}** "
        f"({probabilities[runner_up]:.0%}). Which pixels made it say {said}?"
    )
    toward, away = f"toward {said}", f"away from {said}"
    # (title, map or None for the input itself, legend ends, caption, tooltip)
    panels = [
        ("The input", None, None, "What the network sees. " + input_caption(current), None),
        (
            f"Pushing toward {said}",
            gradient_times_input(network, current.pixels, winner),
            (toward, away),
            f"Blue ink raised the {said} output, orange ink lowered it.",
            HELP_GRADIENT,
        ),
        (
            "Covered up",
            occlusion(network, current.pixels, winner),
            (toward, away),
            f"Blue: without the ink there it is less sure of {said}. Orange: without it, more sure.",
            HELP_OCCLUSION,
        ),
        (
            f"Why {said} rather than {other}?",
            gradient_times_input(network, current.pixels, winner, versus=runner_up),
            (f"{said} rather than {other}", f"{other} rather than {said}"),
            f"Blue ink speaks for {said}, orange ink for {other} (the difference of their two sums' gradients).",
            HELP_GRADIENT,
        ),
    ]
    for number, (title, values, ends, caption, help_text) in enumerate(panels):
        if number % 2 == 0:
            columns = iter(st.columns(2, gap="medium"))
        with next(columns):
            st.markdown(f"**{title}**")
            if values is None:
                figure = input_figure(current.pixels, height=MAP_HEIGHT)
            else:
                figure = explanation_figure(values, *ends, height=MAP_HEIGHT)
            chart(figure, config=PLOT_CONFIG, theme=None, key=f"test_map_{number}")
            st.caption(caption, help=help_text)


FOOL_BUTTONS = (  # (CurrentInput source, short label that fits a quarter of a 1024 px page)
    ("noise", "Noise", ":material/grain:"),
    ("white square", "All white", ":material/check_box_outline_blank:"),
    ("letter", "A letter", ":material/title:"),
    ("corner digit", "Corner", ":material/north_west:"),
)
STEP_PREVIEW_ZOOM = 4  # 28 px previews drawn at 112 px, each input pixel a crisp 4 × 4 block


def _fool(source: str) -> None:
    """Make the current input something that is not a proper digit (see FOOLING_SOURCES)."""
    rng = np.random.default_rng()
    current = session.current_input()
    label = index = None
    if source == "noise":
        pixels = noise_input(rng)
    elif source == "white square":
        pixels = white_input()
    elif source == "letter":
        pixels = letter_input(str(rng.choice(list(LETTERS))))
    else:  # a digit in a corner: the current digit if there is one, else a random test digit
        if current is not None and current.source in ("drawing", "test digit", "photo"):
            pixels, label, index = current.pixels, current.true_label, current.test_index
        else:
            try:
                x_test, y_test = session.test_digits()
            except DataUnavailableError as exc:
                st.session_state[session.INPUT_ERROR] = f"No test digits available. {exc}"
                return
            index = int(rng.integers(len(x_test)))
            pixels, label = x_test[index], int(y_test[index])
        pixels = corner_input(pixels)
    session.clear_canvas()
    session.set_current_input(session.CurrentInput(pixels, source, true_label=label, test_index=index))


def _step_previews(network: Network, current: session.CurrentInput) -> None:
    """The same ink prepared with every MNIST step, with each switched off, and with none: and each answer."""
    st.subheader("The preparation's part")
    ink = session.drawing_ink() if current.source == "drawing" else None
    drawn = ink is not None
    if ink is None:
        ink = current.pixels.reshape(IMAGE_SIDE, IMAGE_SIDE)
    variants = step_variants(ink)
    zoom = np.ones((STEP_PREVIEW_ZOOM, STEP_PREVIEW_ZOOM), dtype=np.float32)
    for column, variant in zip(st.columns(len(variants)), variants):
        with column:
            st.markdown(f"**{variant.label}**")
            if variant.pixels is None:
                st.caption("Nothing left to read.")
                continue
            grid = variant.pixels.reshape(IMAGE_SIDE, IMAGE_SIDE)
            st.image(np.clip(np.kron(grid, zoom), 0.0, 1.0), clamp=True)
            probabilities = forward_pass(network, variant.pixels).probabilities[0]
            st.markdown(f"→ **{network.digits[int(probabilities.argmax())]}** · {probabilities.max():.0%}")
    what = "your drawing" if drawn else "this input (its 28 × 28 picture stands in for a drawing)"
    st.caption(
        f"The same ink of {what}, prepared the MNIST way (crop to the ink, fit it in 20 px, centre it), then with "
        "one step left out, then with none: the network only knows digits that look like its training data."
    )


def fooled(network: Network) -> None:
    st.markdown("Give it something that is **not** a digit, and watch it answer anyway.")
    for column, (source, label, icon) in zip(st.columns(len(FOOL_BUTTONS)), FOOL_BUTTONS):
        column.button(
            label,
            key=f"test_fool_{source}",
            icon=icon,
            on_click=_fool,
            args=(source,),
            width="stretch",
            help=FOOLING_SOURCES[source],
        )
    if error := st.session_state.pop(session.INPUT_ERROR, None):
        st.warning(error, icon=":material/warning:")
    current = session.current_input()
    if current is None:
        st.caption("Press a button, or draw something that is not a digit (a letter, a face) on the Draw page.")
        return
    probabilities = forward_pass(network, current.pixels).probabilities[0]
    winner = int(probabilities.argmax())
    input_col, output_col = st.columns([1, 1.3], gap="medium")
    with input_col:
        chart(input_figure(current.pixels, height=280), config=PLOT_CONFIG, theme=None, key="test_fool_input")
        st.caption("What the network sees. " + input_caption(current))
    with output_col:
        st.metric("It says", str(network.digits[winner]), help=NO_DONT_KNOW)
        chart(
            output_figure(probabilities, network.digits, height=240),
            config=PLOT_CONFIG,
            theme=None,
            key="test_fool_output",
        )
        st.caption(f"{probabilities[winner]:.0%} sure. One bar per digit; the bars always add up to 100 %.")
    if current.source in FOOLING_SOURCES:
        st.info(NO_DONT_KNOW, icon=":material/psychology_alt:")
    _step_previews(network, current)


def _on_our_drawing_click() -> None:
    picked = neuron_from_selection(session.chart_selection(OURS_KEY))
    drawings = session.our_drawings()
    if picked is not None and 0 <= picked[0] < len(drawings):
        session.clear_canvas()
        session.set_current_input(
            session.CurrentInput(drawings.images[picked[0]], "drawing", true_label=int(drawings.labels[picked[0]]))
        )


def ours(network: Network, model_id: str) -> None:
    drawings = session.our_drawings()
    if not len(drawings):
        st.info(
            "No drawings collected yet. On the Draw page, draw a digit, open **Collect**, say which digit you "
            "meant and keep it. Do it for a few of each digit, then come back here.",
            icon=":material/library_add:",
        )
        collection_files("test")
        show_collect_error()
        return
    mine = evaluate(network, drawings.images, drawings.labels)
    mnist_col, ours_col = st.columns(2)
    try:
        mnist = session.model_result("test_evaluation", model_id, 0, network, _evaluation_of)
        mnist_col.metric("Right on MNIST test digits", f"{mnist.accuracy:.1%}", help=HELP_TEST_SET)
    except DataUnavailableError:
        mnist_col.caption("The MNIST test digits are not available here.")
    ours_col.metric(
        "Right on our drawings",
        f"{mine.accuracy:.1%}" if mine.total else "–",
        help="The drawings this class collected and labelled: new handwriting, drawn with a mouse or a finger.",
    )
    ours_col.caption(f"{mine.correct} of {mine.total} drawings of digits it knows.")
    st.caption(
        "Training data vs real use: a model can be very good on test digits that look like its training data and "
        "worse on handwriting that looks different."
    )
    wrong = confident_mistakes(mine, GALLERY_SIZE)
    if wrong.size:
        st.subheader("Our drawings it gets wrong")
        captions = [f"{mine.labels[i]}→{mine.predicted[i]} · {mine.confidence[i]:.0%}" for i in wrong.tolist()]
        chart(
            gallery_figure(drawings.images[wrong], captions, wrong),
            config=PLOT_CONFIG,
            theme=None,
            key=OURS_KEY,
            on_select=_on_our_drawing_click,
            selection_mode="points",
        )
        st.caption("True digit → what the network said · how sure. **Click one** to make it the input.")
    else:
        st.success("It reads every one of our drawings right.", icon=":material/celebration:")
    if mine.other_digits and len(mine.labels) > mine.total:
        st.caption(f"{len(mine.labels) - mine.total} drawings show digits this model does not know; they are left out.")
    collection_files("test")
    show_collect_error()


@st.fragment
def test_page() -> None:
    network = session.active_network()
    model_id = session.model_fingerprint(network)
    how_good_tab, why_tab, fooled_tab, ours_tab = st.tabs(
        [TAB_HOW_GOOD, TAB_WHY, TAB_FOOLED, TAB_OURS], key=session.TEST_TABS, on_change="rerun"
    )
    if how_good_tab.open:
        with how_good_tab:
            how_good(network, model_id)
    if why_tab.open:
        with why_tab:
            why(network)
    if fooled_tab.open:
        with fooled_tab:
            fooled(network)
    if ours_tab.open:
        with ours_tab:
            ours(network, model_id)


st.title("Test: where does it fail, and why?")
model_badge()
test_page()
