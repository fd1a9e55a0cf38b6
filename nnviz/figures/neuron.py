"""Inside one neuron: the weighted sum as a waterfall, and the activation function with (z, f(z)) marked.

Both read a `NeuronBreakdown` (nnviz.model.neuron), so the numbers on screen are the
forward pass's own.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnviz.figures.style import (
    ACCENT,
    MUTED_COLOR,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    SMALL_FONT_SIZE,
    TEXT_COLOR,
    axis,
    base_layout,
    figure_title,
    trace,
    unvalidated_figure,
)
from nnviz.lesson.wording import probability
from nnviz.model.neuron import NeuronBreakdown, activation_curve


def _signed(value: float) -> str:
    return f"{value:+.3f}"


def breakdown_figure(breakdown: NeuronBreakdown, height: int | None = None) -> go.Figure:
    """A horizontal waterfall: the largest terms w·x, "the rest", the bias, ending at z.

    Bars going right (blue) push z up, bars going left (orange) push it down; the last
    bar is the total z. One trace. Hover on a term shows x, w and w·x.
    """
    labels = [t.label for t in breakdown.terms]
    values = [t.contribution for t in breakdown.terms]
    hover = [
        f"value x = {t.x:.3f}<br>weight w = {t.w:+.3f}<br>w·x = <b>{t.contribution:+.3f}</b>" for t in breakdown.terms
    ]
    if breakdown.n_rest:
        labels.append(f"the other {breakdown.n_rest} inputs")
        values.append(breakdown.rest)
        hover.append(f"sum of the other {breakdown.n_rest} terms w·x = <b>{breakdown.rest:+.3f}</b>")
    labels += ["bias", "z (total)"]
    values += [breakdown.bias, breakdown.z]
    hover += [
        f"the neuron's own offset, added whatever the input: <b>{breakdown.bias:+.3f}</b>",
        f"z = Σ w·x + bias = <b>{breakdown.z:+.3f}</b>",
    ]
    measures = ["relative"] * (len(values) - 1) + ["total"]
    # Leave room beyond the bars' ends for the "+0.123" labels printed outside them.
    ends = np.concatenate([[0.0], np.cumsum(values[:-1]), [breakdown.z]])
    low, high = float(ends.min()), float(ends.max())
    pad = 0.3 * max(high - low, 1e-6)  # the "-1.234" printed beyond a bar must clear the input labels
    fig = unvalidated_figure(
        trace(
            "waterfall",
            orientation="h",
            y=labels,
            x=values,
            measure=measures,
            text=[_signed(v) for v in values],
            textposition="outside",
            textfont={"size": SMALL_FONT_SIZE},
            cliponaxis=False,
            increasing={"marker": {"color": POSITIVE}},
            decreasing={"marker": {"color": NEGATIVE}},
            totals={"marker": {"color": ACCENT}},
            connector={"line": {"color": NEUTRAL, "width": 1, "dash": "dot"}},
            hovertext=hover,
            hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
            name="weighted sum",
        ),
        layout={
            **base_layout(height or 140 + 34 * len(values), show_legend=False),
            "margin": {"l": 20, "r": 70, "t": 60, "b": 60},
            "title": figure_title(f"z = Σ w·x + bias = <b>{breakdown.z:.3f}</b>"),
            "xaxis": axis("contribution to z (w·x)", zeroline=True, zerolinewidth=2, range=[low - pad, high + pad]),
            "yaxis": axis("input", autorange="reversed", automargin=True),
        },
    )
    return fig


def activation_figure(breakdown: NeuronBreakdown, height: int = 360) -> go.Figure:
    """The neuron's function f(z) as a curve, with its actual (z, f(z)) as a big dot and in the title.

    For an output neuron the curve is its softmax probability as its own z varies with
    the other outputs fixed (softmax looks at all outputs together). Two traces: curve, point.
    """
    grid, curve = activation_curve(breakdown)
    if breakdown.is_output:
        y_title = f"probability of digit {breakdown.digit}"
        name = "softmax (others fixed)"
        point_text = f"z = {breakdown.z:.2f} → {probability(breakdown.value, 1)}"
    else:
        y_title = f"{breakdown.function_label}(z): value passed on"
        name = breakdown.function_label
        point_text = f"{breakdown.function_label}({breakdown.z:.2f}) = {breakdown.value:.2f}"
    fig = unvalidated_figure(
        [
            trace(
                "scatter",
                x=grid,
                y=curve,
                mode="lines",
                line={"color": MUTED_COLOR, "width": 3},
                name=name,
                hovertemplate="z = %{x:.2f} → %{y:.3f}<extra></extra>",
            ),
            trace(
                "scatter",
                x=[breakdown.z],
                y=[breakdown.value],
                mode="markers",
                marker={"size": 18, "color": ACCENT, "line": {"color": TEXT_COLOR, "width": 2}},
                name="this neuron now",
                hovertemplate=f"{point_text}<extra></extra>",
            ),
        ],
        layout={
            **base_layout(height, show_legend=False),
            "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
            # The point's numbers as the title, like the waterfall's: beside the dot they overflow a narrow plot.
            "title": figure_title(f"<b>{point_text}</b>"),
            "xaxis": axis("z (weighted sum)", zeroline=True),
            "yaxis": axis(y_title, zeroline=True, tickformat=".0%" if breakdown.is_output else None),
        },
    )
    return fig
