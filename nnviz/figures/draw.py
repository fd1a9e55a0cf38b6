"""Figures of the Draw page: the 784 inputs, each hidden layer, the 10 outputs.

Each builder takes plain arrays and returns a `go.Figure`; none of them knows
about Streamlit. They are rebuilt on every stroke, so they stay small: one
trace each, no per-neuron annotations.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from nnviz.figures.style import (
    ACCENT,
    ACTIVATION_SCALE,
    BAR,
    VALUE_SCALE,
    axis,
    base_layout,
    image_axes,
    probability_texts,
    trace,
    unvalidated_figure,
)
from nnviz.lesson.wording import probability
from nnviz.model.network import BOUNDED_ACTIVATION_RANGES, IMAGE_SIDE

# Activations whose values are bounded, so the colour scale can be fixed.


def _image_layout(height: int) -> dict:
    """Square cells, no axes, little margin (the colour legend sits underneath: columns are narrow)."""
    return {
        **base_layout(height),
        "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
        **image_axes(),
    }


def _legend_bar(title: str, **extra: object) -> dict:
    return {
        "title": {"text": title, "side": "right"},
        "orientation": "h",
        "thickness": 12,
        "len": 0.9,
        "y": -0.04,
        "yanchor": "top",
        **extra,
    }


def input_figure(pixels: np.ndarray, height: int = 330) -> go.Figure:
    """The 28×28 input neurons as a greyscale image; hover shows row, column and value.

    pixels: (784,) floats in 0..1 (0 = black, no ink; 1 = white, full ink).
    """
    grid = np.asarray(pixels, dtype=np.float32).reshape(IMAGE_SIDE, IMAGE_SIDE)
    return unvalidated_figure(
        trace(
            "heatmap",
            z=grid,
            zmin=0.0,
            zmax=1.0,
            colorscale=ACTIVATION_SCALE,
            colorbar=_legend_bar("value", tickvals=[0, 0.5, 1]),
            hovertemplate="row %{y}, column %{x}<br>value %{z:.2f}<extra></extra>",
        ),
        layout=_image_layout(height),
    )


def grid_shape(n: int) -> tuple[int, int]:
    """(rows, columns) for n neurons: about twice as wide as tall, exact if a divisor fits."""
    target = max(1, round(math.sqrt(n / 2)))
    for rows in range(target, 0, -1):
        if n % rows == 0 and n // rows <= 4 * rows:
            return rows, n // rows
    return target, math.ceil(n / target)


def layer_figure(values: np.ndarray, activation: str, width: int = 300) -> go.Figure:
    """One hidden layer as a grid of neurons coloured by activation.

    values: (n,) activations of the layer for one input. Bounded activations
    (sigmoid 0..1, tanh -1..1) get a fixed colour range; ReLU's 0..∞ is scaled
    to this input's largest value so the pattern stays visible. Unused grid
    cells are blank. Hover shows the neuron's number and value. The height
    follows the grid's shape for a plot about `width` pixels wide.
    """
    values = np.asarray(values, dtype=np.float32).ravel()
    rows, cols = grid_shape(values.size)
    padded = np.full(rows * cols, np.nan, dtype=np.float32)
    padded[: values.size] = values
    numbers = np.arange(rows * cols).reshape(rows, cols)
    zmin, zmax = BOUNDED_ACTIVATION_RANGES.get(activation, (0.0, max(float(values.max(initial=0.0)), 1e-6)))
    return unvalidated_figure(
        trace(
            "heatmap",
            z=padded.reshape(rows, cols),
            customdata=numbers,
            zmin=zmin,
            zmax=zmax,
            colorscale=VALUE_SCALE,
            xgap=2,
            ygap=2,
            colorbar=_legend_bar("activation", nticks=4),
            hovertemplate="neuron %{customdata}<br>activation %{z:.2f}<extra></extra>",
        ),
        layout=_image_layout(int(rows * width / cols) + 70),
    )


def output_figure(
    probabilities: np.ndarray, digits: tuple[int, ...], height: int = 300, *, narrow: bool = False
) -> go.Figure:
    """One bar per output neuron with its probability; the winner is highlighted.

    probabilities: (n_outputs,) in 0..1 summing to 1; digits: the digit of each output.
    narrow: for a ~200 px column (a projector at 1024 px): smaller digits and margins so ten
        labels fit side by side; the y axis keeps its percentages.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64).ravel()
    winner = int(probabilities.argmax())
    labels = [str(d) for d in digits]
    return unvalidated_figure(
        trace(
            "bar",
            x=labels,
            y=probabilities,
            marker={"color": [ACCENT if i == winner else BAR for i in range(len(labels))]},
            text=[probability(p) if p >= 0.005 else "" for p in probabilities],
            textposition="outside",
            textfont={"size": 15},
            constraintext="none",
            cliponaxis=False,
            hovertext=probability_texts(probabilities),
            hovertemplate="digit %{x}: %{hovertext}<extra></extra>",
        ),
        layout={
            **base_layout(height, show_legend=False),
            "margin": {"l": 44 if narrow else 70, "r": 4 if narrow else 10, "t": 20, "b": 60},
            "xaxis": axis(
                "digit", type="category", tickfont={"size": 14 if narrow else 20}, tickmode="array", tickvals=labels
            ),
            "yaxis": axis("" if narrow else "probability", range=[0, 1.12], tickformat=".0%", dtick=0.25),
        },
    )
