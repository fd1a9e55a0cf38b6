"""What the class board shows, computed from a room's entries: the leaderboard and who tried what.

Pure data: rows of plain values, which the Board page puts into tables. Nicknames are
passed through unchanged; pages show them as plain text only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from nnviz.classroom.rooms import ROOM_IDLE_S, ROOM_TTL_S, BoardEntry, Room
from nnviz.lesson.wording import ALL_DIGITS, percent, task_name
from nnviz.model.network import ACTIVATION_LABELS, INITIALIZER_LABELS, NetworkConfig
from nnviz.training.history import TrainingHistory


def entry_for_run(history: TrainingHistory) -> BoardEntry | None:
    """The board entry of a finished run, or None if it has no test score to post (failed, diverged)."""
    finished = history.finished
    if finished is None or finished.test_accuracy is None:
        return None
    config: NetworkConfig = history.network_config
    return BoardEntry(
        architecture="-".join(str(size) for size in config.layer_sizes),
        activation=ACTIVATION_LABELS[config.activation],
        initializer=INITIALIZER_LABELS[config.initializer],
        param_count=config.param_count,
        epochs=finished.epochs_done,
        test_accuracy=finished.test_accuracy,
        seconds=history.seconds,
        task=task_name(config.digits),
    )


@dataclass(frozen=True)
class LeaderboardRow:
    """A student's best run on one task (highest accuracy; fewer parameters break a tie), its rank within
    that task (1 = best), and how many runs they posted on it."""

    rank: int
    best: BoardEntry
    runs: int

    @property
    def task(self) -> str:
        return self.best.task or UNKNOWN_TASK


UNKNOWN_TASK = "not recorded"
NO_RUNS = "No runs yet. When students finish training on the Train page, their runs appear here."
LEADERBOARD_NOTE = (
    "Each student's best run on each task, ranked within its task: telling 3 digits apart is easier than "
    "telling 10, so their scores are not compared. Highest test accuracy first; with a tie, fewer weights win."
)


def _task_order(task: str) -> tuple[int, str]:
    """All ten digits first (the lab's main task), then the other tasks by name, unknown last."""
    return (0 if task == task_name(ALL_DIGITS) else 2 if task == UNKNOWN_TASK else 1, task)


def leaderboard(entries: tuple[BoardEntry, ...]) -> list[LeaderboardRow]:
    """One row per nickname and task, ranked within the task: telling 3 digits apart is easier than 10,
    so a 7/8/9 score never outranks a ten-digit one. Tasks in `_task_order`, best first within each."""
    by_student: dict[tuple[str, str], list[BoardEntry]] = defaultdict(list)
    for entry in entries:
        by_student[(entry.task or UNKNOWN_TASK, entry.nickname)].append(entry)
    rows = []
    for task in sorted({task for task, _ in by_student}, key=_task_order):
        best = [
            (min(runs, key=lambda e: (-e.test_accuracy, e.param_count, e.seconds)), len(runs))
            for (run_task, _), runs in by_student.items()
            if run_task == task
        ]
        best.sort(key=lambda pair: (-pair[0].test_accuracy, pair[0].param_count, pair[0].seconds))
        rows += [LeaderboardRow(rank, entry, runs) for rank, (entry, runs) in enumerate(best, start=1)]
    return rows


@dataclass(frozen=True)
class TriedRow:
    """How often the class tried one activation with one kind of starting weights on one task, and how well it went.

    task: as in `LeaderboardRow.task`: scores of different tasks are never pooled (3 digits are easier than 10).
    """

    task: str
    activation: str
    initializer: str
    runs: int
    students: int
    best_accuracy: float
    mean_accuracy: float


def tried_what(entries: tuple[BoardEntry, ...]) -> list[TriedRow]:
    """One row per task and (activation, starting weights) the class tried on it: tasks in `_task_order`,
    most-tried first within each. A 7/8/9 run's score never lifts a ten-digit mix's best or average."""
    groups: dict[tuple[str, str, str], list[BoardEntry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.task or UNKNOWN_TASK, entry.activation, entry.initializer)].append(entry)
    rows = [
        TriedRow(
            task=task,
            activation=activation,
            initializer=initializer,
            runs=len(group),
            students=len({e.nickname for e in group}),
            best_accuracy=max(e.test_accuracy for e in group),
            mean_accuracy=sum(e.test_accuracy for e in group) / len(group),
        )
        for (task, activation, initializer), group in groups.items()
    ]
    rows.sort(key=lambda row: (_task_order(row.task), -row.runs, -row.best_accuracy, row.activation, row.initializer))
    return rows


BOARD_INTRO = (
    "Open a board for your class and project it. Students then join from the **Train** page with the "
    "board's room code and a made-up nickname, and every run they finish appears here."
)


def room_figures(room: Room, rows: list[LeaderboardRow]) -> list[tuple[str, str]]:
    """(label, value) of the three numbers atop a board: students in the room, runs posted, best test accuracy."""
    best = f"{percent(rows[0].best.test_accuracy, 1)}" if rows else "—"
    return [
        ("Students in the room", str(room.members)),
        ("Runs posted", str(len(room.entries))),
        ("Best test accuracy", best),
    ]


def join_instructions(code: str) -> str:
    """The caption under a board's title (markdown; `code` is a normalised room code: letters and digits only)."""
    return (
        f"Students: open the **Train** page, then **Class board**, and enter {code} with a made-up nickname, "
        "or scan the code below. "
        f"The board closes after {ROOM_IDLE_S // 3600} hours without a join or a run, and at the latest "
        f"{ROOM_TTL_S // 3600} hours after it was opened."
    )
