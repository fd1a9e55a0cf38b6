"""Live feedback of training through the trainer pool, as the Train page sees it.

With a warm worker (started and ready before the clock starts), each trial
submits the default training (784-128-64-10 ReLU, Adam, batch 128, all of the
shared MNIST) and reads events the way the page does, polling every 0.1 s:
    first loss  submit -> the first BatchEvent in the consumer's hands;
    updates/s   polls that brought new progress (a loss point or an epoch),
                per second of training (first to last progress event);
    events/s    loss points + epochs per second of training, for reference;
    stop        Stop pressed after 2 s of a 50-epoch run -> FinishedEvent in hand,
                polled every 10 ms to see the pipeline's own delay (the page adds
                up to one poll interval); updates/s is also measured over those 2 s.

Targets: first loss <= 1.5 s, >= 4 updates/s, stop <= 0.5 s.

Usage, from the project root:
    .venv/bin/python bench/live_feedback.py [--trials 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from devkit.data_dir import real_data_dir  # noqa: E402  (needs the path above)
from nnviz.model.network import NetworkConfig  # noqa: E402
from nnviz.training.config import TrainingConfig  # noqa: E402
from nnviz.training.events import BatchEvent, EpochEvent, FinishedEvent  # noqa: E402
from nnviz.training.pool import TrainerPool, TrainingRun  # noqa: E402

PAGE_POLL_S = 0.1
STOP_POLL_S = 0.01
STOP_AFTER_S = 2.0
DEFAULT_NET = NetworkConfig(hidden_sizes=(128, 64), activation="relu")
TARGETS = {"first loss": (1.5, "<="), "updates/s": (4.0, ">="), "updates/s (50 ep)": (4.0, ">="), "stop": (0.5, "<=")}


def data_dir() -> str | None:
    folder = real_data_dir()
    return None if folder is None else str(folder)


def watch(run: TrainingRun, submitted: float) -> dict[str, float]:
    """Poll like the page until the run finishes; return first loss, updates/s and events/s."""
    first_loss = None
    progress_times: list[float] = []  # when a poll brought new progress
    progress_events = 0
    while True:
        events = run.poll()
        now = time.perf_counter()
        progress = [e for e in events if isinstance(e, BatchEvent | EpochEvent)]
        if progress:
            progress_times.append(now)
            progress_events += len(progress)
            if first_loss is None and any(isinstance(e, BatchEvent) for e in progress):
                first_loss = now - submitted
        finished = [e for e in events if isinstance(e, FinishedEvent)]
        if finished:
            if finished[0].status != "completed":
                raise SystemExit(f"training ended {finished[0].status}: {finished[0].message}")
            break
        time.sleep(PAGE_POLL_S)
    span = progress_times[-1] - progress_times[0] if len(progress_times) > 1 else float("nan")
    return {
        "first loss": first_loss,
        "updates/s": (len(progress_times) - 1) / span,
        "events/s": (progress_events - 1) / span,
        "training s": span,
    }


def time_stop(run: TrainingRun) -> tuple[float, float]:
    """Poll like the page for STOP_AFTER_S of training, press Stop; (stop -> finished s, updates/s meanwhile)."""
    progress_times: list[float] = []
    while not progress_times or time.perf_counter() - progress_times[0] < STOP_AFTER_S:
        if any(isinstance(e, BatchEvent | EpochEvent) for e in run.poll()):
            progress_times.append(time.perf_counter())
        time.sleep(PAGE_POLL_S)
    updates_per_s = (len(progress_times) - 1) / (progress_times[-1] - progress_times[0])
    pressed = time.perf_counter()
    run.stop()
    while True:
        for event in run.poll():
            if isinstance(event, FinishedEvent):
                if event.status != "stopped" or event.weights is None:
                    raise SystemExit(f"stop ended the run as {event.status}: {event.message}")
                return time.perf_counter() - pressed, updates_per_s
        time.sleep(STOP_POLL_S)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=3, help="trainings and stops to time (default 3)")
    args = parser.parse_args()
    folder = data_dir()
    if folder is None:
        print("needs the real MNIST: set NNVIZ_DATA_DIR or put it in ../shared/data/mnist")
        return 2

    pool = TrainerPool(max_concurrent=2, warm_spares=1, env={**os.environ, "NNVIZ_DATA_DIR": folder})
    try:
        started = time.perf_counter()
        if not pool.warm_up(wait_s=300):
            print("the worker did not become ready")
            return 1
        cold = time.perf_counter() - started
        print(f"cold worker ready (TensorFlow import + MNIST + warm-up compile) in {cold:.1f} s")
        print(f"default training: {DEFAULT_NET.describe()}, Adam, batch 128, 2 epochs; page polls every {PAGE_POLL_S}s")
        rows: dict[str, list[float]] = {}
        for trial in range(1, args.trials + 1):
            pool.warm_up(wait_s=300)
            submitted = time.perf_counter()
            result = watch(pool.submit(DEFAULT_NET, TrainingConfig(epochs=2, seed=trial)), submitted)
            pool.warm_up(wait_s=300)
            long_run = pool.submit(DEFAULT_NET, TrainingConfig(epochs=50, seed=trial))
            result["stop"], result["updates/s (50 ep)"] = time_stop(long_run)
            for key, value in result.items():
                rows.setdefault(key, []).append(value)
            print(
                f"trial {trial}: first loss {result['first loss']:.2f} s, {result['updates/s']:.1f} updates/s "
                f"({result['events/s']:.1f} events/s over {result['training s']:.1f} s of training); "
                f"50-epoch run: {result['updates/s (50 ep)']:.1f} updates/s over {STOP_AFTER_S:g} s, "
                f"stop -> finished {result['stop']:.3f} s"
            )
    finally:
        pool.shutdown()

    failed = False
    for key, (target, sense) in TARGETS.items():
        worst = max(rows[key]) if sense == "<=" else min(rows[key])
        ok = worst <= target if sense == "<=" else worst >= target
        failed |= not ok
        print(
            f"{key:>17}: median {statistics.median(rows[key]):.3f}, worst {worst:.3f} "
            f"(target {sense} {target}) {'OK' if ok else 'MISSED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
