"""Figures of the Train page: the network's shape and the live training curves."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from nnviz.figures.style import (
    ACCENT,
    BAR,
    NEGATIVE,
    POSITIVE,
    SMALL_FONT_SIZE,
    axis,
    base_layout,
    hidden_axis,
    percent_texts,
)
from nnviz.lesson.wording import percent
from nnviz.model.network import NetworkConfig
from nnviz.training.history import TrainingHistory


def architecture_figure(config: NetworkConfig, height: int = 230) -> go.Figure:
    """The layers as columns whose height grows with the number of neurons (log scale).

    A log scale keeps a 3-neuron output visible next to the 784 inputs.
    """
    sizes = config.layer_sizes
    names = ["input", *(f"hidden {i}" for i in range(1, len(sizes) - 1)), "output"]
    heights = [math.log10(s) + 0.5 for s in sizes]
    colours = [BAR] + [POSITIVE] * (len(sizes) - 2) + [ACCENT]
    return go.Figure(
        go.Bar(
            x=names,
            y=heights,
            marker_color=colours,
            text=[f"{s:,}" for s in sizes],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{text} neurons<extra></extra>",
        ),
        layout={
            **base_layout(height),
            "margin": {"l": 10, "r": 10, "t": 20, "b": 40},
            "xaxis": axis(""),
            "yaxis": hidden_axis(range=[0, max(heights) * 1.3]),
            "bargap": 0.35,
        },
    )


def loss_figure(history: TrainingHistory, height: int = 340) -> go.Figure:
    """Training loss (several points per epoch) and validation loss (one per epoch) against epochs."""
    epochs = history.training_config.epochs
    training = go.Scatter(
        x=history.batch_epochs,
        y=history.batch_losses,
        mode="lines",
        name="training loss",
        line={"color": POSITIVE, "width": 2},
        hovertemplate="epoch %{x:.2f}<br>loss %{y:.3f}<extra>training</extra>",
    )
    validation = go.Scatter(
        x=history.epoch_numbers,
        y=history.val_losses,
        mode="lines+markers",
        name="validation loss",
        line={"color": ACCENT, "width": 3},
        marker={"size": 10},
        hovertemplate="after epoch %{x}<br>loss %{y:.3f}<extra>validation</extra>",
    )
    return go.Figure(
        [training, validation],
        layout={
            **base_layout(height),
            "xaxis": axis("epoch (one pass over the training images)", range=[0, epochs], dtick=max(1, epochs // 10)),
            "yaxis": axis("loss (lower is better)", rangemode="tozero"),
            "legend": {"orientation": "h", "y": 1.12, "x": 0, "font": {"size": SMALL_FONT_SIZE}},
        },
    )


def accuracy_figure(history: TrainingHistory, height: int = 340) -> go.Figure:
    """Validation accuracy after each epoch; only the latest point is labelled, so labels never pile up.

    The axis starts at a round tenth below the lowest point, so small gains stay visible.
    """
    epochs = history.training_config.epochs
    accuracies = history.val_accuracies
    labels = [""] * len(accuracies)
    if accuracies:
        labels[-1] = percent(accuracies[-1], 1)
    bottom = min(0.9, math.floor(min(accuracies, default=0.0) * 10) / 10)
    return go.Figure(
        go.Scatter(
            x=history.epoch_numbers,
            y=history.val_accuracies,
            mode="lines+markers+text",
            text=labels,
            textposition="top left",
            line={"color": NEGATIVE if history.finished and history.finished.status == "diverged" else ACCENT},
            marker={"size": 10},
            name="validation accuracy",
            hovertext=percent_texts(accuracies),
            hovertemplate="after epoch %{x}<br>%{hovertext} correct<extra></extra>",
        ),
        layout={
            **base_layout(height, show_legend=False),
            "xaxis": axis("epoch", range=[0, epochs + 0.5], dtick=max(1, epochs // 10)),
            "yaxis": axis("correct on unseen images", range=[bottom, 1.0 + (1.0 - bottom) * 0.08], tickformat=".0%"),
        },
    )
