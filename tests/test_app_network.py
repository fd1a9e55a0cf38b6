"""The Network page under AppTest: prompt, diagram, inside-a-neuron numbers, features, PCA map, time-travel."""

from __future__ import annotations

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devkit import app_state
from devkit.anatomy import random_arrays, random_network
from devkit.app_kit import array, chart, mnist_image, open_page, trace, use_session_model
from devkit.canvas_injection import draw_image
from nnviz.explain.features import latent_map, layer_activations
from nnviz.figures.features import TILE_GAP
from nnviz.model.forward import forward_pass
from nnviz.model.network import Network, NetworkConfig
from nnviz.session.state.input import InputState
from nnviz.session.state.view import ViewState
from pages.ui import resources

PAGE = "pages/screens/network.py"
LAYER_PICKER, NEURON_PICKER = "network_pick_layer", "network_pick_neuron"  # the page's widget keys
NETWORK_TABS = "network_tabs"
TIME_TRAVEL_HINT = "Train a model on the Train page to travel back through its epochs."


# --- reading the page ----------------------------------------------------------------------------------------------


def prediction(at: AppTest) -> str | None:
    metrics = [m for m in at.metric if m.label == "Prediction"]
    return metrics[0].value if metrics else None


def panel_title(at: AppTest) -> str | None:
    titles = [s.value for s in at.subheader if s.value.startswith("Inside ")]
    return titles[0] if titles else None


def panel_text(at: AppTest) -> str:
    """The weighted sum told in words (the markdown that lists the terms)."""
    texts = [m.value for m in at.markdown if "the weighted sum z" in m.value]
    assert len(texts) == 1, "the neuron panel should tell its weighted sum in words once"
    return texts[0]


def number_after(text: str, label: str) -> float:
    """The signed number printed right before `label` in the panel's words, e.g. '-0.112** bias'."""
    match = re.search(r"([+-]\d+\.\d+)\*\*\] " + re.escape(label), text)
    assert match, f"no number before {label!r} in: {text}"
    return float(match.group(1))


def shown_input(at: AppTest) -> np.ndarray:
    return app_state.concern(at, InputState).current.pixels


# --- fixtures --------------------------------------------------------------------------------------------------------


@pytest.fixture
def app() -> AppTest:
    return open_page(PAGE)


def draw(at: AppTest, image28: np.ndarray) -> AppTest:
    return draw_image(at, "network", image28)


# --- the default model -----------------------------------------------------------------------------------------------


def test_blank_page_prompts_and_shows_no_diagram(app: AppTest) -> None:
    assert any("Draw a digit" in info.value for info in app.info)
    assert prediction(app) is None
    assert chart(app, "network_diagram") is None
    assert panel_title(app) is None
    assert any(TIME_TRAVEL_HINT in c.value for c in app.caption)
    # What does not need a drawing is still there: the weight tiles of the first hidden layer.
    assert chart(app, "network_tiles") is not None


def test_a_drawing_shows_the_diagram_the_prediction_and_the_most_active_neuron(
    app: AppTest, mnist, default_network: Network
) -> None:
    draw(app, mnist_image(mnist, 7))
    assert prediction(app) == "7"
    diagram = chart(app, "network_diagram")
    assert diagram is not None
    hidden = trace(diagram, "hidden neurons")
    assert array(hidden["customdata"]).shape == (64, 3)  # 32 of 128 and 32 of 64 neurons drawn, each tagged
    outputs = trace(diagram, "output neurons")
    forward = forward_pass(default_network, shown_input(app))
    np.testing.assert_allclose(array(outputs["marker"]["color"]), forward.probabilities[0], atol=1e-6)
    # Nothing picked yet: the panel follows hidden layer 1's most active neuron.
    most_active = int(np.argmax(forward.activations[1][0]))
    assert panel_title(app) == f"Inside hidden layer 1, neuron {most_active}"
    assert not any("Draw a digit" in info.value for info in app.info)
    # Its own pictures wait for a neuron to be picked, so they are not redrawn on every stroke.
    assert chart(app, "network_top_examples") is None
    assert any("Click a neuron" in info.value for info in app.info)


def test_a_hidden_neuron_picked_by_number_shows_the_forward_pass_numbers(
    app: AppTest, mnist, default_network: Network
) -> None:
    draw(app, mnist_image(mnist, 3))
    app.selectbox(key=LAYER_PICKER).set_value(2)
    app.number_input(key=NEURON_PICKER).set_value(17)
    app.run()
    assert not app.exception
    assert panel_title(app) == "Inside hidden layer 2, neuron 17"

    forward = forward_pass(default_network, shown_input(app))
    z = float(forward.pre_activations[1][0, 17])
    value = float(forward.activations[2][0, 17])
    bias = float(default_network.layers[1].bias[17])
    text = panel_text(app)
    assert f"**= {z:.3f}**, the weighted sum z" in text
    assert number_after(text, "bias") == pytest.approx(bias, abs=5e-4)
    assert f"ReLU({z:.3f}) = **{value:.3f}** is passed on to the output neurons" in text

    # The waterfall adds up to the same z, and its first bar is the largest term w·x.
    bars = trace(chart(app, "network_breakdown"), "weighted sum")
    values = array(bars["x"]).astype(float)
    assert values[-1] == pytest.approx(z, abs=1e-5)
    assert values[:-1].sum() == pytest.approx(z, abs=1e-4)
    terms = forward.activations[1][0] * default_network.layers[1].weights[:, 17]
    assert values[0] == pytest.approx(float(terms[np.argmax(np.abs(terms))]), abs=1e-5)
    # The activation curve marks (z, f(z)).
    point = trace(chart(app, "network_activation"), "this neuron now")
    assert (array(point["x"])[0], array(point["y"])[0]) == pytest.approx((z, value), abs=1e-6)


def test_an_output_neuron_shows_its_bias_and_probability(app: AppTest, mnist, default_network: Network) -> None:
    draw(app, mnist_image(mnist, 7))
    app.selectbox(key=LAYER_PICKER).set_value(3)
    app.number_input(key=NEURON_PICKER).set_value(7)
    app.run()
    assert not app.exception
    assert panel_title(app) == "Inside output neuron 7 (digit 7)"
    forward = forward_pass(default_network, shown_input(app))
    text = panel_text(app)
    assert number_after(text, "bias") == pytest.approx(float(default_network.layers[2].bias[7]), abs=5e-4)
    shown = float(text.split("Softmax turns that into **")[1].split("%")[0].lstrip("> "))
    assert shown == pytest.approx(100 * forward.probabilities[0, 7], abs=0.06)
    assert "**100.0%**" not in text or forward.probabilities[0, 7] == 1.0


def test_a_clicked_neuron_shows_in_the_panel_and_the_pickers(app: AppTest, mnist) -> None:
    draw(app, mnist_image(mnist, 1))
    # A click on a node leaves its (layer, neuron) as the selection (the click itself is in the browser test).
    app_state.put_concern(app, ViewState(followed=("hidden_2", 40)))
    app.run()
    assert not app.exception
    assert panel_title(app) == "Inside hidden layer 2, neuron 40"
    assert app.selectbox(key=LAYER_PICKER).value == 2
    assert app.number_input(key=NEURON_PICKER).value == 40
    hidden = trace(chart(app, "network_diagram"), "hidden neurons")
    assert [2, 40] in array(hidden["customdata"])[:, :2].tolist(), "the picked neuron is always drawn"


@pytest.mark.parametrize(
    "picked", [("hidden_9", 3), ("hidden_1", 10_000), ("hidden_2", -1), ("input", 3), ("output", None)]
)
def test_a_selection_that_does_not_fit_falls_back_quietly(app: AppTest, mnist, picked: tuple) -> None:
    draw(app, mnist_image(mnist, 4))
    app_state.put_concern(app, ViewState(followed=picked))
    app.run()
    assert not app.exception
    title = panel_title(app)
    assert title is not None and title.startswith("Inside ")


def test_a_new_smaller_model_keeps_the_page_working(app: AppTest, mnist) -> None:
    draw(app, mnist_image(mnist, 5))
    app.selectbox(key=LAYER_PICKER).set_value(2)
    app.number_input(key=NEURON_PICKER).set_value(60)
    app.run()
    assert panel_title(app) == "Inside hidden layer 2, neuron 60"
    # Another architecture is trained: one hidden layer of 16, so "hidden layer 2, neuron 60" is gone.
    use_session_model(app, random_network((16,), seed=3))
    assert not app.exception
    title = panel_title(app)
    assert title.startswith("Inside hidden layer 1, neuron ")
    assert 0 <= int(title.rsplit(" ", 1)[1]) < 16


def test_the_top_test_digits_are_the_ones_that_excite_the_neuron_most(
    app: AppTest, mnist, default_network: Network
) -> None:
    draw(app, mnist_image(mnist, 0))
    app.selectbox(key=LAYER_PICKER).set_value(1)
    app.number_input(key=NEURON_PICKER).set_value(5)
    app.run()
    examples = trace(chart(app, "network_top_examples"), "images")
    shown = {int(i) for i in np.unique(array(examples["customdata"])) if i >= 0}
    values = layer_activations(default_network, mnist.x_test, 1)[:, 5]
    oracle = set(np.argsort(-values, kind="stable")[:9].tolist())
    assert shown == oracle


def test_the_latent_map_places_the_drawing_as_a_star(app: AppTest, mnist, default_network: Network) -> None:
    draw(app, mnist_image(mnist, 2))
    app.session_state[NETWORK_TABS] = "Hidden layers as features"
    app.run()
    assert not app.exception
    figure = chart(app, "network_latent")
    assert figure is not None
    star = trace(figure, "your drawing")
    latent = latent_map(default_network, mnist.x_test, mnist.y_test, 1)
    expected = latent.pca.project(forward_pass(default_network, shown_input(app)).activations[1][0])[0]
    np.testing.assert_allclose([array(star["x"])[0], array(star["y"])[0]], expected, rtol=1e-5, atol=1e-5)
    # The star moves with the drawing; the map of test digits does not.
    dots = array(trace(figure, "7")["x"])
    draw(app, mnist_image(mnist, 9))
    moved = chart(app, "network_latent")
    assert array(trace(moved, "your drawing")["x"])[0] != pytest.approx(expected[0])
    np.testing.assert_array_equal(array(trace(moved, "7")["x"]), dots)


def test_a_network_without_hidden_layers_says_so(app: AppTest, mnist) -> None:
    use_session_model(app, random_network((), seed=1))
    draw(app, mnist_image(mnist, 6))
    assert panel_title(app).startswith("Inside output neuron ")
    app.session_state[NETWORK_TABS] = "Hidden layers as features"
    app.run()
    assert not app.exception
    assert any("no hidden layers" in info.value for info in app.info)


# --- a trained session model: time-travel ---------------------------------------------------------------------------


def epoch_snapshots(config: NetworkConfig, favourites: list[int]) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """One snapshot per epoch whose output bias makes digit favourites[e] win whatever the drawing."""
    snapshots = []
    for epoch, digit in enumerate(favourites):
        arrays = random_arrays(config, seed=epoch)
        weights, bias = arrays[-1]
        bias = np.zeros_like(bias)
        bias[digit] = 50.0
        arrays[-1] = (np.zeros_like(weights), bias)
        snapshots.append(arrays)
    return snapshots


def test_time_travel_scrubs_through_the_epochs(app: AppTest, mnist) -> None:
    config = NetworkConfig(hidden_sizes=(16,))
    snapshots = epoch_snapshots(config, [2, 5, 8])
    use_session_model(app, Network.from_arrays(config, snapshots[-1], label="Your model"), snapshots)
    draw(app, mnist_image(mnist, 3))
    assert not any(TIME_TRAVEL_HINT in c.value for c in app.caption)
    (slider,) = [s for s in app.slider if "time-travel" in s.label]
    assert (slider.min, slider.max, slider.value) == (1, 3, 3)
    assert prediction(app) == "8"
    history = trace(chart(app, "network_epoch_chart"), "probability of 8")
    np.testing.assert_allclose(array(history["y"]), [0.0, 0.0, 1.0], atol=1e-6)

    slider.set_value(1).run()
    assert not app.exception
    assert prediction(app) == "2"
    outputs = trace(chart(app, "network_diagram"), "output neurons")
    assert int(np.argmax(array(outputs["marker"]["color"]))) == 2
    ring = trace(chart(app, "network_epoch_chart"), "selected epoch")
    assert list(array(ring["x"])) == [1]

    # The weight tiles are the first layer's as it was after epoch 1.
    tiles = trace(chart(app, "network_tiles"), "weights")
    first_tile = array(tiles["z"])[TILE_GAP : TILE_GAP + 28, 0:28]  # the mosaic leaves a gap row above the tiles
    shown_neuron = int(trace(chart(app, "network_tiles"), "labels")["text"][0])
    np.testing.assert_allclose(first_tile, snapshots[0][0][0][:, shown_neuron].reshape(28, 28), atol=1e-6)


def test_the_default_model_has_no_time_travel(app: AppTest, mnist) -> None:
    draw(app, mnist_image(mnist, 8))
    assert not [s for s in app.slider if "time-travel" in s.label]
    assert any(TIME_TRAVEL_HINT in c.value for c in app.caption)


def test_the_most_active_tiles_are_the_neurons_the_diagram_draws(app: AppTest, mnist) -> None:
    draw(app, mnist_image(mnist, 2))
    app.button_group(key="network_tiles_choice").set_value("active").run()
    assert not app.exception
    labels = [int(t) for t in trace(chart(app, "network_tiles"), "labels")["text"]]
    hidden = array(trace(chart(app, "network_diagram"), "hidden neurons")["customdata"])
    assert labels == [int(n) for layer, n, _ in hidden if layer == 1]


def test_a_test_digit_can_be_followed_without_drawing(app: AppTest, mnist_dir) -> None:
    app.button(key="network_test_digit").click().run()
    assert not app.exception
    assert prediction(app) in [str(d) for d in range(10)]
    assert any("true label" in c.value for c in app.caption)
    assert panel_title(app) is not None


@pytest.mark.parametrize(
    "hidden, activation, digits",
    [((512, 512), "relu", tuple(range(10))), ((30, 20, 10, 5), "tanh", tuple(range(10))), ((8,), "sigmoid", (7, 8, 9))],
)
def test_every_tab_works_for_other_shapes_of_model(app: AppTest, mnist, hidden, activation, digits) -> None:
    network = random_network(hidden, activation, digits=digits, seed=2)
    use_session_model(app, network, [network.arrays()] * 2)
    draw(app, mnist_image(mnist, 8))
    assert prediction(app) in [str(d) for d in digits]
    outputs = len(network.layers)
    app.selectbox(key=LAYER_PICKER).set_value(outputs)
    app.number_input(key=NEURON_PICKER).set_value(len(digits) - 1)
    app.run()
    assert panel_title(app) == f"Inside output neuron {len(digits) - 1} (digit {digits[-1]})"
    app.session_state[NETWORK_TABS] = "Hidden layers as features"
    app.run()
    assert not app.exception
    # A 7/8/9 model's map and its top test digits only use the digits it knows.
    names = [t["name"] for t in chart(app, "network_latent")["data"]]
    assert names == [str(d) for d in digits] + ["your drawing"]
    app.session_state[NETWORK_TABS] = "What each neuron looks for"
    app.run()
    assert not app.exception
    examples = trace(chart(app, "network_top_examples"), "labels")
    assert {int(text.split(" ")[1]) for text in examples["text"]} <= set(digits)


def test_without_test_digits_the_page_still_follows_the_drawing(app: AppTest, mnist, monkeypatch) -> None:
    from nnviz.model.mnist import DataUnavailableError

    def missing() -> None:
        raise DataUnavailableError("No MNIST here: set NNVIZ_DATA_DIR.")

    monkeypatch.setattr(resources, "test_digits", missing)
    draw(app, mnist_image(mnist, 7))
    app_state.put_concern(app, ViewState(followed=("hidden_1", 3)))
    app.run()
    assert not app.exception
    assert prediction(app) == "7"
    assert chart(app, "network_diagram") is not None and chart(app, "network_tiles") is not None
    assert any("not available" in info.value for info in app.info)
