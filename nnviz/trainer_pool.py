"""Run trainings in worker processes so the Streamlit server never imports TensorFlow.

The server makes one `TrainerPool`; every browser session submits its runs to
it from its own script thread:

    run = pool.submit(network_config, training_config)
    ...each rerun: for event in run.poll(): draw(event)   # never blocks
    run.stop()                                           # Stop button

What a run reports, in order (all from `nnviz.training_events`):
    QueuedEvent(position)    only if every trainer is busy; again whenever the position changes
    StartedEvent             a worker has begun
    BatchEvent ... EpochEvent ...   progress, as produced by `nnviz.training.train`
    FinishedEvent            always exactly one, always last

How it works. Each worker is a ``python -m nnviz.training_worker`` subprocess
that imports TensorFlow and loads MNIST once (~5 s), so `warm_spares` of them
are started ahead of need (`warm_up`); a warm worker shows the first loss point
about a second after submit. At most `max_concurrent` runs train at once; later
ones wait in a first-come-first-served queue. A worker is retired after
`runs_per_worker` runs, because every Keras model fit in a process leaks memory
that only ending the process gives back (keras-team/keras#17458); its
replacement starts in the background. One reader thread per worker turns its
stdout frames into events on the run's `queue.Queue`; a watchdog thread kills a
worker that ignores Stop, overruns the time limit or never starts. A worker that
dies mid-run ends that run with a "failed" FinishedEvent without weights, so the
session keeps its previous model. Workers exit by themselves when their stdin
closes, i.e. when the server exits or crashes; `shutdown` (also run at exit)
ends them explicitly.

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
from collections.abc import Mapping, Sequence
from pathlib import Path

from nnviz.network import NetworkConfig
from nnviz.training_config import TrainingConfig
from nnviz.training_events import (
    PREVIOUS_MODEL_KEPT,
    BatchEvent,
    EpochEvent,
    FinishedEvent,
    QueuedEvent,
    StartedEvent,
)
from nnviz.worker_protocol import ProtocolError, encode, read_frame

RunEvent = QueuedEvent | StartedEvent | BatchEvent | EpochEvent | FinishedEvent

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKER_MODULE = "nnviz.training_worker"
WATCHDOG_PERIOD_S = 0.25
STOP_GRACE_S = 5.0  # a worker that has not finished this long after Stop is killed (Stop itself takes ~0.1 s)
LIMIT_GRACE_S = 30.0  # the worker ends a run at its time limit itself; this catches one that hangs
START_TIMEOUT_S = 180.0  # a worker not ready by then (TensorFlow import + MNIST + warm-up) is killed
RETIRE_TIMEOUT_S = 10.0  # a retired worker that has not exited by then is killed
MAX_START_FAILURES = 3  # after this many workers died while starting, spares are no longer started unasked
# A new spare's start-up (~5 s of one core importing TensorFlow) is held back this long after a run begins,
# so it does not slow down the compile that stands between Train and the first loss point.
SPARE_DELAY_S = 3.0

MESSAGES = {
    "crash": f"The trainer stopped unexpectedly, so this run was lost. {PREVIOUS_MODEL_KEPT} Press Train to try again.",
    "stop": "Stopped. The trainer did not answer in time and was restarted, so this run's weights are lost. "
    + PREVIOUS_MODEL_KEPT,
    "timeout": "Training went over its time limit of {limit} and was ended. " + PREVIOUS_MODEL_KEPT,
    "shutdown": f"The server is shutting down, so training was cancelled. {PREVIOUS_MODEL_KEPT}",
    "queued_stop": f"Stopped before training began. {PREVIOUS_MODEL_KEPT}",
    "spawn": "The trainer could not be started ({error}). " + PREVIOUS_MODEL_KEPT,
}


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"


class TrainingRun:
    """One submitted training as its session sees it. Thread-safe; events come only through `poll`/`wait`."""

    def __init__(self, pool: TrainerPool, run_id: int, network_config: NetworkConfig, training_config: TrainingConfig):
        self.id = run_id
        self.network_config = network_config
        self.training_config = training_config
        self._pool = pool
        self._events: queue.Queue[RunEvent] = queue.Queue()
        # Written only under the pool's lock:
        self._status = "queued"
        self._result: FinishedEvent | None = None
        self._position: int | None = None
        self._worker: _Worker | None = None
        self._submitted_at = time.monotonic()
        self._started_at: float | None = None
        self._stop_requested_at: float | None = None
        self._epochs_seen = 0
        # Written only by the consumer:
        self._done = False

    def poll(self) -> list[RunEvent]:
        """Every event that arrived since the last call, oldest first; [] if none. Never blocks."""
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
    def status(self) -> str:
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
    def worker_pid(self) -> int | None:
        """Process id of the worker that runs (or ran) this, for logs and tests."""
        worker = self._worker
        return None if worker is None else worker.pid


class _Worker:
    """One ``python -m nnviz.training_worker`` process. Fields change only under the pool's lock."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.pid = proc.pid
        self.spawned_at = time.monotonic()
        self.ready = False
        self.run: TrainingRun | None = None
        self.runs_started = 0
        self.retired_at: float | None = None
        self.kill_reason: str | None = None
        self.alive = True
        self._write_lock = threading.Lock()

    @property
    def free(self) -> bool:
        return self.alive and self.retired_at is None and self.run is None

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
        """The worker exits when its stdin ends (see nnviz.training_worker)."""
        with self._write_lock, contextlib.suppress(OSError):
            self.proc.stdin.close()

    def kill(self, reason: str) -> None:
        if self.kill_reason is None:
            self.kill_reason = reason
        with contextlib.suppress(OSError):
            self.proc.kill()


class TrainerPool:
    """Worker processes shared by every session of one Streamlit server.

    max_concurrent: trainings that may run at once (server-wide); the rest queue.
    runs_per_worker: runs after which a worker process is replaced (memory leak reclaim).
    time_limit_s: wall-clock limit of one run, in seconds (the run ends as "timeout").
    warm_spares: idle workers kept started ahead of need.
    python: the interpreter for workers; env: their environment (default: this process's),
        e.g. to pass NNVIZ_DATA_DIR.
    worker_args: extra ``nnviz.training_worker`` arguments (tests use ``--trainer``/``--loader``).
    """

    def __init__(
        self,
        max_concurrent: int = 2,
        runs_per_worker: int = 4,
        time_limit_s: float = 900.0,
        warm_spares: int = 1,
        python: str = sys.executable,
        env: Mapping[str, str] | None = None,
        *,
        worker_args: Sequence[str] = (),
    ) -> None:
        if max_concurrent < 1 or runs_per_worker < 1 or warm_spares < 0 or time_limit_s <= 0:
            raise ValueError("max_concurrent and runs_per_worker must be >= 1, warm_spares >= 0, time_limit_s > 0.")
        self.max_concurrent = max_concurrent
        self.runs_per_worker = runs_per_worker
        self.time_limit_s = float(time_limit_s)
        self.warm_spares = warm_spares
        self._command = [python, "-m", WORKER_MODULE, *worker_args]
        child_env = dict(os.environ if env is None else env)
        # So `-m nnviz.training_worker` resolves to this very package, whatever the server's working directory.
        child_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), child_env.get("PYTHONPATH")) if p)
        self._env = child_env
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)  # notified when a worker becomes ready
        self._workers: list[_Worker] = []
        self._waiting: deque[TrainingRun] = deque()
        self._running: set[TrainingRun] = set()
        self._ids = itertools.count(1)
        self._closed = False
        self._start_failures = 0
        self._spares_not_before = 0.0
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

    def submit(self, network_config: NetworkConfig, training_config: TrainingConfig) -> TrainingRun:
        """Queue a training run and return its handle at once. Raises ValueError for invalid settings
        and RuntimeError after `shutdown`."""
        network_config.validate()
        training_config.validate()
        with self._lock:
            if self._closed:
                raise RuntimeError("The trainer pool has been shut down.")
            run = TrainingRun(self, next(self._ids), network_config, training_config)
            self._waiting.append(run)
            self._dispatch()
        return run

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
                self._finish(self._waiting.popleft(), FinishedEvent("failed", 0, None, None, MESSAGES["shutdown"]))
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

    def _dispatch(self) -> None:
        while self._waiting and len(self._running) < self.max_concurrent and not self._closed:
            worker = self._free_worker()
            if worker is None:
                try:
                    worker = self._spawn()
                except OSError as exc:
                    run = self._waiting.popleft()
                    self._finish(run, FinishedEvent("failed", 0, None, None, MESSAGES["spawn"].format(error=exc)))
                    continue
            self._assign(self._waiting.popleft(), worker)
        for position, run in enumerate(self._waiting, start=1):
            if run._position != position:
                run._position = position
                run._events.put(QueuedEvent(position))
        self._top_up_spares()

    def _assign(self, run: TrainingRun, worker: _Worker) -> None:
        worker.run = run
        worker.runs_started += 1
        run._worker = worker
        run._status = "starting"
        self._running.add(run)
        self._spares_not_before = time.monotonic() + SPARE_DELAY_S
        job = ("run", run.id, run.network_config, run.training_config, self.time_limit_s)
        if not worker.send(job):
            worker.kill("crash")  # its reader thread sees the end of stdout and fails the run

    def _finish(self, run: TrainingRun, event: FinishedEvent) -> None:
        if run._result is not None:
            return
        run._result = event
        run._status = event.status
        self._running.discard(run)
        run._events.put(event)

    def _retire(self, worker: _Worker) -> None:
        worker.retired_at = time.monotonic()
        worker.send(("exit",))
        worker.close_stdin()

    def _stop(self, run: TrainingRun) -> None:
        with self._lock:
            if run._result is not None:
                return
            if run in self._waiting:
                self._waiting.remove(run)
                self._finish(run, FinishedEvent("stopped", 0, None, None, MESSAGES["queued_stop"]))
                self._dispatch()
                return
            if run._stop_requested_at is not None:
                return
            run._stop_requested_at = time.monotonic()
            run._status = "stopping"
            worker = run._worker
            if worker is not None and not worker.send(("stop", run.id)):
                worker.kill("crash")
            elif run._started_at is None:
                # Its worker is still starting up: answer now. The worker skips the run when it gets to it
                # (and stays busy until then, so nothing else is sent to it meanwhile).
                self._finish(run, FinishedEvent("stopped", 0, None, None, MESSAGES["queued_stop"]))
                self._dispatch()

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
        if not isinstance(message, tuple) or not message:
            raise ProtocolError(f"unexpected message {message!r:.80}")
        kind = message[0]
        with self._lock:
            run = worker.run
            if kind in ("ready", "unavailable"):
                worker.ready = True
                self._start_failures = 0
                if kind == "unavailable":
                    logger.warning("training worker %d has no data: %s", worker.pid, message[1])
                else:
                    logger.info("training worker %d ready after %.1f s", worker.pid, message[1])
                self._changed.notify_all()
            elif run is None or message[1] != run.id:
                logger.warning("training worker %d sent %s for a run it does not have", worker.pid, kind)
            elif kind == "started":
                run._started_at = time.monotonic()
                if run._status == "starting":
                    run._status = "running"
                run._events.put(StartedEvent(run._started_at - run._submitted_at))
            elif kind == "event":
                event = message[2]
                if isinstance(event, FinishedEvent):
                    self._finish(run, event)
                    worker.run = None
                    if worker.runs_started >= self.runs_per_worker or event.status == "failed":
                        self._retire(worker)
                    self._dispatch()
                elif isinstance(event, BatchEvent | EpochEvent):
                    if isinstance(event, EpochEvent):
                        run._epochs_seen = event.epoch
                    run._events.put(event)
                else:
                    raise ProtocolError(f"unexpected event {event!r:.80}")
            else:
                raise ProtocolError(f"unexpected message kind {kind!r}")

    def _on_worker_exit(self, worker: _Worker) -> None:
        with self._lock:
            worker.alive = False
            self._workers.remove(worker)
            reason = worker.kill_reason or ("retired" if worker.retired_at is not None else "crash")
            if reason == "crash":
                logger.warning("training worker %d exited unexpectedly (code %s)", worker.pid, worker.proc.returncode)
                if not worker.ready:
                    self._start_failures += 1
            run = worker.run
            worker.run = None
            if run is not None and run._result is None:
                self._finish(run, self._lost_run_event(run, reason))
            self._changed.notify_all()
            if not self._closed:
                self._dispatch()

    def _lost_run_event(self, run: TrainingRun, reason: str) -> FinishedEvent:
        """The FinishedEvent for a run whose worker is gone: no weights, so the session keeps its model."""
        if reason == "stop":
            return FinishedEvent("stopped", run._epochs_seen, None, None, MESSAGES["stop"])
        if reason == "timeout":
            message = MESSAGES["timeout"].format(limit=_minutes(self.time_limit_s))
            return FinishedEvent("timeout", run._epochs_seen, None, None, message)
        if reason == "shutdown":
            return FinishedEvent("failed", run._epochs_seen, None, None, MESSAGES["shutdown"])
        return FinishedEvent("failed", run._epochs_seen, None, None, MESSAGES["crash"])

    def _watch(self) -> None:
        """Watchdog thread: kill workers that ignore Stop, overrun the time limit, never start or never exit."""
        while not self._closing.wait(WATCHDOG_PERIOD_S):
            now = time.monotonic()
            with self._lock:
                self._top_up_spares()
                for worker in self._workers:
                    run = worker.run
                    if not worker.alive or worker.kill_reason is not None:
                        continue
                    if worker.retired_at is not None:
                        if now - worker.retired_at > RETIRE_TIMEOUT_S:
                            worker.kill("retired")
                    elif not worker.ready:
                        if now - worker.spawned_at > START_TIMEOUT_S:
                            logger.warning("training worker %d did not start in time; killing it", worker.pid)
                            worker.kill("crash")
                    elif run is not None and run._started_at is not None:
                        if run._stop_requested_at is not None and now - run._stop_requested_at > STOP_GRACE_S:
                            logger.warning("training worker %d ignored Stop; killing it", worker.pid)
                            worker.kill("stop")
                        elif now - run._started_at > self.time_limit_s + LIMIT_GRACE_S:
                            logger.warning("training worker %d overran the time limit; killing it", worker.pid)
                            worker.kill("timeout")
