"""Training time-travel: how sure the network was of one digit for the drawing, epoch by epoch."""

from __future__ import annotations

import plotly.graph_objects as go

from nnviz.figures.style import ACCENT, POSITIVE, axis, base_layout
from nnviz.lesson.wording import probability
from nnviz.model.snapshots import EpochProbabilities


def epoch_probability_figure(
    history: EpochProbabilities, current_epoch: int | None = None, height: int = 340
) -> go.Figure:
    """Line of the probability of `history.digit` after each epoch; the epoch on the slider is ringed.

    history: from `nnviz.model.snapshots.probability_across_epochs`. current_epoch: 1-based,
    or None. Traces: the line (hover says what the network guessed then), the ring.
    """
    epochs = history.epochs.tolist()
    probabilities = history.probabilities.tolist()
    hover = [
        f"after epoch {e}: {probability(p, 1)} sure it is a {history.digit}<br>its guess then: {g}"
        for e, p, g in zip(epochs, probabilities, history.guesses.tolist())
    ]
    marked = [current_epoch] if current_epoch in epochs else []
    marked_p = [probabilities[epochs.index(current_epoch)]] if marked else []
    return go.Figure(
        [
            go.Scatter(
                x=epochs,
                y=probabilities,
                mode="lines+markers",
                line={"color": POSITIVE, "width": 3},
                marker={"size": 9},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                name=f"probability of {history.digit}",
            ),
            go.Scatter(
                x=marked,
                y=marked_p,
                mode="markers",
                marker={"symbol": "circle-open", "size": 22, "color": ACCENT, "line": {"width": 4}},
                hoverinfo="skip",
                name="selected epoch",
            ),
        ],
        layout={
            **base_layout(height, show_legend=False),
            # Whole-epoch ticks while they fit; beyond 20 epochs plotly picks the spacing.
            "xaxis": axis("epoch", dtick=1 if len(epochs) <= 20 else None, range=[0.7, max(epochs, default=1) + 0.3]),
            "yaxis": axis(f"probability of {history.digit}", range=[0, 1.05], tickformat=".0%"),
        },
    )
