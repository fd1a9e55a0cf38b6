"""The session's training: its own model, the run in progress, the runs it kept, and the Train page's bookkeeping.

`TrainingState` is frozen; every change is a pure function that returns the next value. Two of
its parts are handles on things that move by themselves: `run` is the trainer pool's handle (it
is polled by the Streamlit side, which passes the events in), and `history` is the run's
`TrainingHistory`, an append-only record that the events extend in place. Its identity is the
run's identity (the curve guess is tied to it), so a new run means a new history object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from nnviz.model.network import Network, NetworkConfig, load_network
from nnviz.session.plain_text import escape_markdown
from nnviz.session.settings import Experiment
from nnviz.training.config import TrainingConfig
from nnviz.training.events import WeightArrays
from nnviz.training.history import TrainingHistory
from nnviz.training.run_compare import KeptRun, keep_run

T = TypeVar("T")

QUEUED_POLL_S = 3.0  # waiting in line: the position changes rarely
RUNNING_POLL_S = 1.5  # training: the curves grow; faster adds server load, not understanding
WAITING_STATUSES = ("queued", "starting")


@dataclass(frozen=True)
class TrainingState:
    """One session's training.

    network: the session's own model, None while it uses the default model.
    snapshots: weights after each epoch of that model (index 0 = after epoch 1), None if unknown.
    start_weights: its weights before training (epoch 0), None if unknown.
    trained_settings: (NetworkConfig, TrainingConfig) it was trained with, None for a loaded or stepped model.
    run: the trainer pool's handle of the run in progress, None when no run is going.
    history: the latest run's record, finished or not (None before the first Train).
    train_error / upload_error: why pressing Train / loading a file did not work, shown once.
    kept_runs: the finished runs (oldest first) for Compare runs; active_run: the one that is the model.
    hidden_runs: numbers of kept runs the student hid from the comparison.
    poll_interval: seconds between polls the Train page's fragment was set up with (None: not polling).
    figures: (name, version, figure) of the figures built last, rebuilt only when their version changes.
    form_experiment: the experiment the Train form's widgets were last seeded from or read.
    """

    network: Network | None = None
    snapshots: tuple[WeightArrays, ...] | None = None
    start_weights: WeightArrays | None = None
    trained_settings: tuple[NetworkConfig, TrainingConfig] | None = None
    run: Any | None = None
    history: TrainingHistory | None = None
    train_error: str | None = None
    upload_error: str | None = None
    kept_runs: tuple[KeptRun, ...] = ()
    active_run: int | None = None
    hidden_runs: frozenset[int] = frozenset()
    poll_interval: float | None = None
    figures: tuple[tuple[str, object, object], ...] = ()
    form_experiment: Experiment | None = None

    @property
    def in_progress(self) -> bool:
        """True while a run is going: started and not finished."""
        return self.run is not None and self.history is not None and self.history.finished is None

    @property
    def loss(self) -> str:
        """The loss the session's model was trained with ("crossentropy" for the default model)."""
        return "crossentropy" if self.trained_settings is None else self.trained_settings[1].loss


def with_network(
    state: TrainingState,
    network: Network | None,
    snapshots: Sequence[WeightArrays] | None = None,
    start_weights: WeightArrays | None = None,
) -> TrainingState:
    """`network` becomes the session's model (None: back to the default), with no trained settings and no kept run.

    A trained model sets its settings, and a kept run its number, right after (see `use_kept_run`).
    """
    return replace(
        state,
        network=network,
        snapshots=tuple(snapshots) if snapshots else None,
        start_weights=start_weights,
        trained_settings=None,
        active_run=None,
    )


def with_uploaded_model(state: TrainingState, file_name: str, data: bytes) -> TrainingState:
    """A model file the student uploaded becomes the session's model, or the reason it cannot (shown once).

    Only sizes and weights are read (nnviz.model.network.load_network). The file name is untrusted
    text: it is escaped in the markdown message and kept as typed in the model's label.
    """
    try:
        network = load_network(data)
    except ValueError as exc:
        return with_upload_error(state, f"Could not load {escape_markdown(file_name)}: {exc}")
    network.label = f"Uploaded model ({file_name})"
    return with_network(state, network)


def started(state: TrainingState, run: Any, history: TrainingHistory) -> TrainingState:
    """A run was submitted: `history` (new, empty) records it from now on."""
    return replace(state, run=run, history=history, train_error=None)


def collected(state: TrainingState, events: Iterable[object]) -> tuple[TrainingState, TrainingHistory | None]:
    """The state after the run's new `events`, and the run's history if it finished with them (else None).

    The events are added to the history. A finished run is no longer polled; a run that left a
    model makes it the session's model and is kept for Compare runs (a failed one is not kept).
    """
    history = state.history
    if state.run is None or history is None or history.finished is not None:
        return state, None
    for event in events:
        history.add(event)
    if history.finished is None:
        return state, None
    return finished(state, history), history


def finished(state: TrainingState, history: TrainingHistory) -> TrainingState:
    """Adopt the finished run's model (a run that left none keeps the old model), and keep the run."""
    state = replace(state, run=None)
    if history.finished is None or history.finished.status == "failed":
        return state
    runs = keep_run(state.kept_runs, history)
    state = replace(state, kept_runs=runs)
    if runs[-1].model is None:
        return state
    return use_kept_run(state, runs[-1].number)


def use_kept_run(state: TrainingState, number: int) -> TrainingState:
    """Kept run `number` becomes the session's model again (with its snapshots if it still has them).

    Unchanged if there is no such run or it left no model. The caller shows the run's settings
    in the form and the link (`kept_run_experiment`).
    """
    run = kept_run(state, number)
    if run is None or run.model is None:
        return state
    history = run.history
    adopted = with_network(state, run.model, run.snapshots or None, history.start_weights)
    return replace(adopted, trained_settings=(history.network_config, history.training_config), active_run=number)


def kept_run(state: TrainingState, number: int) -> KeptRun | None:
    return next((run for run in state.kept_runs if run.number == number), None)


def kept_run_experiment(state: TrainingState, number: int) -> Experiment | None:
    """The network and training settings of kept run `number` (default view), or None."""
    run = kept_run(state, number)
    return None if run is None else run.experiment


def settings_changed(state: TrainingState, exp: Experiment) -> bool:
    """True if the trained model's settings differ from the form's `exp` (and no run is going to apply them)."""
    return (
        state.trained_settings is not None
        and not state.in_progress
        and state.trained_settings != (exp.network, exp.training)
    )


# --- Messages shown once ---------------------------------------------------------------------------------------


def with_train_error(state: TrainingState, message: str) -> TrainingState:
    return replace(state, train_error=message)


def take_train_error(state: TrainingState) -> tuple[TrainingState, str | None]:
    return replace(state, train_error=None), state.train_error


def with_upload_error(state: TrainingState, message: str) -> TrainingState:
    return replace(state, upload_error=message)


def take_upload_error(state: TrainingState) -> tuple[TrainingState, str | None]:
    return replace(state, upload_error=None), state.upload_error


# --- Compare runs: which kept runs are shown ----------------------------------------------------------------------


def shown_runs(state: TrainingState) -> list[int]:
    """Numbers of the kept runs the comparison shows: all but the hidden ones, oldest first."""
    return [run.number for run in state.kept_runs if run.number not in state.hidden_runs]


def with_shown_runs(state: TrainingState, shown: Iterable[int]) -> TrainingState:
    """The student picked `shown`: every other kept run is hidden, and stays hidden as new runs arrive."""
    picked = set(shown)
    return replace(state, hidden_runs=frozenset(run.number for run in state.kept_runs if run.number not in picked))


# --- Classroom load: how often the Train page polls, and figures rebuilt only on news ----------------------------
# Many sessions share one server, so a page that only waits must cost next to nothing: a queued run is polled
# every few seconds and a running one about once a second.


def wanted_poll_interval(state: TrainingState) -> float | None:
    """Seconds between the Train page's polls: None with no run in progress, slower while queued or starting."""
    if not state.in_progress:
        return None
    return QUEUED_POLL_S if state.run.status in WAITING_STATUSES else RUNNING_POLL_S


def poll_changed(state: TrainingState) -> bool:
    """True if the wanted interval differs from the one the page's fragment was set up with.

    A fragment's `run_every` is fixed by the full run that drew it, so a change (queued → running,
    or the run's end) needs one full rerun.
    """
    return state.poll_interval != wanted_poll_interval(state)


def with_poll_set_up(state: TrainingState) -> TrainingState:
    """The page's fragment is being set up with the wanted interval."""
    return replace(state, poll_interval=wanted_poll_interval(state))


def history_version(history: TrainingHistory) -> tuple:
    """Changes whenever the history gains an event that the charts show (and for another run's history)."""
    return (id(history), len(history.batch_losses), len(history.epoch_numbers), history.finished is not None)


def cached_figure(state: TrainingState, name: str, version: object, build: Callable[[], T]) -> tuple[TrainingState, T]:
    """(state, figure): the figure built last under `name` if `version` is unchanged, else `build()` kept anew."""
    for kept_name, kept_version, figure in state.figures:
        if kept_name == name and kept_version == version:
            return state, figure
    figure = build()
    others = tuple(kept for kept in state.figures if kept[0] != name)
    return replace(state, figures=(*others, (name, version, figure))), figure
