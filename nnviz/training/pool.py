"""Run trainings in worker processes so the Streamlit server never imports TensorFlow.

The server makes one `TrainerPool`; every browser session submits its runs to
it from its own script thread:

    run = pool.submit(network_config, training_config, owner=session_id)
    ...each rerun: for event in run.poll(): draw(event)   # never blocks; also says "still watching"
    run.stop()                                           # Stop button

What a run reports, in order (all from `nnviz.training.events`):
    QueuedEvent(position)    only if every trainer is busy; again whenever the position changes
    StartedEvent             a worker has begun
    BatchEvent ... EpochEvent ...   progress, as produced by `nnviz.training.fit.train`
    FinishedEvent            always exactly one, always last

How it works. Each worker is a ``python -m nnviz.training.worker`` subprocess
that imports TensorFlow and loads MNIST once (~5 s), so `warm_spares` of them
are started ahead of need (`warm_up`); a warm worker shows the first loss point
about a second after submit. At most `max_concurrent` trainings run at once (by
default one per CPU core; workers run at a lower priority with one TensorFlow
thread, so the server stays responsive); later ones wait in a
first-come-first-served queue.

A class shares. Training is deterministic for the same settings and seed, so
identical requests share one `_Training` and its event stream: a run that
joins a training already under way gets its events so far at once, then the
live ones. Thirty students pressing the Lab example cost one training.

A class is fair. A run that costs more than the default (weights × images × epochs,
`heavy_cost`) is heavy: heavy runs hold at most all trainers but one, so a light run never
waits behind them; it may also carry its own, shorter time limit (its session's fair share,
nnviz.training.fair_share).

A class leaves. A session that stops polling (pages poll at least every few
seconds while a run is in progress) and whose browser is no longer connected
(its tab closed) is "abandoned" after `abandon_after_s`: its run is detached,
and a training nobody watches any more is stopped, so its trainer is free for
the next in line. A session (`owner`) has at most one run: submitting again
stops its previous one.

A worker is retired after `runs_per_worker` trainings, because every Keras
model fit in a process leaks memory that only ending the process gives back
(keras-team/keras#17458); its replacement starts in the background. One reader
thread per worker turns its stdout frames into events; a watchdog thread kills
a worker that ignores Stop, overruns the time limit or never starts, and
detaches abandoned runs. A worker that dies mid-run ends that training with a
"failed" FinishedEvent without weights, so the sessions keep their previous
model. Workers exit by themselves when their stdin closes, i.e. when the server
exits or crashes; `shutdown` (also run at exit) ends them explicitly.

This module imports only numpy-level code: the server may import it.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from nnviz.model.network import NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.events import (
    PREVIOUS_MODEL_KEPT,
    BatchEvent,
    EpochEvent,
    ExperimentEvent,
    FinishedEvent,
    QueuedEvent,
    StartedEvent,
    WeightArrays,
)
from nnviz.training.fair_share import DEFAULT_COST, run_cost
from nnviz.training.protocol import ProtocolError, encode, read_frame

RunEvent = QueuedEvent | StartedEvent | BatchEvent | EpochEvent | ExperimentEvent | FinishedEvent
# Where a run is: waiting in line, handed to a worker that has not begun, training, asked to stop, then finished.
RunStatus = Literal[
    "queued", "starting", "running", "stopping", "completed", "stopped", "diverged", "timeout", "failed"
]
# What a worker sends (see nnviz.training.worker): one handler each in TrainerPool._handlers.
WorkerMessageKind = Literal["ready", "unavailable", "started", "event"]
# Why a worker was killed or ended.
ExitReason = Literal["crash", "stop", "timeout", "shutdown", "retired"]

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKER_MODULE = "nnviz.training.worker"
WATCHDOG_PERIOD_S = 0.25
STOP_GRACE_S = 5.0  # a worker that has not finished this long after Stop is killed (Stop itself takes ~0.1 s)
LIMIT_GRACE_S = 30.0  # the worker ends a run at its time limit itself; this catches one that hangs
START_TIMEOUT_S = 180.0  # a worker not ready by then (TensorFlow import + MNIST + warm-up) is killed
RETIRE_TIMEOUT_S = 10.0  # a retired worker that has not exited by then is killed
MAX_START_FAILURES = 3  # after this many workers died while starting, spares are no longer started unasked
# A new spare's start-up (~5 s of one core importing TensorFlow) is held back this long after a run begins,
# so it does not slow down the compile that stands between Train and the first loss point.
SPARE_DELAY_S = 3.0
# A run whose session has not polled for this long is abandoned (its tab was closed). Pages poll at least every
# HEARTBEAT_S while a run is in progress, so a student who only switched page is never mistaken for gone.
ABANDON_AFTER_S = 20.0
HEARTBEAT_S = 5.0

MESSAGES = {
    "crash": "The trainer stopped unexpectedly, so this run was lost. "
    + PREVIOUS_MODEL_KEPT
    + " Press Train to try again.",
    "stop": "Stopped. The trainer did not answer in time and was restarted, so this run's weights are lost. "
    + PREVIOUS_MODEL_KEPT,
    "timeout": "Training went over its time limit of {limit} and was ended. " + PREVIOUS_MODEL_KEPT,
    "shutdown": f"The server is shutting down, so training was cancelled. {PREVIOUS_MODEL_KEPT}",
    "queued_stop": f"Stopped before training began. {PREVIOUS_MODEL_KEPT}",
    "spawn": "The trainer could not be started ({error}). " + PREVIOUS_MODEL_KEPT,
    "left_shared": "Stopped after {epochs} finished epoch(s): the model from the last finished epoch is kept.",
    "left_early": f"Stopped before the first epoch finished. {PREVIOUS_MODEL_KEPT}",
    "abandoned": "This run was ended because its page stopped asking for news (was the tab closed?). "
    + PREVIOUS_MODEL_KEPT,
    "replaced": f"Replaced by a newer run from the same page. {PREVIOUS_MODEL_KEPT}",
    "teacher": f"Your teacher stopped this run to free a trainer for the class. {PREVIOUS_MODEL_KEPT}",
}


@dataclass(frozen=True)
class QueuedTraining:
    """One training as the teacher's queue shows it.

    training_id: what `TrainerPool.stop_training` takes; position: 0 while it trains, else its place in line;
    network, training: its settings; heavy: costs more than the default; students: sessions watching it
    (of the room asked about, when one was); seconds: how long it has trained (0 while it waits);
    other_rooms: students of other rooms (or of none) watch it too, so stopping it for a room leaves it to them.
    """

    training_id: int
    position: int
    network: NetworkConfig
    training: TrainingConfig
    heavy: bool
    students: int
    seconds: float
    other_rooms: bool = False


def default_concurrency() -> int:
    """Trainings that may run at once: one per CPU core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"


class TrainingRun:
    """One submitted training as its session sees it. Thread-safe; events come only through `poll`/`wait`.

    The pool changes a run only through the methods below the public ones (under the pool's lock);
    the run keeps its status consistent with the events it has been given.
    """

    def __init__(
        self,
        pool: TrainerPool,
        run_id: int,
        network_config: NetworkConfig,
        training_config: TrainingConfig,
        owner: Hashable | None = None,
        still_connected: Callable[[], bool] | None = None,
        room: str | None = None,
    ):
        self.id = run_id
        self.network_config = network_config
        self.training_config = training_config
        self.owner = owner
        self.room = room  # the class board its student joined: that room's teacher may stop it
        self._still_connected = still_connected
        self._pool = pool
        self._events: queue.Queue[RunEvent] = queue.Queue()
        self._status: RunStatus = "queued"
        self._result: FinishedEvent | None = None
        self._position: int | None = None
        self._training: _Training | None = None
        self._submitted_at = time.monotonic()
        self._last_seen = self._submitted_at
        self._done = False  # written only by the consumer

    # ------------------------------------------------------------ the session's side

    def poll(self) -> list[RunEvent]:
        """Every event that arrived since the last call, oldest first; [] if none. Never blocks.

        Each call also tells the pool that the session is still there (see ABANDON_AFTER_S).
        """
        self._last_seen = time.monotonic()
        events: list[RunEvent] = []
        while True:
            try:
                events.append(self._events.get_nowait())
            except queue.Empty:
                break
        if any(isinstance(e, FinishedEvent) for e in events):
            self._done = True
        return events

    def wait(self, timeout: float | None = None) -> list[RunEvent]:
        """Block until the FinishedEvent arrives (or `timeout` seconds pass); return the events meanwhile."""
        deadline = None if timeout is None else time.monotonic() + timeout
        events: list[RunEvent] = []
        while not self._done:
            self._last_seen = time.monotonic()
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            try:
                event = self._events.get(timeout=remaining)
            except queue.Empty:
                break
            events.append(event)
            if isinstance(event, FinishedEvent):
                self._done = True
        return events

    def stop(self) -> None:
        """End the run soon (~0.1 s): a running one keeps its partly trained weights, a queued one never starts."""
        self._pool._stop(self)

    @property
    def done(self) -> bool:
        """True once `poll` or `wait` has handed out the FinishedEvent (so no event is ever missed)."""
        return self._done

    @property
    def status(self) -> RunStatus:
        """Where the run is: "queued", "starting" (a worker has it, not yet begun), "running", "stopping",
        then the FinishedEvent's status ("completed", "stopped", "diverged", "timeout", "failed")."""
        return self._status

    @property
    def result(self) -> FinishedEvent | None:
        """The FinishedEvent once the pool has it (possibly before `poll` returns it), else None."""
        return self._result

    @property
    def queue_position(self) -> int | None:
        """1 = next in line; None when not waiting."""
        return self._position if self._status == "queued" else None

    @property
    def waiting_for_trainer_start(self) -> bool:
        """True while a trainer process is assigned but still starting up (TensorFlow import, ~5-15 s)."""
        training = self._training
        return self._status == "starting" and training is not None and not training.worker_ready

    @property
    def worker_pid(self) -> int | None:
        """Process id of the worker that runs (or ran) this, for logs and tests."""
        training = self._training
        return None if training is None or training.worker is None else training.worker.pid

    @property
    def shares_training(self) -> bool:
        """True if other sessions' identical runs share this run's training."""
        training = self._training
        return training is not None and len(training.runs) > 1

    # ------------------------------------------------------------ the pool's side (its lock held)

    @property
    def finished(self) -> bool:
        return self._result is not None

    def idle_for(self, now: float) -> float:
        """Seconds since the session last polled."""
        return now - self._last_seen

    def looks_abandoned(self, now: float, after_s: float) -> bool:
        """Not polled for `after_s` seconds, and its session (if it can tell) is no longer connected.

        A connected browser tab may poll rarely (browsers slow the timers of background tabs),
        so a live connection keeps the run; a closed tab ends the connection.
        """
        if self._result is not None or self.idle_for(now) <= after_s:
            return False
        try:
            return not (self._still_connected is not None and self._still_connected())
        except Exception:  # the server's session registry is shutting down: nobody is watching
            return True

    def attach(self, training: _Training) -> None:
        self._training = training

    def set_queue_position(self, position: int) -> None:
        if self._result is None and self._position != position:
            self._position = position
            self._events.put(QueuedEvent(position))

    def mark_starting(self) -> None:
        if self._status == "queued":
            self._status = "starting"

    def mark_stopping(self) -> None:
        if self._result is None:
            self._status = "stopping"

    def deliver(self, event: StartedEvent | BatchEvent | EpochEvent) -> None:
        """A progress event of its training (or, for a run that joins late, one replayed from its log)."""
        if self._result is not None:
            return
        if isinstance(event, StartedEvent):
            event = StartedEvent(max(0.0, time.monotonic() - self._submitted_at))
            if self._status in ("queued", "starting"):
                self._status = "running"
        self._events.put(event)

    def finish(self, event: FinishedEvent) -> None:
        """The run is over: its last event. Later calls are ignored."""
        if self._result is not None:
            return
        self._result = event
        self._status = event.status  # type: ignore[assignment]  (FinishedEvent.status is one of RunStatus's)
        self._events.put(event)


class _Training:
    """One training on one worker, shared by every identical run submitted while it waits or runs.

    Fields change only under the pool's lock. `log` keeps the progress events so far, so a run
    that joins late sees the whole curve.
    """

    def __init__(
        self,
        training_id: int,
        network_config: NetworkConfig,
        training_config: TrainingConfig,
        experiment: str | None = None,
        heavy: bool = False,
        time_limit_s: float = 900.0,
    ) -> None:
        self.id = training_id
        self.key = (network_config, training_config, experiment)
        self.heavy = heavy  # costs more than the default run: waits in the heavy lane (TrainerPool.heavy_cost)
        self.time_limit_s = time_limit_s
        self.experiment = experiment  # a Learn-page experiment's name (nnviz.training.learn_experiments), or None
        self.network_config = network_config
        self.training_config = training_config
        self.runs: list[TrainingRun] = []
        self.log: list[StartedEvent | BatchEvent | EpochEvent | ExperimentEvent] = []
        self.worker: _Worker | None = None
        self.started_at: float | None = None
        self.stop_requested_at: float | None = None
        self.epochs_seen = 0
        self.last_weights: WeightArrays | None = None
        self.result: FinishedEvent | None = None

    @property
    def worker_ready(self) -> bool:
        return self.worker is not None and self.worker.ready

    def join(self, run: TrainingRun) -> None:
        self.runs.append(run)
        run.attach(self)
        if self.worker is not None:
            run.mark_starting()
        for event in self.log:
            run.deliver(event)

    def leave(self, run: TrainingRun) -> None:
        self.runs.remove(run)

    def record(self, event: StartedEvent | BatchEvent | EpochEvent | ExperimentEvent) -> None:
        """Keep a progress event and hand it to every run."""
        if isinstance(event, StartedEvent):
            self.started_at = time.monotonic()
        elif isinstance(event, EpochEvent):
            self.epochs_seen = event.epoch
            self.last_weights = event.weights
        self.log.append(event)
        for run in self.runs:
            run.deliver(event)

    def finish(self, event: FinishedEvent) -> None:
        self.result = event
        for run in self.runs:
            run.finish(event)


class _Worker:
    """One ``python -m nnviz.training.worker`` process. Fields change only under the pool's lock."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.pid = proc.pid
        self.spawned_at = time.monotonic()
        self.ready = False
        self.job: _Training | None = None
        self.runs_started = 0
        self.retired_at: float | None = None
        self.kill_reason: str | None = None
        self.alive = True
        self._write_lock = threading.Lock()

    @property
    def free(self) -> bool:
        return self.alive and self.retired_at is None and self.job is None

    def send(self, message: tuple) -> bool:
        """Write one frame to the worker's stdin; False if it is gone."""
        with self._write_lock:
            try:
                self.proc.stdin.write(encode(message))
                self.proc.stdin.flush()
                return True
            except (OSError, ValueError):  # broken pipe, or stdin already closed
                return False

    def close_stdin(self) -> None:
        """The worker exits when its stdin ends (see nnviz.training.worker)."""
        with self._write_lock, contextlib.suppress(OSError):
            self.proc.stdin.close()

    def kill(self, reason: str) -> None:
        if self.kill_reason is None:
            self.kill_reason = reason
        with contextlib.suppress(OSError):
            self.proc.kill()


class TrainerPool:
    """Worker processes shared by every session of one Streamlit server.

    max_concurrent: trainings that may run at once (server-wide; default one per core); the rest queue.
    runs_per_worker: trainings after which a worker process is replaced (memory leak reclaim).
    time_limit_s: wall-clock limit of one training, in seconds (it ends as "timeout").
    warm_spares: idle workers kept started ahead of need.
    python: the interpreter for workers; env: their environment (default: this process's),
        e.g. to pass NNVIZ_DATA_DIR.
    worker_args: extra ``nnviz.training.worker`` arguments (tests use ``--trainer``/``--loader``).
    share_identical: identical requests (same settings and seed) share one training.
    abandon_after_s: a run whose session has not polled for this long is detached (see the module docstring).
    heavy_cost: runs that cost more than this (nnviz.training.fair_share.run_cost) are heavy and may hold at
        most `max_concurrent - 1` trainers (all of them if there is only one), so a default run or the Lab
        example never waits for heavy runs to end (default: runs dearer than the default run); None: no lane.
    """

    def __init__(
        self,
        max_concurrent: int | None = None,
        runs_per_worker: int = 4,
        time_limit_s: float = 900.0,
        warm_spares: int = 1,
        python: str = sys.executable,
        env: Mapping[str, str] | None = None,
        *,
        worker_args: Sequence[str] = (),
        share_identical: bool = True,
        abandon_after_s: float = ABANDON_AFTER_S,
        heavy_cost: int | None = DEFAULT_COST,
    ) -> None:
        max_concurrent = default_concurrency() if max_concurrent is None else max_concurrent
        if max_concurrent < 1 or runs_per_worker < 1 or warm_spares < 0 or time_limit_s <= 0 or abandon_after_s <= 0:
            raise ValueError(
                "max_concurrent and runs_per_worker must be >= 1, warm_spares >= 0, time_limit_s and "
                "abandon_after_s > 0."
            )
        self.max_concurrent = max_concurrent
        self.runs_per_worker = runs_per_worker
        self.time_limit_s = float(time_limit_s)
        self.warm_spares = warm_spares
        self.share_identical = share_identical
        self.abandon_after_s = float(abandon_after_s)
        self.heavy_cost = heavy_cost
        self.heavy_slots = max(1, max_concurrent - 1)
        self._command = [python, "-m", WORKER_MODULE, *worker_args]
        child_env = dict(os.environ if env is None else env)
        # So `-m nnviz.training.worker` resolves to this very package, whatever the server's working directory.
        child_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), child_env.get("PYTHONPATH")) if p)
        self._env = child_env
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)  # notified when a worker becomes ready
        self._workers: list[_Worker] = []
        self._waiting: deque[_Training] = deque()
        self._running: set[_Training] = set()
        self._by_key: dict[tuple, _Training] = {}  # waiting or running trainings that identical requests may join
        self._by_owner: dict[Hashable, TrainingRun] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._start_failures = 0
        self._spares_not_before = 0.0
        self._handlers: dict[WorkerMessageKind, Callable[[_Worker, tuple], None]] = {
            "ready": self._on_ready,
            "unavailable": self._on_unavailable,
            "started": self._on_started,
            "event": self._on_event,
        }
        self._closing = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="trainer-watchdog", daemon=True)
        self._watchdog.start()
        atexit.register(self.shutdown)

    # ----------------------------------------------------------------- public

    def warm_up(self, wait_s: float | None = None) -> bool:
        """Start spare workers if there are too few. Returns at once unless `wait_s` is given:
        then waits up to that long for `warm_spares` idle workers to be ready and says whether they are."""
        with self._lock:
            if self._closed:
                return False
            self._top_up_spares()
            if wait_s is None:
                return self._ready_spares() >= self.warm_spares
            return (
                self._changed.wait_for(lambda: self._closed or self._ready_spares() >= self.warm_spares, wait_s)
                and not self._closed
            )

    def submit(
        self,
        network_config: NetworkConfig,
        training_config: TrainingConfig,
        owner: Hashable | None = None,
        still_connected: Callable[[], bool] | None = None,
        experiment: str | None = None,
        time_limit_s: float | None = None,
        room: str | None = None,
    ) -> TrainingRun:
        """Queue a training run and return its handle at once.

        owner: who asks (e.g. the browser session's id); an owner's earlier run that has not finished is
        stopped, so every owner has at most one run. still_connected: says whether the asking session's
        browser is still connected; an unpolled run is kept while it says True (called from the pool's
        watchdog thread, so it must be quick and thread-safe). Raises ValueError for invalid settings
        and RuntimeError after `shutdown`.

        experiment: run this function of `nnviz.training.learn_experiments.EXPERIMENTS` instead of a training;
        it reports ExperimentEvents, then its FinishedEvent. Identical experiments share one run too.

        time_limit_s: this run's own limit (a session's fair share, nnviz.training.fair_share), at most the pool's.

        room: the class board the asking student joined (None: none); its teacher sees and may stop the run.
        """
        network_config.validate()
        training_config.validate()
        with self._lock:
            if self._closed:
                raise RuntimeError("The trainer pool has been shut down.")
            run = TrainingRun(self, next(self._ids), network_config, training_config, owner, still_connected, room)
            if owner is not None:
                previous = self._by_owner.get(owner)
                if previous is not None and not previous.finished:
                    self._detach(previous, MESSAGES["replaced"])
                self._by_owner[owner] = run
            run_key = (network_config, training_config, experiment)
            training = self._by_key.get(run_key) if self.share_identical else None
            if training is None:
                heavy = self.heavy_cost is not None and run_cost(network_config, training_config) > self.heavy_cost
                limit = self.time_limit_s if time_limit_s is None else min(self.time_limit_s, float(time_limit_s))
                training = _Training(next(self._ids), network_config, training_config, experiment, heavy, limit)
                self._waiting.append(training)
                if self.share_identical:
                    self._by_key[run_key] = training
            training.join(run)
            self._dispatch()
        return run

    def queue(self, room: str | None = None) -> list[QueuedTraining]:
        """Every training under way, then every one in line (in order): what the teacher's board lists.

        room: only the trainings a student of this room watches (a teacher sees their own class), else all.
        """
        with self._lock:
            now = time.monotonic()
            running = sorted(self._running, key=lambda t: t.id)
            listed = []
            for t, position in [*((t, 0) for t in running), *((t, i) for i, t in enumerate(self._waiting, 1))]:
                ours = [r for r in t.runs if room is None or r.room == room]
                if t.result is not None or t.stop_requested_at is not None or not ours:
                    continue
                seconds = 0.0 if t.started_at is None else now - t.started_at
                others = len(ours) < len(t.runs)
                listed.append(
                    QueuedTraining(
                        t.id, position, t.network_config, t.training_config, t.heavy, len(ours), seconds, others
                    )
                )
            return listed

    def stop_training(self, training_id: int, room: str | None = None) -> bool:
        """The teacher stops a training (under way or in line) for every session on it; False if it is gone,
        already stopping, or (with `room`) watched by no student of that room.

        room: stop it only for that room's students; students of other rooms on the same training keep it.
        """
        with self._lock:
            training = next((t for t in [*self._running, *self._waiting] if t.id == training_id), None)
            if training is None or training.result is not None or training.stop_requested_at is not None:
                return False
            ours = [r for r in training.runs if room is None or r.room == room]
            if not ours:
                return False
            for run in ours:
                self._detach(run, MESSAGES["teacher"])
            if training.runs and all(room is None or r.room == room for r in training.runs):
                # Not yet begun on its worker: no run was answered above, so stop it as a whole.
                self._stop_training(training)
            return True

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (busy, idle or still starting)."""
        with self._lock:
            return [w.pid for w in self._workers if w.alive]

    def shutdown(self, timeout_s: float = 5.0) -> None:
        """Cancel queued and running trainings and end every worker. Idempotent; also runs at exit."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            while self._waiting:
                self._end(self._waiting.popleft(), FinishedEvent("failed", 0, None, None, MESSAGES["shutdown"]))
            workers = list(self._workers)
            for worker in workers:
                if worker.kill_reason is None:
                    worker.kill_reason = "shutdown"
                worker.close_stdin()
            self._changed.notify_all()
        self._closing.set()
        atexit.unregister(self.shutdown)
        deadline = time.monotonic() + timeout_s
        for worker in workers:
            try:
                worker.proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()

    # ------------------------------------------------------- scheduling (lock held)

    def _ready_spares(self) -> int:
        return sum(1 for w in self._workers if w.free and w.ready)

    def _spawn(self) -> _Worker:
        proc = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # the worker's log goes to the server's log
            env=self._env,
            start_new_session=os.name == "posix",  # a Ctrl+C in the server's terminal must not hit workers mid-frame
        )
        worker = _Worker(proc)
        self._workers.append(worker)
        threading.Thread(target=self._read_worker, args=(worker,), name=f"trainer-{proc.pid}", daemon=True).start()
        logger.info("started training worker %d", proc.pid)
        return worker

    def _top_up_spares(self) -> None:
        """Start workers until `warm_spares` are free (the watchdog retries after a SPARE_DELAY_S pause)."""
        if self._closed or time.monotonic() < self._spares_not_before:
            return
        free = sum(1 for w in self._workers if w.free)
        live = sum(1 for w in self._workers if w.alive and w.retired_at is None)
        while free < self.warm_spares and live < self.max_concurrent + self.warm_spares:
            if self._start_failures >= MAX_START_FAILURES:
                return  # something is broken; start workers only when a run asks for one
            try:
                self._spawn()
            except OSError:
                logger.exception("could not start a training worker")
                self._start_failures += 1
                return
            free += 1
            live += 1

    def _free_worker(self) -> _Worker | None:
        free = [w for w in self._workers if w.free]
        # A ready worker first; among them the most used, so fresh spares stay fresh for later.
        return max(free, key=lambda w: (w.ready, w.runs_started, -w.spawned_at), default=None)

    def _next_waiting(self) -> _Training | None:
        """The first in line that may start now: a heavy training only while the heavy lane has room."""
        heavy_running = sum(1 for training in self._running if training.heavy)
        return next((t for t in self._waiting if not t.heavy or heavy_running < self.heavy_slots), None)

    def _dispatch(self) -> None:
        while len(self._running) < self.max_concurrent and not self._closed:
            if (training := self._next_waiting()) is None:
                break
            self._waiting.remove(training)
            worker = self._free_worker()
            if worker is None:
                try:
                    worker = self._spawn()
                except OSError as exc:
                    message = MESSAGES["spawn"].format(error=exc)
                    self._end(training, FinishedEvent("failed", 0, None, None, message))
                    continue
            self._assign(training, worker)
        for position, training in enumerate(self._waiting, start=1):
            for run in training.runs:
                run.set_queue_position(position)
        self._top_up_spares()

    def _assign(self, training: _Training, worker: _Worker) -> None:
        worker.job = training
        worker.runs_started += 1
        training.worker = worker
        for run in training.runs:
            run.mark_starting()
        self._running.add(training)
        self._spares_not_before = time.monotonic() + SPARE_DELAY_S
        job = ("run", training.id, training.network_config, training.training_config, training.time_limit_s)
        if training.experiment is not None:
            job = (*job, training.experiment)
        if not worker.send(job):
            worker.kill("crash")  # its reader thread sees the end of stdout and fails the training

    def _end(self, training: _Training, event: FinishedEvent) -> None:
        """The training is over: every run still on it gets `event`."""
        if training.result is not None:
            return
        training.finish(event)
        self._running.discard(training)
        if self._by_key.get(training.key) is training:
            del self._by_key[training.key]

    def _retire(self, worker: _Worker) -> None:
        worker.retired_at = time.monotonic()
        worker.send(("exit",))
        worker.close_stdin()

    def _stop(self, run: TrainingRun) -> None:
        with self._lock:
            self._detach(run, None)

    def _detach(self, run: TrainingRun, message: str | None) -> None:
        """Take `run` off its training (Stop, an abandoned tab, a newer run of its owner).

        message None: the student pressed Stop. A training that no run watches any more stops
        (a queued one never starts); one that others still watch goes on without this run.
        """
        training = run._training
        if run.finished or training is None:
            return
        others = [r for r in training.runs if r is not run]
        if training in self._waiting:
            training.leave(run)
            run.finish(FinishedEvent("stopped", 0, None, None, message or MESSAGES["queued_stop"]))
            if not others:
                self._waiting.remove(training)
                self._by_key.pop(training.key, None)
            self._dispatch()
            return
        if others:
            # The shared training goes on; this run keeps what the last finished epoch gave it.
            training.leave(run)
            epochs = training.epochs_seen
            text = message or (MESSAGES["left_shared"].format(epochs=epochs) if epochs else MESSAGES["left_early"])
            run.finish(FinishedEvent("stopped", epochs, training.last_weights, None, text))
            return
        if message is not None and training.started_at is not None:
            # Nobody watches: stop it now and answer at once; the worker's own FinishedEvent finds no run.
            training.leave(run)
            run.finish(FinishedEvent("stopped", training.epochs_seen, None, None, message))
        self._stop_training(training)

    def _stop_training(self, training: _Training) -> None:
        if training.stop_requested_at is not None or training.result is not None:
            return
        self._by_key.pop(training.key, None)  # a new identical request must not join a training that is ending
        training.stop_requested_at = time.monotonic()
        for run in training.runs:
            run.mark_stopping()
        worker = training.worker
        if worker is not None and not worker.send(("stop", training.id)):
            worker.kill("crash")
        elif training.started_at is None:
            # Its worker is still starting up: answer now. The worker skips the run when it gets to it
            # (and stays busy until then, so nothing else is sent to it meanwhile).
            self._end(training, FinishedEvent("stopped", 0, None, None, MESSAGES["queued_stop"]))
            self._dispatch()

    def _abandon_idle_runs(self, now: float) -> None:
        idle = [
            run
            for training in [*self._waiting, *self._running]
            for run in training.runs
            if run.looks_abandoned(now, self.abandon_after_s)
        ]
        for run in idle:
            logger.info("run %d: its session stopped polling; detaching it", run.id)
            self._detach(run, MESSAGES["abandoned"])

    # ---------------------------------------------------------------- threads

    def _read_worker(self, worker: _Worker) -> None:
        """Reader thread: one per worker, until its stdout ends."""
        try:
            while True:
                self._on_message(worker, read_frame(worker.proc.stdout, restricted=True))
        except EOFError:
            pass
        except Exception:  # a bad frame (ProtocolError) or a bug here: either way this worker cannot go on
            logger.exception("training worker %d: unreadable message; killing it", worker.pid)
            worker.kill("crash")
        try:
            worker.proc.wait(RETIRE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            worker.kill(worker.kill_reason or "crash")
            worker.proc.wait()
        self._on_worker_exit(worker)

    def _on_message(self, worker: _Worker, message: object) -> None:
        if not isinstance(message, tuple) or not message or message[0] not in self._handlers:
            raise ProtocolError(f"unexpected message {message!r:.80}")
        with self._lock:
            self._handlers[message[0]](worker, message)

    def _on_ready(self, worker: _Worker, message: tuple) -> None:
        worker.ready = True
        self._start_failures = 0
        logger.info("training worker %d ready after %.1f s", worker.pid, message[1])
        self._changed.notify_all()

    def _on_unavailable(self, worker: _Worker, message: tuple) -> None:
        worker.ready = True
        self._start_failures = 0
        logger.warning("training worker %d has no data: %s", worker.pid, message[1])
        self._changed.notify_all()

    def _job_of(self, worker: _Worker, message: tuple) -> _Training | None:
        training = worker.job
        if training is None or message[1] != training.id:
            logger.warning("training worker %d sent %s for a training it does not have", worker.pid, message[0])
            return None
        return training

    def _on_started(self, worker: _Worker, message: tuple) -> None:
        if (training := self._job_of(worker, message)) is not None:
            training.record(StartedEvent(0.0))  # each run works out its own wait

    def _on_event(self, worker: _Worker, message: tuple) -> None:
        training = self._job_of(worker, message)
        if training is None:
            return
        event = message[2]
        if isinstance(event, FinishedEvent):
            self._end(training, event)
            worker.job = None
            if worker.runs_started >= self.runs_per_worker or event.status == "failed":
                self._retire(worker)
            self._dispatch()
        elif isinstance(event, BatchEvent | EpochEvent | ExperimentEvent):
            training.record(event)
        else:
            raise ProtocolError(f"unexpected event {event!r:.80}")

    def _on_worker_exit(self, worker: _Worker) -> None:
        with self._lock:
            worker.alive = False
            self._workers.remove(worker)
            reason = worker.kill_reason or ("retired" if worker.retired_at is not None else "crash")
            if reason == "crash":
                logger.warning("training worker %d exited unexpectedly (code %s)", worker.pid, worker.proc.returncode)
                if not worker.ready:
                    self._start_failures += 1
            training = worker.job
            worker.job = None
            if training is not None:
                self._end(training, self._lost_training_event(training, reason))
            self._changed.notify_all()
            if not self._closed:
                self._dispatch()

    def _lost_training_event(self, training: _Training, reason: ExitReason) -> FinishedEvent:
        """The FinishedEvent for a training whose worker is gone: no weights, so sessions keep their model."""
        epochs = training.epochs_seen
        if reason == "stop":
            return FinishedEvent("stopped", epochs, None, None, MESSAGES["stop"])
        if reason == "timeout":
            return FinishedEvent(
                "timeout", epochs, None, None, MESSAGES["timeout"].format(limit=_minutes(training.time_limit_s))
            )
        if reason == "shutdown":
            return FinishedEvent("failed", epochs, None, None, MESSAGES["shutdown"])
        return FinishedEvent("failed", epochs, None, None, MESSAGES["crash"])

    def _watch(self) -> None:
        """Watchdog thread: detach abandoned runs; kill workers that ignore Stop, overrun the time limit,
        never start or never exit."""
        while not self._closing.wait(WATCHDOG_PERIOD_S):
            now = time.monotonic()
            with self._lock:
                self._abandon_idle_runs(now)
                self._top_up_spares()
                for worker in self._workers:
                    if worker.alive and worker.kill_reason is None:
                        self._check_worker(worker, now)

    def _check_worker(self, worker: _Worker, now: float) -> None:
        training = worker.job
        if worker.retired_at is not None:
            if now - worker.retired_at > RETIRE_TIMEOUT_S:
                worker.kill("retired")
        elif not worker.ready:
            if now - worker.spawned_at > START_TIMEOUT_S:
                logger.warning("training worker %d did not start in time; killing it", worker.pid)
                worker.kill("crash")
        elif training is not None and training.started_at is not None:
            if training.stop_requested_at is not None and now - training.stop_requested_at > STOP_GRACE_S:
                logger.warning("training worker %d ignored Stop; killing it", worker.pid)
                worker.kill("stop")
            elif now - training.started_at > training.time_limit_s + LIMIT_GRACE_S:
                logger.warning("training worker %d overran the time limit; killing it", worker.pid)
                worker.kill("timeout")
