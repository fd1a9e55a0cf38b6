"""Figures of Compare runs: the loss and accuracy curves of several runs on shared axes.

Each run keeps one colour, dash and marker (by its number), on both figures and
whichever runs are hidden, so "the orange dashed one" means the same run everywhere.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from nnviz.figures.style import (
    ACCENT,
    RUN_COLORS,
    RUN_DASHES,
    RUN_SYMBOLS,
    SMALL_FONT_SIZE,
    axis,
    base_layout,
    percent_texts,
)
from nnviz.training.run_compare import CompareRow, KeptRun

DIFFERS = "◆ differs"  # a mark as well as a colour: the highlight never relies on colour alone
DIFFERS_BACKGROUND = f"background-color: {ACCENT}33; font-weight: 600"  # the accent at 20 % opacity
LEGEND = {"orientation": "h", "y": -0.25, "x": 0, "font": {"size": SMALL_FONT_SIZE}}


def run_style(run: KeptRun) -> dict:
    """The line and marker of `run`: one of 8 colour + dash + symbol combinations."""
    index = (run.number - 1) % len(RUN_COLORS)
    return {
        "line": {"color": RUN_COLORS[index], "dash": RUN_DASHES[index], "width": 3},
        "marker": {"color": RUN_COLORS[index], "symbol": RUN_SYMBOLS[index], "size": 11},
    }


def _longest(runs: tuple[KeptRun, ...]) -> int:
    return max((run.history.training_config.epochs for run in runs), default=1)


def compare_loss_figure(runs: tuple[KeptRun, ...], height: int = 380) -> go.Figure:
    """The training loss of each run (several points per epoch) against epochs."""
    traces = [
        go.Scatter(
            x=run.history.batch_epochs,
            y=run.history.batch_losses,
            mode="lines",
            name=run.label(),
            line=run_style(run)["line"],
            hovertemplate="epoch %{x:.2f}<br>loss %{y:.3f}<extra>" + run.title + "</extra>",
        )
        for run in runs
    ]
    epochs = _longest(runs)
    return go.Figure(
        traces,
        layout={
            **base_layout(height, show_legend=True),
            "xaxis": axis("epoch", range=[0, epochs], dtick=max(1, epochs // 10)),
            "yaxis": axis("training loss (lower is better)", rangemode="tozero"),
            "legend": LEGEND,
        },
    )


def compare_accuracy_figure(runs: tuple[KeptRun, ...], height: int = 380) -> go.Figure:
    """Each run's validation accuracy after every epoch."""
    traces = [
        go.Scatter(
            x=run.history.epoch_numbers,
            y=run.history.val_accuracies,
            mode="lines+markers",
            name=run.label(),
            **run_style(run),
            hovertext=percent_texts(run.history.val_accuracies),
            hovertemplate="after epoch %{x}<br>%{hovertext} correct<extra>" + run.title + "</extra>",
        )
        for run in runs
    ]
    epochs = _longest(runs)
    return go.Figure(
        traces,
        layout={
            **base_layout(height, show_legend=True),
            "xaxis": axis("epoch", range=[0.5, epochs + 0.5], dtick=max(1, epochs // 10)),
            "yaxis": axis("correct on unseen images", range=[0, 1.02], tickformat=".0%"),
            "legend": LEGEND,
        },
    )


def compare_table(rows: list[CompareRow], runs: tuple[KeptRun, ...]) -> Styler:
    """The compare table: one row per setting or result (its label, DIFFERS or "", one text per run).

    Rows in which the runs differ are marked DIFFERS and highlighted in every column.
    """
    frame = pd.DataFrame(
        [[row.label, DIFFERS if row.differs else "", *row.values] for row in rows],
        columns=["Setting", "", *(run.title for run in runs)],
    )
    differs = [row.differs for row in rows]
    return frame.style.apply(lambda column: [DIFFERS_BACKGROUND if d else "" for d in differs], axis=0)
