"""Wall-clock timing for the benchmarks in bench/: one way to read a stopwatch and take a median."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def ms_since(start: float) -> float:
    """Milliseconds elapsed since `start`, a `time.perf_counter()` reading."""
    return (time.perf_counter() - start) * 1000.0


def median_s(call: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `call`, in seconds (no warm-up call: add one if it matters)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
