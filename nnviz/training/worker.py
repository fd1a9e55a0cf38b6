"""The training worker: a separate process that imports TensorFlow so the Streamlit server never does.

Run as ``python -m nnviz.training.worker`` (by `nnviz.training.pool.TrainerPool`,
never by multiprocessing, whose spawned children would re-import the Streamlit
script). At start-up it imports TensorFlow, loads MNIST once (``NNVIZ_DATA_DIR``
or the download cache, see `nnviz.model.mnist`) and compiles a tiny warm-up run, then
says "ready". After that it trains one run at a time as the server asks,
streaming every event back. The wire format is in `nnviz.training.protocol`.

stdout carries only protocol frames: before anything else is imported, the
real stdout is duplicated to a private descriptor for frames and descriptor 1
is pointed at stderr, so any print from Python or TensorFlow's C++ lands in the
log instead of corrupting a frame.

A thread reads stdin so a "stop" takes effect at the training loop's next check
(~0.1 s) while the main thread trains. When stdin closes (the server exited,
crashed or retired this worker) the process exits at once, even mid-run.

For tests only, ``--trainer`` and ``--loader`` (``module:function``) replace
`nnviz.training.fit.train` and `nnviz.model.mnist.load_mnist` with stand-ins that have the
same signatures.
"""

from __future__ import annotations

import argparse
import importlib
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import BinaryIO

DEFAULT_TRAINER = "nnviz.training.fit:train"
DEFAULT_LOADER = "nnviz.model.mnist:load_mnist"
FAILED_PREFIX = "Training failed"
# Workers yield the CPU to the Streamlit server (drawing, polling) on a small machine; among themselves they
# are equal, so concurrent runs still share fairly.
NICENESS = 19


def claim_stdout() -> BinaryIO:
    """Keep a private copy of stdout for frames and send everything else written to fd 1 to stderr."""
    sys.stdout.flush()
    frames = os.fdopen(os.dup(1), "wb")  # buffered: it completes partial pipe writes
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return frames


def resolve(spec: str) -> Callable:
    """The function named by "package.module:function"."""
    module_name, _, name = spec.partition(":")
    return getattr(importlib.import_module(module_name), name)


def resolve_experiment(spec: str) -> Callable:
    """A Learn-page experiment by name; only those in `nnviz.training.learn_experiments.EXPERIMENTS` are run."""
    from nnviz.training.learn_experiments import EXPERIMENTS

    if spec not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {spec!r}")
    return resolve(spec)


class Mailbox:
    """What the stdin reader thread tells the training loop: queued runs and stop requests."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple] = queue.Queue()
        self._stopped: set[int] = set()
        self._lock = threading.Lock()

    def stop(self, run_id: int) -> None:
        with self._lock:
            self._stopped.add(run_id)

    def should_stop(self, run_id: int) -> bool:
        with self._lock:
            return run_id in self._stopped

    def forget(self, run_id: int) -> None:
        with self._lock:
            self._stopped.discard(run_id)


def read_commands(stdin: BinaryIO, mailbox: Mailbox) -> None:
    """Reader thread: file runs and stops; exit the whole process when stdin ends or says "exit"."""
    from nnviz.training.protocol import read_frame

    while True:
        try:
            message = read_frame(stdin, restricted=False)
        except Exception:
            # EOF or garbage: the server is gone (or retired us). Nothing in a run is worth finishing.
            os._exit(0)
        kind = message[0]
        if kind == "run":
            mailbox.jobs.put(message)
        elif kind == "stop":
            mailbox.stop(message[1])
        elif kind == "exit":
            os._exit(0)


class Worker:
    """Loads the data once, then runs trainings and sends their events."""

    def __init__(self, frames: BinaryIO, trainer: Callable, loader: Callable) -> None:
        from nnviz.training.protocol import write_frame

        self._frames = frames
        self._write_frame = write_frame
        self._write_lock = threading.Lock()
        self.trainer = trainer
        self.loader = loader
        self.data: object | None = None
        self.data_error: str | None = None

    def send(self, message: tuple) -> None:
        with self._write_lock:
            self._write_frame(self._frames, message)

    def load_data(self) -> bool:
        """Load MNIST (data_dir None: NNVIZ_DATA_DIR or the download cache); remember a friendly error."""
        try:
            self.data = self.loader(None)
            self.data_error = None
        except Exception as exc:
            self.data = None
            self.data_error = _friendly_data_error(exc)
        return self.data is not None

    def warm_up(self) -> None:
        """Compile and run the default network for one chunk of batches, then stop.

        The first run in a fresh process pays one-off TensorFlow/XLA set-up on top of
        compiling its own graph; doing it here, before "ready", keeps the first loss
        point of a real run within about a second. The default architecture is the
        one classes train most, and warming it up measured fastest for others too.
        """
        from nnviz.model.network import NetworkConfig
        from nnviz.training.config import TrainingConfig
        from nnviz.training.events import BatchEvent

        losses: list[BatchEvent] = []
        events = self.trainer(
            NetworkConfig(), TrainingConfig(epochs=1), self.data, should_stop=lambda: bool(losses), time_limit_s=60.0
        )
        for event in events:
            if isinstance(event, BatchEvent):
                losses.append(event)

    def run(
        self,
        run_id: int,
        network_config,
        training_config,
        time_limit_s: float | None,
        mailbox: Mailbox,
        experiment: str | None = None,
    ) -> None:
        """One training run (or Learn-page experiment); always ends with exactly one FinishedEvent for `run_id`."""
        from nnviz.training.events import PREVIOUS_MODEL_KEPT, FinishedEvent

        if mailbox.should_stop(run_id):
            message = f"Stopped before training began. {PREVIOUS_MODEL_KEPT}"
            self.send(("event", run_id, FinishedEvent("stopped", 0, None, None, message)))
            return
        self.send(("started", run_id))
        if self.data is None and not self.load_data():
            self.send(("event", run_id, FinishedEvent("failed", 0, None, None, self.data_error)))
            return
        try:
            events = (self.trainer if experiment is None else resolve_experiment(experiment))(
                network_config,
                training_config,
                self.data,
                should_stop=lambda: mailbox.should_stop(run_id),
                time_limit_s=time_limit_s,
            )
            for event in events:
                self.send(("event", run_id, event))
                if isinstance(event, FinishedEvent):
                    return
            message = f"{FAILED_PREFIX}: the trainer ended without a result."
        except ValueError as exc:  # invalid settings: the message is written for the user
            message = f"{FAILED_PREFIX}: {exc}"
        except Exception as exc:
            print(f"training run {run_id} failed: {exc!r}", file=sys.stderr)
            message = f"{FAILED_PREFIX} because of an internal error ({type(exc).__name__}). Press Train to try again."
        self.send(("event", run_id, FinishedEvent("failed", 0, None, None, message)))


def _friendly_data_error(exc: Exception) -> str:
    from nnviz.model.mnist import DataUnavailableError

    if isinstance(exc, DataUnavailableError):
        return str(exc)
    return f"The training images could not be loaded ({exc}). Ask your teacher to check the MNIST data folder."


def main(argv: list[str] | None = None) -> int:
    frames = claim_stdout()  # first: nothing may write to fd 1 after this
    parser = argparse.ArgumentParser(prog="python -m nnviz.training.worker", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--trainer", default=DEFAULT_TRAINER, help="module:function like nnviz.training.fit.train (tests)"
    )
    parser.add_argument(
        "--loader", default=DEFAULT_LOADER, help="module:function like nnviz.model.mnist.load_mnist (tests)"
    )
    parser.add_argument("--no-warm-up", action="store_true", help="skip the tiny compile-ahead run")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if hasattr(os, "nice"):
        os.nice(NICENESS)

    started = time.perf_counter()
    mailbox = Mailbox()
    # Listen from the start, so closing stdin ends a worker that is still importing TensorFlow.
    threading.Thread(target=read_commands, args=(sys.stdin.buffer, mailbox), name="commands", daemon=True).start()
    trainer = resolve(args.trainer)
    if args.trainer == DEFAULT_TRAINER:
        # Before TensorFlow runs anything: one thread per op trains ~1.4x faster on a 2-core machine
        # (tiny matmuls gain nothing from a thread pool) and leaves a core to the Streamlit server.
        from nnviz.training.fit import set_tensorflow_threads

        set_tensorflow_threads(1)
    worker = Worker(frames, trainer, resolve(args.loader))
    if worker.load_data():
        if not args.no_warm_up:
            try:
                worker.warm_up()
            except Exception as exc:  # only a speed-up: a worker that cannot warm up can still train
                print(f"warm-up failed: {exc!r}", file=sys.stderr)
        worker.send(("ready", time.perf_counter() - started))
    else:
        worker.send(("unavailable", worker.data_error))

    while True:
        job = mailbox.jobs.get()
        _, run_id, network_config, training_config, time_limit_s, *experiment = job
        worker.run(run_id, network_config, training_config, time_limit_s, mailbox, *experiment)
        mailbox.forget(run_id)


if __name__ == "__main__":
    sys.exit(main())
