"""The Train page's guess-first figure: the curve the class expected beside the real one."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nnviz.figures.style import MUTED_COLOR, POSITIVE, axis, base_layout, percent_texts
from nnviz.lesson.guess import CURVE_SHAPES, sketch

CEILING = 2.0  # a blown-up curve is cut at twice its start, so the guess stays readable


def guess_figure(guess: str, epochs: Sequence[float], losses: Sequence[float], height: int = 300) -> go.Figure:
    """The guessed shape (dashed) and the real training loss, both divided by their start (so both start at 1).

    guess: a key of CURVE_SHAPES; epochs/losses: the run's batch curve (x in epochs, y the loss).
    Traces: the guess, then the real curve. Non-finite losses are left as gaps.
    """
    x_real = np.asarray(epochs, dtype=float)
    y_real = np.asarray(losses, dtype=float)
    finite = np.isfinite(y_real)
    start = float(y_real[finite][0]) if finite.any() and y_real[finite][0] > 0 else 1.0
    scaled = np.where(finite, np.minimum(y_real / start, CEILING), np.nan)
    last = float(x_real[-1]) if x_real.size else 1.0
    x_guess, y_guess = sketch(guess)
    return go.Figure(
        [
            go.Scatter(
                x=x_guess * last,
                y=y_guess,
                mode="lines",
                name=f"your guess: {CURVE_SHAPES[guess].lower()}",
                line={"color": MUTED_COLOR, "width": 4, "dash": "dash"},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=x_real,
                y=scaled,
                mode="lines",
                name="the real loss",
                line={"color": POSITIVE, "width": 3},
                hovertext=percent_texts(scaled, 0),
                hovertemplate="epoch %{x:.2f}<br>%{hovertext} of the starting loss<extra></extra>",
            ),
        ],
        layout={
            **base_layout(height, show_legend=True),
            "xaxis": axis("epoch"),
            "yaxis": axis("loss ÷ starting loss", rangemode="tozero"),
            "legend": {"orientation": "h", "y": 1.15, "x": 0},
        },
    )
