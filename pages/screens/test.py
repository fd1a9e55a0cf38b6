"""Test page: where the active model fails on images it never trained on, and why it decided what it did.

The model's answers on the 10,000 MNIST test digits are computed once per model (`model_result`)
and every count, gallery and percentage on the page is read from that one `Evaluation`. Only the open
tab is computed.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnviz.explain import evaluation as scores
from nnviz.explain.evaluation import Evaluation, evaluate
from nnviz.explain.fooling import FOOL_BUTTONS, FOOLING_SOURCES, NO_DONT_KNOW, answer_line, preview, step_variants
from nnviz.explain.why import why_answer
from nnviz.figures.draw import input_figure, output_figure
from nnviz.figures.style import PLOT_CONFIG
from nnviz.figures.test import confusion_figure, explanation_figure, gallery_figure, per_digit_figure
from nnviz.lesson import captions, wording
from nnviz.lesson.glossary import explain
from nnviz.model.forward import forward_pass
from nnviz.model.mnist import DataUnavailableError
from nnviz.model.network import IMAGE_SIDE, Network
from nnviz.session.address import Place
from nnviz.session.clicks import clicked_cell, clicked_image
from nnviz.session.state import input as inputs
from nnviz.session.state import test as tests
from nnviz.session.state.input import InputState, caption
from nnviz.session.state.test import TestState
from pages.ui import links, resources, state, training
from pages.ui.collect import collection_files, show_collect_error
from pages.ui.model_results import model_fingerprint, model_result
from pages.ui.view import chart
from pages.ui.widgets import input_error, model_badge, random_test_digit

MATRIX_KEY, CELL_GALLERY_KEY, MISTAKES_KEY = "test_matrix", "test_cell_gallery", "test_mistakes"
OURS_KEY = "test_ours_gallery"
MISTAKES_SHOWN = 24
MAP_HEIGHT = 300
PLOT = {"config": PLOT_CONFIG, "theme": None}
STEP_PREVIEW_ZOOM = 4  # 28 px previews drawn at 112 px, each input pixel a crisp 4 × 4 block


def _evaluation(network: Network, model_id: str) -> Evaluation:
    build = lambda net, _: evaluate(net, *resources.test_digits())  # noqa: E731
    return model_result("test_evaluation", model_id, 0, network, build)


def _on_matrix_click() -> None:
    if (cell := clicked_cell(state.widget_value(MATRIX_KEY))) is not None:
        state.save(tests.select_cell(state.load(TestState), cell))


def _on_image_click(key: str) -> None:
    if (index := clicked_image(state.widget_value(key))) is not None:
        x_test, y_test = resources.test_digits()
        state.save(inputs.use_test_digit(state.load(InputState), x_test, y_test, index))


def _on_our_drawing_click() -> None:
    if (index := clicked_image(state.widget_value(OURS_KEY))) is not None:
        state.save(tests.use_our_drawing(state.load(InputState), state.load(TestState), index))


def _test_gallery(evaluation: Evaluation, indices: np.ndarray, key: str, show_truth: bool) -> None:
    """A clickable gallery of test images, captioned with the answer (and the truth) and the confidence."""
    images = resources.test_digits()[0][indices]
    figure = gallery_figure(images, scores.gallery_captions(evaluation, indices, show_truth), indices)
    chart(figure, **PLOT, key=key, on_select=lambda: _on_image_click(key), selection_mode="points")


def _input_note() -> None:
    """After a click on an image: which one is now the input, and where to look at it."""
    current = state.load(InputState).current
    if current is None or current.source != "test digit":
        return
    st.success(captions.clicked_digit_note(current.test_index, current.true_label), icon=":material/check_circle:")
    for column, (label, page, icon) in zip(st.columns(len(captions.INPUT_WAYS)), captions.INPUT_WAYS):
        with column:
            links.link_to(label, Place(page), icon=f":material/{icon}:")


def how_good(network: Network, model_id: str) -> None:
    try:
        with st.spinner("Testing the model on 10,000 test digits…"):
            evaluation = _evaluation(network, model_id)
    except DataUnavailableError as exc:
        st.info(f"The MNIST test digits are not available, so the model cannot be tested. {exc}")
        return
    score_col, digits_col = st.columns([1, 2.2], gap="medium")
    score_col.metric("Right on test digits", f"{wording.percent(evaluation.accuracy, 1)}", help=explain("test_data"))
    score_col.caption(f"{evaluation.correct:,} of {evaluation.total:,} test digits it never saw while training.")
    with digits_col:
        chart(per_digit_figure(evaluation.per_digit, evaluation.digits), **PLOT, key="test_per_digit")
        st.caption("How often each true digit is read right; the green bar is its weakest digit.")
    matrix = confusion_figure(evaluation.confusion, evaluation.digits)
    chart(matrix, **PLOT, key=MATRIX_KEY, on_select=_on_matrix_click, selection_mode="points")
    st.caption(captions.matrix_caption(evaluation.confusion, evaluation.digits), help=explain("confusion_matrix"))
    if evaluation.other_digits:  # a subset model: what it does with the digits it was never taught
        st.info(captions.subset_model(evaluation.digits), icon=":material/info:")
        st.dataframe(scores.others_table(evaluation), hide_index=True, width="stretch")
        st.caption("What happens to the digits it never learned: how many test images of each it called which.")
    _input_note()
    cell = state.load(TestState).cell
    if (shown := scores.cell_view(evaluation, cell)) is not None:
        indices, count = shown
        st.subheader(captions.cell_title(*cell))
        if indices.size == 0:
            st.caption("No test digit landed in this cell.")
        else:
            _test_gallery(evaluation, indices, CELL_GALLERY_KEY, show_truth=False)
            st.caption(captions.cell_caption(*cell, indices.size, count))
    st.subheader("Its most confident mistakes")
    mistakes = scores.confident_mistakes(evaluation, MISTAKES_SHOWN)
    if mistakes.size == 0:
        st.caption("No mistakes at all on the test digits it knows.")
        return
    _test_gallery(evaluation, mistakes, MISTAKES_KEY, show_truth=True)
    st.caption(captions.MISTAKES)


def why(network: Network) -> None:
    current = state.load(InputState).current
    if current is None:
        st.info(captions.NO_INPUT_TO_EXPLAIN, icon=":material/draw:")
        random_digit = {"icon": ":material/casino:", "on_click": random_test_digit}
        st.button("Use a random test digit", key="test_random_digit", **random_digit)
        input_error()
        return
    answer = why_answer(network, current.pixels, caption(current))
    st.markdown(answer.headline)
    for number, panel in enumerate(answer.panels):
        if number % 2 == 0:
            columns = iter(st.columns(2, gap="medium"))
        with next(columns):
            st.markdown(f"**{panel.title}**")
            if panel.values is None:
                figure = input_figure(current.pixels, height=MAP_HEIGHT)
            else:
                figure = explanation_figure(panel.values, *panel.ends, height=MAP_HEIGHT)
            chart(figure, **PLOT, key=f"test_map_{number}")
            st.caption(panel.caption, help=None if panel.help_term is None else explain(panel.help_term))


def _fool(source: str) -> None:
    rng = np.random.default_rng()
    state.save(tests.fool(state.load(InputState), source, rng, resources.test_digits_or_message()))


def _step_previews(network: Network, source: str, pixels: np.ndarray) -> None:
    """The same ink prepared with every MNIST step, with each switched off, and with none: and each answer."""
    st.subheader("The preparation's part")
    ink = tests.drawing_ink(state.load(TestState)) if source == "drawing" else None
    variants = step_variants(pixels.reshape(IMAGE_SIDE, IMAGE_SIDE) if ink is None else ink)
    for column, variant in zip(st.columns(len(variants)), variants):
        column.markdown(f"**{variant.label}**")
        if variant.pixels is None:
            column.caption("Nothing left to read.")
            continue
        column.image(preview(variant.pixels, STEP_PREVIEW_ZOOM), clamp=True)
        column.markdown(answer_line(network, variant.pixels))
    st.caption(captions.preparation_caption(ink is not None))


def fooled(network: Network) -> None:
    st.markdown("Give it something that is **not** a digit, and watch it answer anyway.")
    for column, (source, label, icon) in zip(st.columns(len(FOOL_BUTTONS)), FOOL_BUTTONS):
        opts = {"icon": icon, "on_click": _fool, "args": (source,), "width": "stretch", "help": explain("not_a_digit")}
        column.button(label, key=f"test_fool_{source}", **opts)
    input_error()
    current = state.load(InputState).current
    if current is None:
        st.caption("Press a button, or draw something that is not a digit (a letter, a face) on the Draw page.")
        return
    probabilities = forward_pass(network, current.pixels).probabilities[0]
    winner = int(probabilities.argmax())
    input_col, output_col = st.columns([1, 1.3], gap="medium")
    with input_col:
        chart(input_figure(current.pixels, height=280), **PLOT, key="test_fool_input")
        st.caption("What the network sees. " + caption(current))
    with output_col:
        st.metric("It says", str(network.digits[winner]), help=explain("forced_choice"))
        chart(output_figure(probabilities, network.digits, height=240), **PLOT, key="test_fool_output")
        st.caption(f"{wording.sure(probabilities[winner])}. One bar per digit; the bars always add up to 100 %.")
    if current.source in FOOLING_SOURCES:
        st.info(NO_DONT_KNOW, icon=":material/psychology_alt:")
    _step_previews(network, current.source, current.pixels)


def ours(network: Network, model_id: str) -> None:
    drawings = state.load(TestState).drawings
    if len(drawings):
        mine = evaluate(network, drawings.images, drawings.labels)
        mnist_col, ours_col = st.columns(2)
        try:
            accuracy = _evaluation(network, model_id).accuracy
            mnist_col.metric("Right on MNIST test digits", f"{wording.percent(accuracy, 1)}", help=explain("test_data"))
        except DataUnavailableError:
            mnist_col.caption("The MNIST test digits are not available here.")
        score = f"{wording.percent(mine.accuracy, 1)}" if mine.total else "–"
        ours_col.metric("Right on our drawings", score, help=explain("our_drawings"))
        ours_col.caption(f"{mine.correct} of {mine.total} drawings of digits it knows.")
        st.caption(captions.TRAINING_VS_REAL_USE)
        if (wrong := scores.confident_mistakes(mine, scores.GALLERY_SIZE)).size:
            st.subheader("Our drawings it gets wrong")
            labels = scores.gallery_captions(mine, wrong, show_truth=True)
            figure = gallery_figure(drawings.images[wrong], labels, wrong)
            chart(figure, **PLOT, key=OURS_KEY, on_select=_on_our_drawing_click, selection_mode="points")
            st.caption("True digit → what the network said · how sure. **Click one** to make it the input.")
        else:
            st.success("It reads every one of our drawings right.", icon=":material/celebration:")
        if mine.other_digits and len(mine.labels) > mine.total:
            st.caption(captions.unknown_drawings(len(mine.labels) - mine.total))
    else:
        st.info(captions.NO_DRAWINGS_YET, icon=":material/library_add:")
    collection_files("test")
    show_collect_error()


@st.fragment
def test_page() -> None:
    network = training.active_network()
    model_id = model_fingerprint(network)
    how_good_tab, why_tab, fooled_tab, ours_tab = links.tabs("test")  # only the open tab is computed
    shows = (
        lambda: how_good(network, model_id),
        lambda: why(network),
        lambda: fooled(network),
        lambda: ours(network, model_id),
    )
    for tab, show in zip((how_good_tab, why_tab, fooled_tab, ours_tab), shows):
        if tab.open:
            with tab:
                show()


st.title("Test: where does it fail, and why?")
model_badge()
test_page()
