"""The server's side of one Learn-page experiment: its run in the trainer pool and the results so far.

One `ExperimentJob` per experiment and settings is kept per server, so a whole class
pressing the same button costs one run; any session may poll it (thread-safe).
"""

from __future__ import annotations

import threading
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
