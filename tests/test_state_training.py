"""The session's training concern: runs folded from real event streams, adoption, kept runs, polling, figures.

The oracle for the events is the run itself: the history's numbers must be the events' numbers,
a model is adopted only when the run left weights, and the weights adopted are those it sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from devkit.anatomy import random_arrays
from nnviz.model.network import Network, NetworkConfig, network_to_bytes
from nnviz.session.form import LAYER_COUNT_KEY, NEW_LAYER_SIZES, experiment_from_form, form_values, size_key, widget_key
from nnviz.session.plain_text import escape_markdown
from nnviz.session.settings import SETTINGS_BY_LINK, Experiment, from_query
from nnviz.session.state import training
from nnviz.session.state.training import QUEUED_POLL_S, RUNNING_POLL_S, TrainingState
from nnviz.training.config import TrainingConfig
from nnviz.training.events import BatchEvent, EpochEvent, FinishedEvent, QueuedEvent, StartedEvent
from nnviz.training.history import TrainingHistory
from nnviz.training.progress import outcome, parameter_arithmetic, progress_text, waiting_sentence

CONFIG = NetworkConfig(hidden_sizes=(8,))


@dataclass
class FakeRun:
    """A run handle as the pool gives it: only its status is read by the transitions."""

    status: str = "running"


def _run_events(epochs: int, status: str, epochs_done: int, seed: int = 0) -> tuple[list[object], list]:
    """A trainer's event stream for `epochs` epochs that ends with `status` after `epochs_done`, and its weights."""
    start = random_arrays(CONFIG, seed=seed + 100)
    weights = [random_arrays(CONFIG, seed=seed + e) for e in range(1, epochs_done + 1)]
    events: list[object] = [QueuedEvent(2), StartedEvent(1.0)]
    for epoch in range(1, epochs_done + 1):
        events.append(BatchEvent(epoch, 5, 10, 320 * epoch, 2.0 / epoch, float(epoch)))
        first = start if epoch == 1 else None
        events.append(
            EpochEvent(
                epoch, epochs, 1.5 / epoch, 1.6 / epoch, 0.5 + 0.1 * epoch, weights[epoch - 1], float(epoch), first
            )
        )
    final = weights[-1] if weights else None
    accuracy = 0.91 if status == "completed" else (0.8 if weights and status == "stopped" else None)
    events.append(FinishedEvent(status, epochs_done, final if status != "failed" else None, accuracy, "over"))
    return events, weights


def _started(state: TrainingState, epochs: int = 2, seed: int = 0) -> tuple[TrainingState, TrainingHistory]:
    history = TrainingHistory(CONFIG, TrainingConfig(epochs=epochs, seed=seed))
    return training.started(state, FakeRun(), history), history


def _train(state: TrainingState, status: str = "completed", epochs: int = 2, done: int = 2, seed: int = 0):
    state, _ = _started(state, epochs, seed)
    events, weights = _run_events(epochs, status, done, seed)
    state, finished = training.collected(state, events)
    return state, finished, weights


def test_a_new_session_uses_the_default_model_and_runs_nothing() -> None:
    state = TrainingState()
    assert state.network is None and not state.in_progress and state.loss == "crossentropy"
    assert training.wanted_poll_interval(state) is None


def test_events_grow_the_history_and_only_the_last_one_finishes_the_run() -> None:
    state, history = _started(TrainingState())
    events, weights = _run_events(2, "completed", 2)
    state, finished = training.collected(state, events[:-1])
    assert finished is None and state.in_progress and state.network is None
    assert history.epoch_numbers == [1, 2] and history.batch_losses == [2.0, 1.0]
    state, finished = training.collected(state, events[-1:])
    assert finished is history and not state.in_progress and state.run is None
    # The adopted model holds exactly the weights of the last epoch, and its epoch 0 is the start weights.
    for layer, (w, b) in zip(state.network.layers, weights[-1]):
        np.testing.assert_array_equal(layer.weights, w)
        np.testing.assert_array_equal(layer.bias, b)
    assert len(state.snapshots) == 2 and state.start_weights is events[3].start_weights
    assert state.trained_settings == (CONFIG, TrainingConfig(epochs=2, seed=0))
    assert [run.number for run in state.kept_runs] == [1] and state.active_run == 1
    assert state.network is state.kept_runs[0].model


def test_events_after_the_end_change_nothing() -> None:
    state, _, _ = _train(TrainingState())
    again, none = training.collected(state, [BatchEvent(9, 1, 1, 1, 9.0, 9.0)])
    assert again is state and none is None


@pytest.mark.parametrize(("status", "done"), [("failed", 0), ("stopped", 0)])
def test_a_run_without_weights_keeps_the_previous_model(status: str, done: int) -> None:
    first, _, _ = _train(TrainingState(), seed=1)
    state, finished, _ = _train(first, status=status, epochs=3, done=done, seed=2)
    assert finished is not None and state.network is first.network and state.active_run == 1
    assert state.trained_settings == first.trained_settings
    # A failed run is not kept for comparison; one stopped before its first epoch is (it has a curve to show).
    assert len(state.kept_runs) == (1 if status == "failed" else 2)


def test_a_stopped_run_with_epochs_becomes_the_model_with_its_last_complete_epoch() -> None:
    state, _, weights = _train(TrainingState(), status="stopped", epochs=5, done=2)
    np.testing.assert_array_equal(state.network.layers[0].weights, weights[1][0][0])
    assert "stopped after epoch 2 of 5" in state.network.label


def test_switching_between_kept_runs_brings_back_their_settings_and_start_weights() -> None:
    one, _, _ = _train(TrainingState(), seed=1)
    two, _, _ = _train(one, seed=2)
    assert two.active_run == 2
    back = training.use_kept_run(two, 1)
    assert back.active_run == 1 and back.network is two.kept_runs[0].model
    assert back.start_weights is two.kept_runs[0].history.start_weights is not None
    assert back.trained_settings[1].seed == 1
    assert training.kept_run_experiment(back, 2) == Experiment(CONFIG, TrainingConfig(epochs=2, seed=2))
    assert training.use_kept_run(back, 7) is back  # no such run


def test_a_loaded_model_has_no_settings_and_no_kept_run() -> None:
    trained, _, _ = _train(TrainingState())
    network = Network.from_arrays(CONFIG, random_arrays(CONFIG, seed=5), label="Uploaded")
    loaded = training.with_network(trained, network)
    assert loaded.network is network and loaded.trained_settings is None and loaded.active_run is None
    assert loaded.snapshots is None and loaded.start_weights is None
    assert loaded.kept_runs == trained.kept_runs
    assert training.with_network(loaded, None).network is None


def test_settings_changed_compares_the_form_with_the_trained_model() -> None:
    trained, _, _ = _train(TrainingState())
    same = Experiment(CONFIG, TrainingConfig(epochs=2, seed=0))
    assert not training.settings_changed(trained, same)
    assert training.settings_changed(trained, Experiment(CONFIG, TrainingConfig(epochs=3, seed=0)))
    assert not training.settings_changed(TrainingState(), Experiment())  # nothing trained, nothing to flag


def test_the_poll_interval_follows_the_runs_status_and_a_change_is_noticed() -> None:
    state, _ = _started(TrainingState())
    state.run.status = "queued"
    assert training.wanted_poll_interval(state) == QUEUED_POLL_S and training.poll_changed(state)
    state = training.with_poll_set_up(state)
    assert not training.poll_changed(state)
    state.run.status = "running"
    assert training.poll_changed(state) and training.wanted_poll_interval(state) == RUNNING_POLL_S
    events, _ = _run_events(2, "completed", 2)
    state, _ = training.collected(training.with_poll_set_up(state), events)
    assert training.poll_changed(state) and training.wanted_poll_interval(state) is None


def test_a_figure_is_rebuilt_only_when_its_version_changes() -> None:
    built: list[int] = []

    def build() -> int:
        built.append(len(built))
        return len(built)

    state, first = training.cached_figure(TrainingState(), "loss", (1, 2), build)
    state, again = training.cached_figure(state, "loss", (1, 2), build)
    assert first == again == 1 and built == [0]
    state, other = training.cached_figure(state, "accuracy", (1, 2), build)
    state, newer = training.cached_figure(state, "loss", (1, 3), build)
    assert (other, newer) == (2, 3) and len(state.figures) == 2


def test_history_version_changes_with_every_event_the_charts_show() -> None:
    state, history = _started(TrainingState())
    events, _ = _run_events(2, "completed", 2)
    versions = {training.history_version(history)}
    for event in events[2:]:
        training.collected(state, [event])
        versions.add(training.history_version(history))
    assert len(versions) == len(events) - 1  # the two queue events change no chart


def test_hidden_runs_stay_hidden_as_new_runs_arrive() -> None:
    state, _, _ = _train(TrainingState(), seed=1)
    state, _, _ = _train(state, seed=2)
    state = training.with_shown_runs(state, [2])
    assert training.shown_runs(state) == [2]
    state, _, _ = _train(state, seed=3)
    assert training.shown_runs(state) == [2, 3]


def test_messages_are_shown_once() -> None:
    state = training.with_train_error(TrainingState(), "Pick at least two digits.")
    state, message = training.take_train_error(state)
    assert message == "Pick at least two digits." and training.take_train_error(state)[1] is None
    state = training.with_upload_error(state, "Could not load x.npz")
    state, message = training.take_upload_error(state)
    assert message == "Could not load x.npz" and state.upload_error is None


def test_the_loss_is_the_trained_models() -> None:
    history = TrainingHistory(CONFIG, TrainingConfig(epochs=1, loss="mse"))
    state = training.started(TrainingState(), FakeRun(), history)
    events, _ = _run_events(1, "completed", 1)
    state, _ = training.collected(state, events)
    assert state.loss == "mse"


# --- The Train form's values, the upload, and what the page says about a run ---------------------------------


def test_the_form_shows_an_experiment_and_reads_it_back_through_the_settings_table() -> None:
    exp = from_query({"layers": "32,16", "digits": "789", "lr": "0.1", "images": "1000", "present": "1"})[0]
    values = form_values(exp)
    assert values[LAYER_COUNT_KEY] == 2 and (values[size_key(1)], values[size_key(2)]) == (32, 16)
    assert values[size_key(3)] == NEW_LAYER_SIZES[2]  # a layer the student adds starts at a sensible size
    assert values["train_digits"] == [7, 8, 9] and values["train_lr"] == 0.1
    assert experiment_from_form(exp, values) == (exp, None)
    wider, problem = experiment_from_form(exp, values | {LAYER_COUNT_KEY: 3, "train_digits": [9, 7, 9, 8]})
    assert problem is None and wider.network.hidden_sizes == (32, 16, NEW_LAYER_SIZES[2])
    assert wider.network.digits == (7, 8, 9) and wider.view == exp.view  # the view is never the form's


def test_an_invalid_form_keeps_the_last_valid_experiment_and_says_why() -> None:
    exp = Experiment()
    kept, problem = experiment_from_form(exp, {"train_digits": [5]})
    assert kept is exp and "at least two digits" in problem
    assert widget_key(SETTINGS_BY_LINK["lr"]) == "train_lr"


def test_an_uploaded_model_replaces_the_model_and_a_bad_file_is_explained_with_its_name_escaped() -> None:
    network = Network.from_arrays(CONFIG, random_arrays(CONFIG, seed=4))
    state = training.with_uploaded_model(TrainingState(), "lab*.npz", network_to_bytes(network))
    assert state.network.config == CONFIG and state.network.label == "Uploaded model (lab*.npz)"
    np.testing.assert_array_equal(state.network.layers[0].weights, network.layers[0].weights)
    broken = training.with_uploaded_model(state, "[x](//ev.il).npz", b"PK\x03\x04 not really a zip")
    assert broken.network is state.network
    assert broken.upload_error.startswith(f"Could not load {escape_markdown('[x](//ev.il).npz')}: ")


def test_the_progress_text_counts_from_the_history() -> None:
    history = TrainingHistory(CONFIG, TrainingConfig(epochs=3))
    assert progress_text(history) == "Epoch 1 of 3 · 0 images seen"
    events, _ = _run_events(3, "completed", 1)
    for event in events[:-1]:
        history.add(event)
    # One epoch of three took 1 s of training, so about 2 s are left.
    assert progress_text(history) == "Epoch 2 of 3 · 320 images seen · about 2 s left"
    assert waiting_sentence(3, False) == "Waiting for a free trainer: you are number 3 in line."
    assert waiting_sentence(None, True) is not None and waiting_sentence(None, False) is None


@pytest.mark.parametrize(
    ("status", "accuracy", "tone", "shown"),
    [
        ("completed", 0.9997, "success", "**99.97%**"),  # never rounded up to a perfect score
        ("completed", 1.0, "success", "**100.0%**"),
        ("completed", 0.5, "success", "**50.0%**"),
        ("stopped", 0.8123, "warning", "It gets 81.2% of test images right."),
        ("stopped", None, "warning", "over"),
        ("diverged", None, "error", "over"),
    ],
)
def test_the_outcome_sentence_is_computed_from_the_run(status, accuracy, tone, shown) -> None:
    history = TrainingHistory(CONFIG, TrainingConfig(epochs=1))
    assert outcome(history) is None
    history.add(FinishedEvent(status, 1, None, accuracy, "over"))
    said_tone, sentence = outcome(history)
    assert said_tone == tone and shown in sentence
    if accuracy is None:
        assert "%" not in sentence


def test_the_parameter_arithmetic_adds_up() -> None:
    config = NetworkConfig(hidden_sizes=(128,))
    text = parameter_arithmetic(config)
    assert "784 × 128 + 128 = **100,480**" in text and "128 × 10 + 10 = **1,290**" in text
    assert text.startswith(f"**{784 * 128 + 128 + 128 * 10 + 10:,} weights and biases")
