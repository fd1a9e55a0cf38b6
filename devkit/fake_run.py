"""A stand-in for a trainer-pool run: hands out prepared batches of events, one batch per poll (no worker)."""

from __future__ import annotations


class FakeRun:
    """poll() returns the next of `batches` (then []), as `TrainingRun.poll` returns the events since the last call."""

    def __init__(self, batches: list[list]) -> None:
        self.batches = list(batches)

    def poll(self) -> list:
        return self.batches.pop(0) if self.batches else []

    def stop(self) -> None:
        """Nothing runs, so there is nothing to stop."""
