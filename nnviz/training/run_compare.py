"""Compare runs: the session's finished runs, and the table that shows how their settings differ.

The Train page keeps the last MAX_KEPT_RUNS runs of a session; the Compare panel shows
them side by side, one row per setting of the settings table plus the results. Pure data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from nnviz.lesson.wording import ALL_DIGITS, percent, task_name
from nnviz.model.network import Network
from nnviz.session.settings import SETTINGS, Experiment
from nnviz.training.history import TrainingHistory

MAX_KEPT_RUNS = 8
# Snapshots (weights after each epoch) of the kept runs, per session. Past this the oldest runs lose
# them (they keep their final weights, so they can still become the model); 8 default runs take ~10 MB.
SNAPSHOT_BUDGET_BYTES = 48 * 2**20
RUN_PARTS = ("network", "training")  # the view settings (presenter mode...) say nothing about a run


@dataclass(frozen=True)
class KeptRun:
    """One finished run of the session. number: 1, 2, ... in the order the runs finished.

    model: the run's final network (None if it left none, e.g. it failed before its first epoch).
    """

    number: int
    history: TrainingHistory
    model: Network | None = None
    snapshots: tuple = ()  # weights after each epoch, as history.snapshots; () once trimmed

    @property
    def title(self) -> str:
        return f"Run {self.number}"

    @property
    def experiment(self) -> Experiment:
        return Experiment(network=self.history.network_config, training=self.history.training_config)

    @property
    def test_accuracy(self) -> float | None:
        return self.history.finished.test_accuracy if self.history.finished else None

    @property
    def seconds_per_epoch(self) -> float | None:
        epochs = self.history.epochs_done
        return self.history.seconds / epochs if epochs else None

    @property
    def task(self) -> str:
        return task_name(self.history.network_config.digits)

    def label(self) -> str:
        """A legend label: "Run 3 · 96.1%", "Run 4 · 99.2% on 7, 8, 9" (or the run's outcome without a score)."""
        score = self.test_accuracy
        on = "" if self.task == task_name(ALL_DIGITS) else f" on {self.task}"
        if score is not None and math.isfinite(score):
            return f"{self.title} · {percent(score, 1)}{on}"
        return f"{self.title} · {self.history.finished.status if self.history.finished else 'running'}{on}"


def task_note(runs: Sequence[KeptRun]) -> str:
    """ " Runs 2 and 4 learned only 7, 8, 9: ..." when the shown runs learned different digits; "" otherwise."""
    tasks = {run.task for run in runs}
    if len(tasks) < 2:
        return ""
    parts = []
    for task in sorted(tasks, key=lambda t: (t != task_name(ALL_DIGITS), t)):
        numbers = [str(run.number) for run in runs if run.task == task]
        names = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
        parts.append(f"{'Run' if len(numbers) == 1 else 'Runs'} {names}: {task}")
    return (
        f" They learned different digits ({'; '.join(parts)}): fewer digits are easier to tell apart, "
        "so compare scores only between runs of the same digits."
    )


def snapshot_bytes(snapshots: tuple) -> int:
    return sum(weights.nbytes + bias.nbytes for epoch in snapshots for weights, bias in epoch)


def keep_run(
    runs: tuple[KeptRun, ...], history: TrainingHistory, budget_bytes: int = SNAPSHOT_BUDGET_BYTES
) -> tuple[KeptRun, ...]:
    """`runs` plus the finished `history` as the newest run: the last MAX_KEPT_RUNS, snapshots within budget."""
    number = runs[-1].number + 1 if runs else 1
    model = history.trained_network()
    # The snapshots move out of the history, so trimming them below really frees their memory.
    newest = KeptRun(number, replace(history, snapshots=[]), model, tuple(history.snapshots))
    kept = (*runs, newest)[-MAX_KEPT_RUNS:]
    trimmed, used = [], 0
    for run in reversed(kept):  # the newest keep their snapshots first
        size = snapshot_bytes(run.snapshots)
        if used + size > budget_bytes:
            run = replace(run, snapshots=())
        else:
            used += size
        trimmed.append(run)
    return tuple(reversed(trimmed))


@dataclass(frozen=True)
class CompareRow:
    """One row of the compare table: a label, one text per run, and whether the runs differ in it."""

    label: str
    values: tuple[str, ...]
    differs: bool


def _percent(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else percent(value, 1)


def compare_rows(runs: tuple[KeptRun, ...]) -> list[CompareRow]:
    """Every run setting (labels from the settings table), then parameters, test accuracy and seconds per epoch.

    A row differs when at least two runs show different values in it.
    """
    rows = []
    for setting in SETTINGS:
        if setting.part not in RUN_PARTS:
            continue
        values = tuple(setting.to_text(setting.get(run.experiment)) for run in runs)
        rows.append(CompareRow(setting.label, values, len(set(values)) > 1))
    results = (
        ("Weights and biases", tuple(f"{run.history.network_config.param_count:,}" for run in runs)),
        ("Test accuracy", tuple(_percent(run.test_accuracy) for run in runs)),
        (
            "Seconds per epoch",
            tuple("—" if run.seconds_per_epoch is None else f"{run.seconds_per_epoch:.1f}" for run in runs),
        ),
        ("Outcome", tuple(run.history.finished.status if run.history.finished else "running" for run in runs)),
    )
    rows.extend(CompareRow(label, values, len(set(values)) > 1) for label, values in results)
    return rows
