"""Compare runs (which settings differ, the table, the kept runs) and the class board's tables and figures."""

from __future__ import annotations

import numpy as np

from nnviz.classroom.board import entry_for_run, leaderboard, tried_what
from nnviz.classroom.rooms import BoardEntry
from nnviz.figures.board import class_scatter
from nnviz.figures.compare import compare_accuracy_figure, compare_loss_figure
from nnviz.figures.style import RUN_COLORS
from nnviz.model.network import NetworkConfig
from nnviz.session.settings import SETTINGS
from nnviz.training.config import TrainingConfig
from nnviz.training.events import BatchEvent, EpochEvent, FinishedEvent
from nnviz.training.history import TrainingHistory
from nnviz.training.run_compare import MAX_KEPT_RUNS, compare_rows, keep_run, snapshot_bytes

SMALL_NETWORK = NetworkConfig(hidden_sizes=(8,))
TWO_EPOCHS = TrainingConfig(epochs=2)


def finished_history(
    network: NetworkConfig = SMALL_NETWORK,
    training: TrainingConfig = TWO_EPOCHS,
    status: str = "completed",
    accuracy: float | None = 0.9,
) -> TrainingHistory:
    """A history as the trainer would leave it: 2 epochs, a snapshot each, final weights."""
    rng = np.random.default_rng(0)
    weights = [
        (rng.normal(size=(n_in, n_out)).astype(np.float32), np.zeros(n_out, np.float32))
        for n_in, n_out in zip(network.layer_sizes[:-1], network.layer_sizes[1:])
    ]
    history = TrainingHistory(network, training)
    for epoch in (1, 2):
        history.add(BatchEvent(epoch, 10, 10, 100 * epoch, 1.0 / epoch, 1.5 * epoch))
        history.add(EpochEvent(epoch, 2, 1.0 / epoch, 1.1 / epoch, 0.8 + 0.05 * epoch, weights, 2.0 * epoch))
    history.add(FinishedEvent(status, 2, None if status == "diverged" else weights, accuracy, "done"))
    return history


def test_the_last_eight_runs_are_kept_and_numbered() -> None:
    runs = ()
    for _ in range(MAX_KEPT_RUNS + 3):
        runs = keep_run(runs, finished_history())
    assert [run.number for run in runs] == list(range(4, 12))
    assert runs[-1].title == "Run 11" and runs[-1].label() == "Run 11 · 90.0%"
    assert runs[-1].seconds_per_epoch == 2.0


def test_old_runs_lose_their_snapshots_past_the_budget_but_can_still_become_the_model() -> None:
    one_run = snapshot_bytes(tuple(finished_history().snapshots))
    runs = ()
    for _ in range(4):
        runs = keep_run(runs, finished_history(), budget_bytes=2 * one_run)
    assert [len(run.snapshots) for run in runs] == [0, 0, 2, 2]
    assert all(run.history.snapshots == [] for run in runs)  # no second reference keeps them alive
    assert all(run.model is not None for run in runs)
    assert runs[0].model.label == "Your model (90.0% on test digits)"


def test_a_diverged_run_is_kept_for_comparison_but_cannot_become_the_model() -> None:
    (run,) = keep_run((), finished_history(status="diverged", accuracy=None))
    assert run.model is None
    assert run.label() == "Run 1 · diverged"


def test_the_table_has_one_row_per_run_setting_and_marks_what_differs() -> None:
    runs = keep_run((), finished_history())
    runs = keep_run(runs, finished_history(NetworkConfig(hidden_sizes=(8,), activation="sigmoid")))
    runs = keep_run(runs, finished_history(training=TrainingConfig(epochs=2, learning_rate=0.01)))
    rows = {row.label: row for row in compare_rows(runs)}
    run_settings = [s for s in SETTINGS if s.part in ("network", "training")]
    assert list(rows)[: len(run_settings)] == [s.label for s in run_settings]
    assert "Presenter mode" not in rows
    assert rows["Activation"].values == ("relu", "sigmoid", "relu") and rows["Activation"].differs
    assert rows["Learning rate"].values == ("0.001", "0.001", "0.01") and rows["Learning rate"].differs
    assert not rows["Epochs"].differs and rows["Hidden layers"].values == ("8",) * 3
    assert rows["Weights and biases"].values == ("6,370",) * 3  # 784×8+8 + 8×10+10
    assert rows["Test accuracy"].values == ("90.0%",) * 3
    setting_labels = {s.label for s in run_settings}
    assert [label for label, row in rows.items() if row.differs and label in setting_labels] == [
        "Activation",
        "Learning rate",
    ]
    assert not any(row.differs for row in compare_rows(runs[:1]))


def test_overlay_figures_draw_each_run_in_its_own_colour_and_dash() -> None:
    runs = ()
    for _ in range(MAX_KEPT_RUNS):
        runs = keep_run(runs, finished_history())
    for figure in (compare_loss_figure(runs), compare_accuracy_figure(runs)):
        assert len(figure.data) == MAX_KEPT_RUNS
        styles = {(trace.line.color, trace.line.dash) for trace in figure.data}
        assert len({color for color, _ in styles}) == len({dash for _, dash in styles}) == MAX_KEPT_RUNS
    accuracy = compare_accuracy_figure(runs[2:3])
    assert accuracy.data[0].line.color == RUN_COLORS[2]  # a run keeps its look when the others are hidden
    assert np.allclose(accuracy.data[0].y, [0.85, 0.9])


ENTRIES = (
    BoardEntry("784-16-10", "ReLU", "He", 12_730, 1, 0.90, 3.0, nickname="Ada"),
    BoardEntry("784-64-10", "ReLU", "He", 50_890, 2, 0.95, 6.0, nickname="Ada"),
    BoardEntry("784-16-10", "Sigmoid", "All zeros", 12_730, 1, 0.95, 3.0, nickname="**x** [a](//ev.il) <b>"),
    BoardEntry("784-10", "Sigmoid", "Glorot", 7_850, 1, 0.80, 1.0, nickname="Cy"),
)


def test_the_leaderboard_ranks_each_students_best_run() -> None:
    rows = leaderboard(ENTRIES)
    assert [(r.rank, r.best.nickname, r.best.test_accuracy, r.runs) for r in rows] == [
        (1, "**x** [a](//ev.il) <b>", 0.95, 1),  # 95 % with fewer weights beats Ada's 95 %
        (2, "Ada", 0.95, 2),
        (3, "Cy", 0.80, 1),
    ]
    assert leaderboard(()) == []


def test_who_tried_what_counts_runs_and_students_per_activation_and_start() -> None:
    rows = tried_what(ENTRIES)
    assert [(r.activation, r.initializer, r.runs, r.students) for r in rows] == [
        ("ReLU", "He", 2, 1),
        ("Sigmoid", "All zeros", 1, 1),
        ("Sigmoid", "Glorot", 1, 1),
    ]
    assert rows[0].best_accuracy == 0.95 and abs(rows[0].mean_accuracy - 0.925) < 1e-12


def test_the_class_scatter_escapes_nicknames_and_groups_by_activation() -> None:
    figure = class_scatter(ENTRIES)
    assert [trace.name for trace in figure.data] == ["ReLU", "Sigmoid"]
    hostile = figure.data[1].customdata[0][0]
    assert hostile == "**x** [a](//ev.il) &lt;b&gt;"
    assert figure.layout.xaxis.type == "log"
    assert len(class_scatter(()).data) == 0


def test_a_finished_run_becomes_a_board_entry() -> None:
    entry = entry_for_run(finished_history(NetworkConfig(hidden_sizes=(16,), initializer="he")))
    assert (entry.architecture, entry.activation, entry.initializer) == ("784-16-10", "ReLU", "He")
    assert (entry.param_count, entry.epochs, entry.test_accuracy, entry.seconds) == (12_730, 2, 0.9, 4.0)
    assert entry_for_run(finished_history(status="diverged", accuracy=None)) is None
