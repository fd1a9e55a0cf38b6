"""The Learn page under AppTest: loss, gradient descent, one step, starting weights, more data.

The default model and a trained-like session model (snapshots put straight into the session,
as the Train page leaves them). Experiments are shown from jobs put into the server cache, so
no worker starts here (tests/test_learn_experiments.py runs them for real).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devkit import app_state
from devkit.anatomy import random_arrays
from devkit.app_kit import array, chart, mnist_image, open_learn_tab, open_page, trace
from devkit.app_state import concern, put_concern, session_network
from devkit.canvas_injection import canvas_rgba, inject_drawing
from devkit.fake_run import FakeRun
from nnviz.explain.loss_reading import evaluation_batch
from nnviz.model.backprop import loss_and_gradients
from nnviz.model.network import INITIALIZERS, Network, NetworkConfig
from nnviz.session.state.input import InputState
from nnviz.session.state.training import TrainingState, with_network
from nnviz.training.events import ExperimentEvent, FinishedEvent
from nnviz.training.experiment_job import ExperimentJob
from nnviz.training.learn_experiments import DATA_SIZES, METHODS, STARTING_WEIGHTS
from pages.ui.learn_parts import RATE_KEY, TRUE_DIGIT_KEY, experiments

PAGE = "pages/screens/learn.py"


def metric(at: AppTest, label: str) -> str | None:
    values = [m.value for m in at.metric if m.label == label]
    return values[0] if values else None


def drawn(app: AppTest, mnist, digit: int) -> AppTest:
    inject_drawing(app, "learn", canvas_rgba(mnist_image(mnist, digit)))
    assert not app.exception, app.exception
    return app


@pytest.fixture
def app() -> AppTest:
    return open_page(PAGE)


# --- 1 · Loss -----------------------------------------------------------------------------------------------------


def test_blank_page_prompts_and_measures_the_test_batch(app: AppTest, mnist, default_network: Network) -> None:
    assert any("Draw a digit" in info.value for info in app.info)
    x, labels = evaluation_batch(mnist.x_test, mnist.y_test, default_network.digits)
    reference = loss_and_gradients(default_network, x, labels, "crossentropy").loss
    assert metric(app, "Mean loss (cross-entropy)") == f"{reference:.3f}"
    accuracy = metric(app, "Accuracy")
    assert accuracy is not None and float(accuracy.rstrip("%")) > 95
    assert any("wrong answers average a loss" in m.value for m in app.markdown)


def test_a_drawing_shows_p_and_minus_log_p_for_the_picked_digit(app: AppTest, mnist) -> None:
    drawn(app, mnist, 3)
    assert metric(app, "Prediction") == "3"
    assert app.radio(key=TRUE_DIGIT_KEY).value == 3, "a drawing starts as what the network predicts"
    app.radio(key=TRUE_DIGIT_KEY).set_value(8).run()
    shown_p = metric(app, "p (probability of 8)")
    loss = float(metric(app, "Loss −log p"))
    if shown_p == "< 0.001":
        assert loss > -math.log(1e-3)
    else:
        assert loss == pytest.approx(-math.log(float(shown_p)), abs=2e-3)
    assert float(metric(app, "Mean squared error")) > 0.05  # sure of 3, target 8: two big squared errors
    point = trace(chart(app, "learn_loss_curve"), "this input")
    assert array(point["y"])[0] == pytest.approx(min(loss, -math.log(1e-3)), abs=2e-3)


def test_a_test_digit_brings_its_own_label(app: AppTest) -> None:
    app.button(key="learn_test_digit").click().run()
    current = app_state.concern(app, InputState).current
    assert app.radio(key=TRUE_DIGIT_KEY).value == current.true_label


# --- 2 · Gradient descent -------------------------------------------------------------------------------------------


def test_the_curve_passes_through_the_forward_pass_loss(app: AppTest, mnist, default_network: Network) -> None:
    open_learn_tab(app, "2 · Gradient descent")
    figure = chart(app, "learn_weight_curve")
    assert figure is not None
    now = next(t for t in figure["data"] if t["name"].startswith("now:"))
    x, labels = evaluation_batch(mnist.x_test, mnist.y_test, default_network.digits)
    reference = loss_and_gradients(default_network, x, labels, "crossentropy")
    assert array(now["y"])[0] == pytest.approx(reference.loss, rel=1e-9)
    # By default the weight on show is the steepest one; its value is the model's.
    steepest = max(range(len(reference.weights)), key=lambda k: np.abs(reference.weights[k]).max())
    row, column = np.unravel_index(np.abs(reference.weights[steepest]).argmax(), reference.weights[steepest].shape)
    assert array(now["x"])[0] == pytest.approx(float(default_network.layers[steepest].weights[row, column]))
    assert any("Picked for you" in c.value for c in app.caption)
    assert any("Train a model on the Train page" in c.value for c in app.caption)


def test_picking_a_weight_by_numbers(app: AppTest, default_network: Network) -> None:
    open_learn_tab(app, "2 · Gradient descent")
    layer_box = next(s for s in app.selectbox if s.label == "Weight layer")
    layer_box.set_value(0).run()
    next(n for n in app.number_input if n.label.startswith("From neuron")).set_value(28 * 14 + 14).run()
    next(n for n in app.number_input if n.label == "To neuron").set_value(5).run()
    assert not app.exception
    now = next(t for t in chart(app, "learn_weight_curve")["data"] if t["name"].startswith("now:"))
    assert array(now["x"])[0] == pytest.approx(float(default_network.layers[0].weights[28 * 14 + 14, 5]))
    assert any("pixel (row 14, column 14) to neuron 5 of hidden layer 1" in m.value for m in app.markdown)


def trained_session(at: AppTest) -> tuple[Network, list, list]:
    """A small 'trained' model: start weights plus three epoch snapshots, as the Train page leaves them."""
    config = NetworkConfig(hidden_sizes=(16,))
    start = random_arrays(config, seed=10)
    snapshots = [random_arrays(config, seed=e) for e in (1, 2, 3)]
    network = Network.from_arrays(config, snapshots[-1], label="Your model")
    put_concern(at, with_network(concern(at, TrainingState), network, snapshots, start))
    return network, start, snapshots


def test_a_trained_model_shows_the_weight_after_each_epoch(app: AppTest, mnist) -> None:
    network, start, _ = trained_session(app)
    open_learn_tab(app, "2 · Gradient descent")
    epochs = trace(chart(app, "learn_weight_curve"), "after each epoch (0 = start)")
    assert epochs["text"] == ["0", "1", "2", "3"]
    ref_text = next(m.value for m in app.markdown if m.value.startswith("**The weight on show:**"))
    assert "hidden layer 1" in ref_text or "pixel" in ref_text
    slider = app.select_slider[0]
    assert slider.value == 3
    curve_at_3 = array(trace(chart(app, "learn_weight_curve"), "loss if only this weight changed")["y"])
    slider.set_value(0).run()
    assert not app.exception
    curve_at_0 = array(trace(chart(app, "learn_weight_curve"), "loss if only this weight changed")["y"])
    assert not np.allclose(curve_at_0, curve_at_3), "the curve moves because the other weights moved"
    # The dots sit on the curve drawn for the chosen epoch: at epoch 0 the first dot is the start's loss.
    x, labels = evaluation_batch(mnist.x_test, mnist.y_test, network.digits)
    dots = trace(chart(app, "learn_weight_curve"), "after each epoch (0 = start)")
    start_loss = loss_and_gradients(Network.from_arrays(network.config, start), x, labels, "crossentropy").loss
    assert array(dots["y"])[0] == pytest.approx(start_loss, rel=1e-9)


def test_the_2d_slice_shows_the_path(app: AppTest) -> None:
    trained_session(app)
    open_learn_tab(app, "2 · Gradient descent")
    app.toggle(key="learn_slice").set_value(True).run()
    assert not app.exception
    figure = chart(app, "learn_slice_chart")
    assert figure is not None
    path = trace(figure, "training path (epoch 0 = start)")
    assert path["text"] == ["0", "1", "2", "3"]
    assert array(path["x"])[-1] == pytest.approx(0.0, abs=1e-9)  # the path ends at the model now, the centre


# --- 3 · One step ---------------------------------------------------------------------------------------------------


def test_three_steps_teach_a_3_to_be_an_8_on_a_copy(app: AppTest, mnist, default_network: Network) -> None:
    drawn(app, mnist, 3)
    app.radio(key=TRUE_DIGIT_KEY).set_value(8).run()
    open_learn_tab(app, "3 · One step")
    assert app.dataframe, "the steepest weights and their gradients"
    losses = []
    for _ in range(3):
        app.button(key="learn_take_step").click().run()
        assert not app.exception
        losses.append(float(metric(app, "Loss after")))
    assert losses[0] < float(metric(app, "Loss before"))
    assert losses == sorted(losses, reverse=True), "each step lowers the loss on the drawing"
    assert metric(app, "Prediction before") == "3" and metric(app, "Prediction after") == "8"
    assert any(h.value == "Before and after 3 steps" for h in app.subheader)
    assert session_network(app) is None, "other pages untouched"
    assert any("test digits" in m.value and "before" in m.value for m in app.markdown)
    app.button(key="learn_keep").click().run()
    kept = session_network(app)
    assert kept is not None and not np.array_equal(kept.layers[0].weights, default_network.layers[0].weights)


def test_a_huge_learning_rate_is_called_out(app: AppTest, mnist) -> None:
    drawn(app, mnist, 3)
    app.radio(key=TRUE_DIGIT_KEY).set_value(8).run()
    open_learn_tab(app, "3 · One step")
    app.select_slider(key=RATE_KEY).set_value(1.0).run()
    app.button(key="learn_take_step").click().run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown) + " ".join(w.value for w in app.warning)
    assert "steps were too big" in text or "Overshoot" in text
    app.button(key="learn_reset").click().run()
    assert metric(app, "Loss after") is None, "Start over drops the steps"
    assert any("Press **Take one step**" in c.value for c in app.caption)
    assert app.button(key="learn_keep").disabled


# --- 4 and 5 · experiments (results put into the server's cache) ---------------------------------------------------


def put_job(
    experiment: str, config: NetworkConfig, results: dict[str, dict], parts: int | None = None, end: str = "completed"
) -> ExperimentJob:
    """Start `experiment` in the server's registry with a run that has sent `results` (no worker).

    parts: how many results a complete run reports (more than sent: still running); end: how the run ended.
    """
    events = [ExperimentEvent(part, result) for part, result in results.items()]
    finished = [] if parts is not None else [FinishedEvent(end, 0, None, None, f"The run {end}.")]
    run = FakeRun([[*events, *finished]])
    return experiments().start(experiment, config, parts or len(results), lambda: run)


@pytest.fixture(autouse=True)
def no_experiments_yet() -> None:
    """Every test starts on a server where no experiment ran (the registry is shared by the server)."""
    experiments.clear()


def starting_result(name: str) -> dict:
    rng = np.random.default_rng(len(name))
    tiles = np.zeros((6, 28, 28), np.float32) if name == "zeros" else rng.normal(size=(6, 28, 28)).astype(np.float32)
    return {
        "initializer": name,
        "epochs": [0.5, 1.0],
        "losses": [2.3, 2.3 if name == "zeros" else 0.4],
        "status": "diverged" if name == "too_large" else "completed",
        "accuracy": 0.11 if name == "zeros" else 0.9,
        "message": "",
        "tiles_start": tiles,
        "tiles_end": tiles,
        "activations_start": rng.normal(size=500).astype(np.float32),
    }


def test_starting_weights_results_are_shown_from_the_server_cache(app: AppTest, default_network: Network) -> None:
    open_learn_tab(app, "4 · Starting weights")
    assert app.button(key="learn_start_experiment").disabled is False
    put_job(STARTING_WEIGHTS, default_network.config, {name: starting_result(name) for name in INITIALIZERS})
    app.run()
    assert not app.exception
    curves = chart(app, "learn_init_curves")
    names = [t["name"] for t in curves["data"]]
    assert "All zeros: 11% right" in names and "Too large: blew up" in names
    assert chart(app, "learn_zero_tiles") is not None and chart(app, "learn_start_histogram") is not None
    assert app.button(key="learn_start_experiment").disabled is True  # done once for the whole class


def test_data_size_results_plot_and_say_what_happened(app: AppTest) -> None:
    sizes = (100, 300, 1_000, 3_000, 10_000, 21_911)
    accuracy = {METHODS[0]: (0.7, 0.8, 0.88, 0.91, 0.94, 0.95), METHODS[1]: (0.7, 0.79, 0.84, 0.87, 0.89, 0.9)}
    accuracy[METHODS[2]] = (0.64, 0.75, 0.85, 0.89, 0.93, 0.945)
    results = {
        f"{m}@{n}": {"method": m, "size": n, "accuracy": a, "seconds": 1.0}
        for m, values in accuracy.items()
        for n, a in zip(sizes, values)
    }
    put_job(DATA_SIZES, NetworkConfig(), results)
    open_learn_tab(app, "5 · More data?")
    figure = chart(app, "learn_data_sizes")
    assert figure["layout"]["xaxis"]["type"] == "log"
    assert [t["name"] for t in figure["data"]] == list(METHODS)
    assert any(m.value.startswith("**What happened:**") and "21,911" in m.value for m in app.markdown)


def test_loss_and_one_step_work_on_a_trained_model_too(app: AppTest, mnist) -> None:
    network, _, _ = trained_session(app)
    app.run()
    drawn(app, mnist, 7)
    digit = app.radio(key=TRUE_DIGIT_KEY).value
    x, labels = evaluation_batch(mnist.x_test, mnist.y_test, network.digits)
    assert (
        metric(app, "Mean loss (cross-entropy)") == f"{loss_and_gradients(network, x, labels, 'crossentropy').loss:.3f}"
    )
    open_learn_tab(app, "3 · One step")
    app.button(key="learn_take_step").click().run()
    assert not app.exception
    assert float(metric(app, "Loss after")) < float(metric(app, "Loss before"))
    assert session_network(app) is network, "the session's model is untouched until Keep"
    assert digit in network.digits


def test_a_running_experiment_shows_its_progress_and_its_results_so_far(app: AppTest, default_network: Network) -> None:
    arrived = {name: starting_result(name) for name in ("zeros", "glorot")}
    put_job(STARTING_WEIGHTS, default_network.config, arrived, parts=len(INITIALIZERS))
    open_learn_tab(app, "4 · Starting weights")
    assert app.button(key="learn_start_experiment").disabled is True, "running: a second click would start it again"
    assert [p.proto.text for p in app.get("progress")] == ["Training in the trainer… 2 of 5 runs done."]
    assert [t["name"] for t in chart(app, "learn_init_curves")["data"]] == ["All zeros: 11% right", "Glorot: 90% right"]
    assert chart(app, "learn_start_histogram") is not None


def test_a_failed_experiment_says_so_and_can_be_started_again(app: AppTest, default_network: Network) -> None:
    put_job(STARTING_WEIGHTS, default_network.config, {}, end="failed")
    open_learn_tab(app, "4 · Starting weights")
    assert any("did not finish: The run failed." in w.value for w in app.warning)
    assert app.button(key="learn_start_experiment").disabled is False
    assert chart(app, "learn_init_curves") is None
