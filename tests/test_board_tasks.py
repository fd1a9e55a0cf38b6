"""Scores are ranked within a task: a 7/8/9 model never outranks a ten-digit one (Board and Compare runs)."""

from __future__ import annotations

from nnviz.classroom.board import entry_for_run, leaderboard, tried_what
from nnviz.classroom.rooms import BoardEntry, InMemoryRoomStore
from nnviz.figures.board import class_scatter, leaderboard_table, tried_table
from nnviz.lesson.wording import task_name
from nnviz.model.network import NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.events import FinishedEvent
from nnviz.training.history import TrainingHistory


def finished(digits: tuple[int, ...], accuracy: float) -> TrainingHistory:
    history = TrainingHistory(NetworkConfig(hidden_sizes=(16,), digits=digits), TrainingConfig(epochs=1))
    history.add(FinishedEvent("completed", 1, None, accuracy, "done"))
    return history


def test_a_run_posts_its_task() -> None:
    assert entry_for_run(finished((7, 8, 9), 0.99)).task == "7, 8, 9"
    assert entry_for_run(finished(tuple(range(10)), 0.95)).task == "all 10 digits" == task_name(tuple(range(10)))


def test_ranks_restart_in_each_task_and_ten_digits_come_first() -> None:
    store = InMemoryRoomStore()
    code, _ = store.create_room()
    ada, bob, cy = (store.join(code, name) for name in ("Ada", "Bob", "Cy"))
    store.post_entry(code, ada, entry_for_run(finished((7, 8, 9), 0.995)))
    store.post_entry(code, bob, entry_for_run(finished(tuple(range(10)), 0.95)))
    store.post_entry(code, cy, entry_for_run(finished(tuple(range(10)), 0.97)))
    store.post_entry(code, bob, entry_for_run(finished((7, 8, 9), 0.98)))
    table = leaderboard_table(leaderboard(store.room(code).entries))
    assert [(r["Task"], r["#"], r["Nickname"], r["Accuracy"]) for r in table] == [
        ("all 10 digits", 1, "Cy", "97.0%"),
        ("all 10 digits", 2, "Bob", "95.0%"),
        ("7, 8, 9", 1, "Ada", "99.5%"),
        ("7, 8, 9", 2, "Bob", "98.0%"),
    ]


def test_who_tried_what_never_pools_two_tasks_scores() -> None:
    # The same mix (ReLU, He start) on both tasks: the easy 7/8/9 runs score higher, and there are more of them.
    # Pooled, the mix would read "best 99.9%, average 96.1%" for the ten-digit task the class is compared on.
    ten, lab = tuple(range(10)), (7, 8, 9)
    entries = tuple(
        BoardEntry("784-16-10", "ReLU", "He", 12_730, 1, accuracy, 1.0, name, task=task_name(digits))
        for name, digits, accuracy in (
            ("Ada", ten, 0.90),
            ("Bob", ten, 0.92),
            ("Ada", lab, 0.999),
            ("Cy", lab, 0.99),
            ("Dee", lab, 0.995),
        )
    )
    table = tried_table(tried_what(entries))
    assert [(r["Task"], r["Activation"], r["Runs"], r["Students"], r["Best"], r["Average"]) for r in table] == [
        ("all 10 digits", "ReLU", 2, 2, "92.0%", "91.0%"),  # the ten-digit task first, though tried less
        ("7, 8, 9", "ReLU", 3, 3, "99.9%", "99.5%"),
    ]


def test_old_entries_without_a_task_are_read_and_kept_apart() -> None:
    old = BoardEntry.from_json(
        '{"architecture": "784-10", "activation": "ReLU", "initializer": "He", '
        '"param_count": 7850, "epochs": 1, "test_accuracy": 0.99, "seconds": 1}'
    )
    assert old.task == ""
    rows = leaderboard((old, BoardEntry("784-10", "ReLU", "He", 7850, 1, 0.9, 1.0, "x", task="all 10 digits")))
    assert [(row.task, row.rank) for row in rows] == [("all 10 digits", 1), ("not recorded", 1)]


def test_compare_runs_names_the_task_and_warns_when_tasks_differ() -> None:
    from nnviz.training.run_compare import keep_run, task_note

    runs = keep_run((), finished(tuple(range(10)), 0.95))
    assert runs[0].label() == "Run 1 · 95.0%" and task_note(runs) == ""
    runs = keep_run(runs, finished((7, 8, 9), 0.99))
    runs = keep_run(runs, finished((7, 8, 9), 0.985))
    assert runs[1].label() == "Run 2 · 99.0% on 7, 8, 9"
    note = task_note(runs)
    assert "(Run 1: all 10 digits; Runs 2 and 3: 7, 8, 9)" in note
    assert "compare scores only between runs of the same digits" in note
    assert task_note(runs[1:]) == ""


def test_the_class_scatter_marks_and_names_a_runs_task() -> None:
    entries = (
        BoardEntry("784-16-10", "ReLU", "He", 12_730, 1, 0.93, 1.0, "Ada", task="all 10 digits"),
        BoardEntry("784-16-3", "ReLU", "He", 12_595, 1, 0.995, 1.0, "Bob", task="7, 8, 9"),
    )
    (trace,) = class_scatter(entries).data
    assert list(trace.marker.symbol) == ["circle", "circle-open"]  # the easier task's score is drawn hollow
    assert [row[5] for row in trace.customdata] == ["all 10 digits", "7, 8, 9"]
    assert "correct on %{customdata[5]}" in trace.hovertemplate
