"""Structure of the Draw and Train figures, and the history the Train page gathers from events."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.figures.draw import grid_shape, input_figure, layer_figure, output_figure
from nnviz.figures.style import ACCENT
from nnviz.figures.train import accuracy_figure, architecture_figure, loss_figure
from nnviz.model.network import NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.events import BatchEvent, EpochEvent, FinishedEvent, QueuedEvent, StartedEvent
from nnviz.training.history import TrainingHistory


def test_the_input_is_a_28_by_28_greyscale_heatmap_from_0_to_1() -> None:
    pixels = np.linspace(0, 1, 784, dtype=np.float32)
    trace = input_figure(pixels).data[0]
    assert trace.type == "heatmap" and np.asarray(trace.z).shape == (28, 28)
    assert (trace.zmin, trace.zmax) == (0.0, 1.0)
    assert trace.colorbar.title.text == "value"
    assert np.asarray(trace.z)[27, 27] == pytest.approx(1.0)


@pytest.mark.parametrize(("n", "shape"), [(128, (8, 16)), (64, (4, 16)), (10, (2, 5)), (7, (2, 4)), (1, (1, 1))])
def test_neurons_are_laid_out_in_a_wide_grid_that_holds_them_all(n: int, shape: tuple[int, int]) -> None:
    assert grid_shape(n) == shape
    rows, cols = shape
    assert rows * cols >= n


@pytest.mark.parametrize(
    ("activation", "z_range"), [("sigmoid", (0.0, 1.0)), ("tanh", (-1.0, 1.0)), ("relu", (0.0, 3.0))]
)
def test_a_layer_grid_shows_every_neuron_with_a_range_that_fits_its_activation(activation, z_range) -> None:
    values = np.array([0.0, 1.5, 3.0, 0.5, 2.0, 1.0, 0.2], dtype=np.float32)
    trace = layer_figure(values, activation).data[0]
    z = np.asarray(trace.z, dtype=float)
    assert z.shape == (2, 4) and np.isnan(z[1, 3]), "the unused eighth cell stays blank"
    np.testing.assert_allclose(z.ravel()[:7], values)
    assert (trace.zmin, trace.zmax) == z_range
    assert np.asarray(trace.customdata).ravel()[:7].tolist() == list(range(7)), "hover names each neuron"


def test_the_output_bars_highlight_the_winner_and_label_every_digit() -> None:
    probabilities = np.array([0.05, 0.8, 0.15])
    fig = output_figure(probabilities, (7, 8, 9))
    bar = fig.data[0]
    assert list(bar.x) == ["7", "8", "9"]
    assert bar.marker.color[1] == ACCENT and bar.marker.color[0] != ACCENT
    assert fig.layout.xaxis.title.text == "digit" and fig.layout.yaxis.title.text == "probability"
    assert list(fig.layout.xaxis.tickvals) == ["7", "8", "9"]


def run_history() -> TrainingHistory:
    history = TrainingHistory(NetworkConfig(hidden_sizes=(16,)), TrainingConfig(epochs=2))
    weights = [(np.zeros((784, 16)), np.zeros(16)), (np.zeros((16, 10)), np.zeros(10))]
    events = [
        QueuedEvent(position=2),
        StartedEvent(seconds_waited=1.0),
        BatchEvent(epoch=1, step=5, steps_per_epoch=10, samples_seen=160, loss=2.0, seconds=0.5),
        BatchEvent(epoch=1, step=10, steps_per_epoch=10, samples_seen=320, loss=1.0, seconds=1.0),
        EpochEvent(epoch=1, epochs=2, train_loss=1.5, val_loss=1.2, val_accuracy=0.8, weights=weights, seconds=1.1),
        BatchEvent(epoch=2, step=5, steps_per_epoch=10, samples_seen=480, loss=0.6, seconds=1.6),
    ]
    for event in events:
        history.add(event)
    return history


def test_the_history_follows_the_events() -> None:
    history = run_history()
    assert history.queue_position is None, "a started run is no longer in line"
    assert history.batch_epochs == [0.5, 1.0, 1.5] and history.batch_losses == [2.0, 1.0, 0.6]
    assert history.epochs_done == 1 and len(history.snapshots) == 1
    assert history.progress == pytest.approx(0.75)
    assert history.seconds_left == pytest.approx(1.6 / 3)
    assert history.trained_network() is None, "nothing to adopt before the run has finished"
    history.add(FinishedEvent("diverged", 0, None, None, "The learning rate is too high"))
    assert history.trained_network() is None, "a run that diverged in its first epoch leaves nothing to adopt"


def test_a_stopped_run_is_adopted_with_its_last_epoch_and_the_badge_counts_like_the_message() -> None:
    history = run_history()
    history.add(FinishedEvent("stopped", 1, history.snapshots[0], 0.7, "Stopped after epoch 1 of 2: ..."))
    network = history.trained_network()
    assert network is not None and network.config.hidden_sizes == (16,)
    assert network.label == "Your model (stopped after epoch 1 of 2)"


def test_a_run_stopped_before_its_first_epoch_ended_replaces_nothing() -> None:
    history = run_history()
    history.add(FinishedEvent("failed", 0, None, None, "x"))
    assert history.trained_network() is None


def test_the_training_curves_have_titled_axes_and_only_the_latest_accuracy_labelled() -> None:
    history = run_history()
    loss = loss_figure(history)
    assert [trace.name for trace in loss.data] == ["training loss", "validation loss"]
    assert "epoch" in loss.layout.xaxis.title.text and "loss" in loss.layout.yaxis.title.text
    history.add(EpochEvent(2, 2, 0.5, 0.4, 0.9, history.snapshots[0], 2.0))
    accuracy = accuracy_figure(history)
    assert list(accuracy.data[0].text) == ["", "90.0%"]
    assert accuracy.layout.yaxis.tickformat == ".0%"


def test_the_architecture_shows_every_layer_size() -> None:
    bars = architecture_figure(NetworkConfig(hidden_sizes=(32, 16), digits=(7, 8, 9))).data[0]
    assert list(bars.text) == ["784", "32", "16", "3"]
