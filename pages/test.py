"""Test page: where the active model fails on images it never trained on, and why it decided what it did.

The model's answers on the 10,000 MNIST test digits are computed once per model
(`session.model_result`) and every count, gallery and percentage on the page is read
from that one `Evaluation`. Only the open tab is computed.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnviz.data import DataUnavailableError
from nnviz.diagram import neuron_from_selection
from nnviz.evaluation import Evaluation, cell_examples, confident_mistakes, evaluate
from nnviz.figures_test import confusion_figure, gallery_figure, per_digit_figure
from nnviz.network import Network
from pages import _session as session
from pages._widgets import model_badge

PLOT_CONFIG = {"displayModeBar": False}
MATRIX_KEY = "test_matrix"
CELL_GALLERY_KEY = "test_cell_gallery"
MISTAKES_KEY = "test_mistakes"
MISTAKES_SHOWN = 24
TAB_HOW_GOOD = "How good is it?"

HELP_TEST_SET = (
    "The test digits are 10,000 handwritten digits the network never saw while training. "
    "Only they tell how well it does on new handwriting."
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
    st.plotly_chart(
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
    links[0].page_link("pages/draw.py", label="See it on Draw", icon=":material/draw:")
    links[1].page_link("pages/network.py", label="Follow it in Network", icon=":material/hub:")


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
        st.plotly_chart(
            per_digit_figure(evaluation.per_digit, evaluation.digits),
            config=PLOT_CONFIG,
            theme=None,
            key="test_per_digit",
        )
        st.caption("How often each true digit is read right; the orange bar is its weakest digit.")
    st.plotly_chart(
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


@st.fragment
def test_page() -> None:
    network = session.active_network()
    model_id = session.model_fingerprint(network)
    (how_good_tab,) = st.tabs([TAB_HOW_GOOD], key=session.TEST_TABS, on_change="rerun")
    if how_good_tab.open:
        with how_good_tab:
            how_good(network, model_id)


session.route_through_app()
st.title("Test: where does it fail, and why?")
model_badge()
test_page()
