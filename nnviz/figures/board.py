"""The class board's scatter (every posted run, by its number of weights and its test accuracy) and its tables."""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go

from nnviz.classroom.board import UNKNOWN_TASK, LeaderboardRow, TriedRow
from nnviz.classroom.rooms import BoardEntry
from nnviz.figures.style import RUN_COLORS, RUN_SYMBOLS, SMALL_FONT_SIZE, axis, base_layout, percent_texts
from nnviz.lesson.wording import ALL_DIGITS, percent, task_name

TEN_DIGITS = task_name(ALL_DIGITS)


def percent_tick_format(values: list[float]) -> str:
    """A d3 percent format with just enough decimals that the axis ticks over `values` (0..1) never repeat.

    On a tall chart Plotly may put up to about ten ticks across the range, so a tick step can be a tenth
    of the spread: a spread of 2 points needs one decimal ("97.5%"), a spread of 0.2 points two.
    """
    spread = max(values, default=0.0) - min(values, default=0.0)
    if spread <= 0:
        return ".1%"
    step_in_points = 100 * spread / 10
    return f".{min(3, max(0, math.ceil(-math.log10(step_in_points))))}%"


def _task(entry: BoardEntry) -> str:
    return html.escape(entry.task or UNKNOWN_TASK)


def class_scatter(entries: tuple[BoardEntry, ...], height: int = 460) -> go.Figure:
    """Parameter count (log scale) against test accuracy; one colour and marker shape per activation.

    A run on another task than all ten digits (the 7/8/9 lab) is drawn hollow and its hover box names the task:
    its easier score must not pass for a ten-digit one.

    Nicknames appear only in the hover box, HTML-escaped: plotly renders tags such as <b>
    and <a href> in text, and a nickname must show as the characters typed.
    """
    activations = sorted({entry.activation for entry in entries})
    traces = []
    for index, activation in enumerate(activations):
        group = [entry for entry in entries if entry.activation == activation]
        traces.append(
            go.Scatter(
                x=[entry.param_count for entry in group],
                y=[entry.test_accuracy for entry in group],
                mode="markers",
                name=html.escape(activation),
                marker={
                    "color": RUN_COLORS[index % len(RUN_COLORS)],
                    "symbol": [
                        RUN_SYMBOLS[index % len(RUN_SYMBOLS)] + ("" if e.task == TEN_DIGITS else "-open") for e in group
                    ],
                    "size": 15,
                    # A hollow marker is drawn with its line: thicker, so it reads as clearly as a filled one.
                    "line": {"color": "white", "width": [1 if e.task == TEN_DIGITS else 3 for e in group]},
                },
                customdata=[
                    [*map(html.escape, (e.nickname, e.architecture, e.initializer)), e.epochs, share, _task(e)]
                    for e, share in zip(group, percent_texts([e.test_accuracy for e in group]), strict=True)
                ],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}, %{customdata[2]} start<br>"
                "%{x:,} weights and biases, %{customdata[3]} epochs<br>%{customdata[4]} correct on %{customdata[5]}"
                "<extra></extra>",
            )
        )
    return go.Figure(
        traces,
        layout={
            **base_layout(height, show_legend=True),
            "xaxis": axis("weights and biases to learn (log scale)", type="log"),
            "yaxis": axis(
                "correct on unseen test images", tickformat=percent_tick_format([e.test_accuracy for e in entries])
            ),
            "legend": {
                "orientation": "h",
                "y": 1.1,
                "x": 0,
                "font": {"size": SMALL_FONT_SIZE},
                "title": {"text": "activation "},
            },
        },
    )


def leaderboard_table(rows: list[LeaderboardRow]) -> list[dict[str, object]]:
    """One table row per student and task (their best run), ranked within the task; nicknames stay plain text."""
    return [
        {
            "Task": row.task,
            "#": row.rank,
            "Nickname": row.best.nickname,
            "Accuracy": f"{percent(row.best.test_accuracy, 1)}",
            "Network": row.best.architecture,
            "Weights": f"{row.best.param_count:,}",
            "Epochs": row.best.epochs,
            "Seconds": round(row.best.seconds, 1),
            "Runs": row.runs,
        }
        for row in rows
    ]


def tried_table(rows: list[TriedRow]) -> list[dict[str, object]]:
    """One table row per task and mix of activation and starting weights the class tried on it."""
    return [
        {
            "Task": row.task,
            "Activation": row.activation,
            "Starting weights": row.initializer,
            "Runs": row.runs,
            "Students": row.students,
            "Best": f"{percent(row.best_accuracy, 1)}",
            "Average": f"{percent(row.mean_accuracy, 1)}",
        }
        for row in rows
    ]
