"""The Test page under AppTest: default, trained and subset models; explanations; fooling inputs; our drawings."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devkit import app_state
from devkit.anatomy import random_network
from devkit.app_kit import array, chart, mnist_image, open_page, trace, use_session_model
from devkit.canvas_injection import canvas_rgba, inject_drawing
from nnviz.classroom.collection import EMPTY, collection_to_bytes
from nnviz.explain.evaluation import cell_examples, evaluate
from nnviz.explain.fooling import NO_DONT_KNOW
from nnviz.explain.maps import gradient_times_input, occlusion, occlusion_measure
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass
from nnviz.model.network import Network, NetworkConfig
from nnviz.session.state.input import CurrentInput, InputState
from nnviz.session.state.test import TestState

PAGE = "pages/screens/test.py"
TEST_TABS = "test_tabs"  # the tabs' widget key


@pytest.fixture
def app(mnist_dir) -> AppTest:
    return open_page(PAGE)


def open_tab(at: AppTest, title: str) -> AppTest:
    at.session_state[TEST_TABS] = title
    at.run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def matrix_counts(at: AppTest) -> tuple[np.ndarray, np.ndarray]:
    """([true, said] (cells, 2) of the confusion matrix's click targets, counts (cells,))."""
    cells = trace(chart(at, "test_matrix"), "cells")
    return array(cells["customdata"])[:, :2], np.array([int(t) for t in cells["text"]])


def subset_of_default(digits: tuple[int, ...]) -> Network:
    """The shipped model with only the output neurons of `digits`: a trained subset model, no training needed."""
    default = load_default_network()
    config = NetworkConfig(hidden_sizes=default.config.hidden_sizes, digits=digits)
    arrays = default.arrays()
    keep = list(digits)
    arrays[-1] = (arrays[-1][0][:, keep], arrays[-1][1][keep])
    return Network.from_arrays(config, arrays, label="Your model")


def test_the_default_model_is_scored_on_all_10000_test_digits(app: AppTest, mnist) -> None:
    expected = evaluate(load_default_network(), mnist.x_test, mnist.y_test)
    assert metric(app, "Right on test digits") == f"{expected.accuracy:.1%}"
    cells, counts = matrix_counts(app)
    assert counts.sum() == 10_000
    diagonal = counts[cells[:, 0] == cells[:, 1]].sum()
    assert diagonal / counts.sum() == pytest.approx(expected.accuracy)
    bars = chart(app, "test_per_digit")["data"][0]
    np.testing.assert_allclose(array(bars["y"]), expected.per_digit)
    mistakes = trace(chart(app, "test_mistakes"), "images")
    shown = array(mistakes["customdata"])[:, 0]
    assert np.all(mnist.y_test[shown] != expected.predicted[shown])


def test_a_clicked_cell_shows_its_test_digits_and_a_test_digit_input_is_announced(app: AppTest, mnist) -> None:
    app_state.put_concern(app, TestState(cell=(4, 9)))  # what a click on that cell leaves (the click: browser test)
    app.run()
    assert not app.exception
    assert any(s.value == "The 4s read as 9" for s in app.subheader)
    expected = cell_examples(evaluate(load_default_network(), mnist.x_test, mnist.y_test), 4, 9)
    images = trace(chart(app, "test_cell_gallery"), "images")
    np.testing.assert_array_equal(array(images["customdata"])[:, 0], expected)

    # A click on an image makes it the input (the click itself: tests/browser/test_test_browser.py).
    session_index = int(expected[0])
    clicked = CurrentInput(mnist.x_test[session_index], "test digit", true_label=4, test_index=session_index)
    app_state.put_concern(app, InputState(current=clicked))
    app.run()
    assert any(f"Test digit #{session_index} (a 4) is now the input." in s.value for s in app.success)


def test_a_trained_model_is_scored_afresh(app: AppTest, mnist) -> None:
    trained = random_network((32,), seed=4)
    use_session_model(app, trained)
    assert not app.exception
    expected = evaluate(trained, mnist.x_test, mnist.y_test)
    assert metric(app, "Right on test digits") == f"{expected.accuracy:.1%}"
    _, counts = matrix_counts(app)
    assert counts.sum() == 10_000 and counts.reshape(10, 10).trace() == expected.correct


def test_a_subset_model_has_a_small_matrix_and_says_where_the_other_digits_go(app: AppTest, mnist) -> None:
    model = subset_of_default((7, 8, 9))
    use_session_model(app, model)
    assert not app.exception
    expected = evaluate(model, mnist.x_test, mnist.y_test)
    cells, counts = matrix_counts(app)
    assert set(map(tuple, cells.tolist())) == {(t, s) for t in (7, 8, 9) for s in (7, 8, 9)}
    assert counts.sum() == np.isin(mnist.y_test, (7, 8, 9)).sum()
    assert metric(app, "Right on test digits") == f"{expected.accuracy:.1%}"
    assert expected.accuracy > 0.95
    assert any("This model only knows 7, 8, 9" in i.value for i in app.info)
    table = app.dataframe[0].value
    assert list(table["true digit"]) == [str(d) for d in range(7)]
    for column, digit in enumerate((7, 8, 9)):
        assert list(table[f"read as {digit}"]) == expected.others[:, column].tolist()


def test_why_shows_the_explanation_maps_of_the_current_input(app: AppTest, mnist) -> None:
    open_tab(app, "Why that answer?")
    assert any("Nothing to explain yet" in i.value for i in app.info)
    app.button(key="test_random_digit").click().run()
    assert not app.exception
    current = app_state.concern(app, InputState).current
    assert current.source == "test digit"
    network = load_default_network()
    probabilities = forward_pass(network, current.pixels).probabilities[0]
    winner, runner_up = np.argsort(-probabilities)[:2]

    def shown(number: int) -> np.ndarray:
        return array(chart(app, f"test_map_{number}")["data"][0]["z"]).ravel()

    np.testing.assert_allclose(shown(1), gradient_times_input(network, current.pixels, winner), atol=1e-6)
    measure = occlusion_measure(float(probabilities[winner]))
    np.testing.assert_allclose(shown(2), occlusion(network, current.pixels, winner, measure), atol=1e-6)
    np.testing.assert_allclose(
        shown(3), gradient_times_input(network, current.pixels, winner, versus=runner_up), atol=1e-6
    )
    assert any(f"Why {winner} rather than {runner_up}?" in m.value for m in app.markdown)


@pytest.mark.parametrize("source", ["noise", "white square", "letter", "corner digit"])
def test_it_answers_inputs_that_are_not_digits(app: AppTest, source: str) -> None:
    open_tab(app, "It answers anyway")
    app.button(key=f"test_fool_{source}").click().run()
    assert not app.exception
    current = app_state.concern(app, InputState).current
    assert current.source == source
    probabilities = forward_pass(load_default_network(), current.pixels).probabilities[0]
    assert metric(app, "It says") == str(int(probabilities.argmax()))
    assert any(NO_DONT_KNOW in i.value for i in app.info)
    # The preparation's part: one answer per way of preparing the same ink.
    assert sum("→ **" in m.value for m in app.markdown) == 5


def test_collect_on_draw_then_score_our_drawings(app: AppTest, mnist) -> None:
    app.switch_page("pages/screens/draw.py").run()
    seven = mnist_image(mnist, 7)
    inject_drawing(app, "draw", canvas_rgba(seven))
    app.session_state["draw_collect_label"] = 1  # the student says it is a 1: the network will be "wrong"
    app.button(key="draw_collect").click().run()
    assert not app.exception
    drawings = app_state.concern(app, TestState).drawings
    assert len(drawings) == 1 and drawings.labels.tolist() == [1]

    app.switch_page(PAGE).run()
    open_tab(app, "Our drawings")
    assert metric(app, "Right on our drawings") == "0.0%"
    assert metric(app, "Right on MNIST test digits") == "98.0%"
    wrong = trace(chart(app, "test_ours_gallery"), "images")
    assert array(wrong["customdata"])[:, 0].tolist() == [0]
    assert any("1→7" in t for t in wrong["text"])


def test_our_drawings_tab_without_drawings_explains_how_to_collect(app: AppTest) -> None:
    open_tab(app, "Our drawings")
    assert any("No drawings collected yet" in i.value for i in app.info)
    app_state.put_concern(app, TestState(drawings=EMPTY.add(np.zeros(784), 3)))
    app.run()
    assert metric(app, "Right on our drawings") in {"0.0%", "100.0%"}


def test_uploaded_drawings_are_added_and_a_bad_file_is_refused_kindly(app: AppTest, mnist) -> None:
    open_tab(app, "Our drawings")
    good = EMPTY.add(mnist.x_test[0], int(mnist.y_test[0])).add(mnist.x_test[1], int(mnist.y_test[1]))
    app.file_uploader(key="test_collect_upload").upload("ours.npz", collection_to_bytes(good), "application/zip").run()
    assert not app.exception
    assert len(app_state.concern(app, TestState).drawings) == 2
    assert metric(app, "Right on our drawings") == "100.0%"

    app.file_uploader(key="test_collect_upload").upload("ours.npz", b"not a zip at all", "application/zip").run()
    assert not app.exception
    assert any("not a set of drawings" in w.value for w in app.warning)
    assert len(app_state.concern(app, TestState).drawings) == 2  # nothing lost


@pytest.mark.parametrize(
    ("hidden", "activation", "digits"),
    [((), "relu", tuple(range(10))), ((16, 8), "sigmoid", (0, 1)), ((12,), "tanh", (3, 5, 8))],
)
def test_every_tab_works_for_other_shapes_of_model(app: AppTest, mnist, hidden, activation, digits) -> None:
    network = random_network(hidden, activation=activation, digits=digits, seed=2)
    use_session_model(app, network)
    _, counts = matrix_counts(app)
    assert counts.sum() == np.isin(mnist.y_test, digits).sum()
    app_state.put_concern(app, InputState(current=CurrentInput(mnist.x_test[0], "test digit", 7, 0)))
    open_tab(app, "Why that answer?")
    probabilities = forward_pass(network, mnist.x_test[0]).probabilities[0]
    winner = int(probabilities.argmax())
    shown = array(chart(app, "test_map_2")["data"][0]["z"]).ravel()
    measure = occlusion_measure(float(probabilities[winner]))
    np.testing.assert_allclose(shown, occlusion(network, mnist.x_test[0], winner, measure), atol=1e-6)
    open_tab(app, "It answers anyway")
    app.button(key="test_fool_letter").click().run()
    assert not app.exception
    assert metric(app, "It says") in {str(d) for d in digits}
