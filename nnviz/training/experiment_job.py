"""The server's side of one Learn-page experiment: its run in the trainer pool and the results so far.

One `ExperimentJob` per experiment and settings is kept per server, so a whole class
pressing the same button costs one run; any session may poll it (thread-safe).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Protocol

from nnviz.training.events import ExperimentEvent, FinishedEvent


class _Run(Protocol):
    def poll(self) -> list: ...

    def stop(self) -> None: ...


class ExperimentJob:
    """results: {part: result dict} in arrival order; finished: the closing FinishedEvent once it came."""

    def __init__(self, run: _Run, parts: int) -> None:
        self._run = run
        self._lock = threading.Lock()
        self.parts = parts  # how many parts a complete run reports
        self.results: dict[str, dict] = {}
        self.finished: FinishedEvent | None = None

    def update(self) -> None:
        """Fold in whatever the worker sent since the last call (never blocks)."""
        with self._lock:
            if self.finished is not None:
                return
            for event in self._run.poll():
                if isinstance(event, ExperimentEvent):
                    self.results[event.part] = event.result
                elif isinstance(event, FinishedEvent):
                    self.finished = event

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def succeeded(self) -> bool:
        return self.finished is not None and self.finished.status == "completed"

    @property
    def progress(self) -> float:
        return min(len(self.results) / max(self.parts, 1), 1.0)


class ExperimentRegistry:
    """The server's jobs, one per (experiment, network configuration): a class pressing the same button costs one run.

    Thread-safe: every session of the server shares one registry.
    """

    def __init__(self) -> None:
        self._jobs: dict[tuple[str, Hashable], ExperimentJob] = {}
        self._lock = threading.Lock()

    def job(self, experiment: str, network_config: Hashable) -> ExperimentJob | None:
        """The job for this experiment and network with the worker's news folded in; None if never started."""
        job = self._jobs.get((experiment, network_config))
        if job is not None:
            job.update()
        return job

    def start(self, experiment: str, network_config: Hashable, parts: int, submit: Callable[[], _Run]) -> ExperimentJob:
        """The job for this experiment and network; `submit()` starts a new run only if none is running or done.

        A failed or stopped job is replaced; parts: how many results a complete run reports.
        """
        with self._lock:
            job = self._jobs.get((experiment, network_config))
            if job is None or not (job.running or job.succeeded):
                job = self._jobs[(experiment, network_config)] = ExperimentJob(submit(), parts)
        return job
