"""Hover boxes say shares the way `nnviz.lesson.wording.percent` does: 99.97% is never "100%"."""

from __future__ import annotations

import numpy as np
import pytest

from devkit.hover import hover_texts
from nnviz.classroom.rooms import BoardEntry
from nnviz.figures.board import class_scatter
from nnviz.figures.compare import compare_accuracy_figure
from nnviz.figures.draw import output_figure
from nnviz.figures.guess import guess_figure
from nnviz.figures.learn import activation_histogram_figure, before_after_figure, curves_figure
from nnviz.figures.train import accuracy_figure
from nnviz.model.network import NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.events import EpochEvent, FinishedEvent
from nnviz.training.history import TrainingHistory
from nnviz.training.run_compare import keep_run

ALMOST_ALL = 0.9997


def history() -> TrainingHistory:
    network = NetworkConfig(hidden_sizes=(4,))
    weights = [(np.zeros((784, 4), np.float32), np.zeros(4, np.float32)), (np.zeros((4, 10)), np.zeros(10))]
    run = TrainingHistory(network, TrainingConfig(epochs=1))
    run.add(EpochEvent(1, 1, 0.1, 0.1, ALMOST_ALL, weights, 1.0))
    run.add(FinishedEvent("completed", 1, weights, ALMOST_ALL, "done"))
    return run


def probabilities() -> np.ndarray:
    shares = np.full(10, (1 - ALMOST_ALL) / 9)
    shares[7] = ALMOST_ALL
    return shares


def almost_everything_in_one_bin() -> dict[str, np.ndarray]:
    values = np.zeros(10_000)
    values[:3] = np.linspace(5, 10, 3)  # 3 in 10,000 elsewhere: the first bin holds 99.97%
    return {"too large": values}


FIGURES = {
    "draw output bars": lambda: output_figure(probabilities(), tuple(range(10))),
    "learn before/after": lambda: before_after_figure(probabilities(), probabilities(), tuple(range(10)), 7),
    "learn curves": lambda: curves_figure({"He": ([1, 2], [0.5, ALMOST_ALL])}, "epoch", "correct", percent_y=True),
    "learn start histogram": lambda: activation_histogram_figure(almost_everything_in_one_bin(), "relu"),
    "train accuracy": lambda: accuracy_figure(history()),
    "compare accuracy": lambda: compare_accuracy_figure(keep_run((), history())),
    "board scatter": lambda: class_scatter((BoardEntry("784-4-10", "ReLU", "He", 3190, 1, ALMOST_ALL, 1.0, "Ada"),)),
    "guess loss": lambda: guess_figure("fast", [0.0, 1.0], [1.0, ALMOST_ALL]),
}


@pytest.mark.parametrize("name", FIGURES)
def test_a_share_of_99_97_percent_never_hovers_as_100(name: str) -> None:
    traces = [trace for trace in FIGURES[name]().data if trace.hovertemplate]
    # A point that is exactly 100% (the guess figure's starting loss) may say so.
    texts = [text for trace in traces for text, y in zip(hover_texts(trace), trace.y, strict=True) if y != 1]
    assert [text for text in texts if "99.97%" in text], f"no hover text says 99.97%: {texts[:5]}"
    assert not [text for text in texts if "100" in text], "a hover text rounds 99.97% up to 100"


def test_the_oracle_reads_a_plotly_percent_format_as_plotly_does() -> None:
    import plotly.graph_objects as go

    trace = go.Bar(x=["7"], y=[ALMOST_ALL], hovertemplate="digit %{x}: %{y:.1%}<extra></extra>")
    assert hover_texts(trace) == ["digit 7: 100.0%<extra></extra>"]


def test_a_probability_float32_rounded_to_1_is_never_shown_as_100_on_the_bars() -> None:
    certain = np.zeros(10, np.float32)
    certain[7] = 1.0  # what float32's softmax gives a bold 7
    for figure in (
        output_figure(certain, tuple(range(10))),
        before_after_figure(certain, certain, tuple(range(10)), 7),
    ):
        shown = [str(t) for trace in figure.data for t in [*(trace.text or ()), *hover_texts(trace)]]
        assert [t for t in shown if "> 99.99%" in t] and not [t for t in shown if "100" in t]
