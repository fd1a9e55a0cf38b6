"""Figures of the Learn page: the loss curve, loss against one weight, the 2-D slice, one step, experiments.

Builders take plain arrays and dataclasses and return `go.Figure`s; nothing here
knows about Streamlit. Colours: blue/orange (colour-blind safe) for before/after and
for curves, cividis for the loss landscape, the shared red-blue scale for weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnviz.explain.loss_landscape import LossSlice, WeightCurve
from nnviz.figures.features import mosaic
from nnviz.figures.style import (
    ACCENT,
    DIVERGING_SCALE,
    MUTED_COLOR,
    POSITIVE,
    SMALL_FONT_SIZE,
    VALUE_SCALE,
    axis,
    base_layout,
    figure_title,
    image_axes,
    percent_texts,
    probability_texts,
)
from nnviz.lesson.wording import probability
from nnviz.model.network import IMAGE_SIDE

BEFORE_COLOR = POSITIVE  # blue
AFTER_COLOR = ACCENT  # bluish green
# One line style per starting-weight choice / method: colour and dash, so colour is never the only cue.
SERIES_STYLES = (
    ("#0072b2", "solid"),
    ("#e69f00", "dash"),
    ("#009e73", "dot"),
    ("#cc79a7", "dashdot"),
    ("#56b4e9", "longdash"),
    ("#d55e00", "longdashdot"),
)


def crossentropy_curve_figure(p_true: float, loss: float, height: int = 330) -> go.Figure:
    """−log p against p in (0, 1], with the current input's point on it.

    p_true: the probability the network gives the true digit (0..1); loss: −log p_true.
    """
    p = np.concatenate([np.geomspace(1e-3, 0.05, 40), np.linspace(0.05, 1.0, 80)])
    shown_p = max(p_true, 1e-3)
    return go.Figure(
        [
            go.Scatter(
                x=p,
                y=-np.log(p),
                mode="lines",
                line={"color": BEFORE_COLOR, "width": 3},
                name="loss = −log p",
                hovertemplate="p = %{x:.3f}<br>loss %{y:.2f}<extra></extra>",
            ),
            go.Scatter(
                x=[shown_p],
                y=[min(loss, -np.log(1e-3))],
                mode="markers+text",
                marker={"color": AFTER_COLOR, "size": 16, "symbol": "diamond", "line": {"color": "black", "width": 1}},
                text=[f"p = {p_true:.3f}, loss {loss:.2f}"],
                textposition="top right" if p_true < 0.5 else "top left",
                textfont={"size": SMALL_FONT_SIZE},
                name="this input",
                hoverinfo="skip",
            ),
        ],
        layout={
            **base_layout(height, show_legend=False),
            "margin": {"l": 70, "r": 20, "t": 20, "b": 60},
            "xaxis": axis("p = probability given to the true digit", range=[0, 1.02]),
            "yaxis": axis("loss  −log p", range=[0, 7.2]),
        },
    )


def weight_curve_figure(
    curve: WeightCurve,
    epoch_values: Sequence[float] = (),
    epoch_losses: Sequence[float] = (),
    epoch_numbers: Sequence[int] = (),
    height: int = 420,
) -> go.Figure:
    """Loss (y) against one weight's value (x): the curve, the current value, the tangent, and epoch points.

    epoch_values/epoch_losses/epoch_numbers: the weight's value after each epoch and the loss
    there on this curve, labelled with the epoch number (0 = the start), as in the lab's figure.
    """
    span = curve.values[-1] - curve.values[0]
    half = span * 0.18
    tangent_x = np.array([curve.current - half, curve.current + half])
    traces = [
        go.Scatter(
            x=curve.values,
            y=curve.losses,
            mode="lines",
            line={"color": BEFORE_COLOR, "width": 3},
            name="loss if only this weight changed",
            hovertemplate="weight %{x:+.3f}<br>loss %{y:.4f}<extra></extra>",
        ),
        go.Scatter(
            x=tangent_x,
            y=curve.current_loss + curve.slope * (tangent_x - curve.current),
            mode="lines",
            line={"color": MUTED_COLOR, "width": 2, "dash": "dash"},
            name=f"slope = gradient = {curve.slope:+.4f}",
            hoverinfo="skip",
        ),
    ]
    if len(epoch_values):
        traces.append(
            go.Scatter(
                x=list(epoch_values),
                y=list(epoch_losses),
                mode="lines+markers+text",
                line={"color": "#009e73", "width": 1, "dash": "dot"},
                marker={"color": "#009e73", "size": 10},
                text=[str(e) for e in epoch_numbers],
                textposition="top center",
                textfont={"size": SMALL_FONT_SIZE},
                name="after each epoch (0 = start)",
                hovertemplate="weight %{x:+.3f}<br>loss %{y:.4f}<extra></extra>",
            )
        )
    traces.append(
        go.Scatter(
            x=[curve.current],
            y=[curve.current_loss],
            mode="markers",
            marker={"color": AFTER_COLOR, "size": 16, "symbol": "diamond", "line": {"color": "black", "width": 1}},
            name=f"now: {curve.current:+.3f}",
            hovertemplate="weight now %{x:+.4f}<br>loss %{y:.4f}<extra></extra>",
        )
    )
    low, high = float(np.min(curve.losses)), float(np.max(curve.losses))
    pad = max((high - low) * 0.12, 1e-4)
    return go.Figure(
        traces,
        layout={
            **base_layout(height, show_legend=True),
            "margin": {"l": 80, "r": 20, "t": 20, "b": 60},
            # The legend above the plot: below it, it would cover the x-axis title on a narrow page.
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "font": {"size": SMALL_FONT_SIZE}},
            "xaxis": axis("value of this weight"),
            "yaxis": axis("loss on 1,000 digits", range=[low - pad, high + pad]),
        },
    )


def pixel_picker_figure(tile: np.ndarray, chosen_pixel: int | None, height: int = 330) -> go.Figure:
    """One first-layer neuron's 784 weights as a 28×28 tile; each pixel is a click target.

    tile: (28, 28) weights; chosen_pixel: r * 28 + c of the weight on show, ringed.
    Clicking reports customdata = pixel index (r * 28 + c).
    """
    tile = np.asarray(tile, dtype=np.float64).reshape(IMAGE_SIDE, IMAGE_SIDE)
    limit = float(np.percentile(np.abs(tile), 99)) or 1.0
    rows, cols = np.divmod(np.arange(IMAGE_SIDE * IMAGE_SIDE), IMAGE_SIDE)
    traces = [
        go.Heatmap(
            z=tile,
            zmin=-limit,
            zmax=limit,
            colorscale=DIVERGING_SCALE,
            colorbar={"thickness": 12, "tickfont": {"size": SMALL_FONT_SIZE}, "title": {"text": "weight"}},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=cols,
            y=rows,
            mode="markers",
            marker={"size": 9, "opacity": 0, "symbol": "square"},
            customdata=np.arange(IMAGE_SIDE * IMAGE_SIDE),
            hovertemplate="pixel (row %{y}, column %{x}): click to pick this weight<extra></extra>",
            name="pixels",
        ),
    ]
    if chosen_pixel is not None:
        r, c = divmod(int(chosen_pixel), IMAGE_SIDE)
        traces.append(
            go.Scatter(
                x=[c],
                y=[r],
                mode="markers",
                marker={"size": 14, "symbol": "square-open", "color": ACCENT, "line": {"width": 3}},
                hoverinfo="skip",
                name="chosen",
            )
        )
    return go.Figure(
        traces,
        layout={**base_layout(height, show_legend=False), "margin": {"l": 4, "r": 4, "t": 4, "b": 4}, **image_axes()},
    )


def loss_slice_figure(slice_: LossSlice, path_epochs: Sequence[int] = (), height: int = 440) -> go.Figure:
    """The loss on a plane through all the weights (contours, cividis), centre = the model now, and its path."""
    traces = [
        go.Contour(
            x=slice_.alphas,
            y=slice_.betas,
            z=np.log10(np.maximum(slice_.losses, 1e-6)),
            colorscale=VALUE_SCALE,
            reversescale=True,
            ncontours=18,
            colorbar={
                "title": {"text": "loss", "side": "right"},
                "tickvals": [-2, -1, 0, 1],
                "ticktext": ["0.01", "0.1", "1", "10"],
                "tickfont": {"size": SMALL_FONT_SIZE},
            },
            customdata=slice_.losses,
            hovertemplate="direction 1: %{x:.2f}<br>direction 2: %{y:.2f}<br>loss %{customdata:.3f}<extra></extra>",
            name="loss",
        ),
        go.Scatter(
            x=[0],
            y=[0],
            mode="markers",
            marker={"color": ACCENT, "size": 16, "symbol": "diamond", "line": {"color": "black", "width": 1}},
            name="the model now",
            hoverinfo="skip",
        ),
    ]
    if slice_.path is not None and len(slice_.path):
        traces.append(
            go.Scatter(
                x=slice_.path[:, 0],
                y=slice_.path[:, 1],
                mode="lines+markers+text",
                text=[str(e) for e in path_epochs],
                textposition="top center",
                marker={"color": "white", "size": 9, "line": {"color": "black", "width": 1}},
                line={"color": "white", "width": 2},
                name="training path (epoch 0 = start)",
                hoverinfo="skip",
            )
        )
    return go.Figure(
        traces,
        layout={
            **base_layout(height, show_legend=True),
            "margin": {"l": 70, "r": 20, "t": 20, "b": 60},
            "legend": {"orientation": "h", "y": -0.18, "font": {"size": SMALL_FONT_SIZE}},
            "xaxis": axis("random direction 1", constrain="domain"),
            "yaxis": axis("random direction 2", scaleanchor="x"),
        },
    )


def before_after_figure(
    before: np.ndarray, after: np.ndarray, digits: tuple[int, ...], true_index: int, height: int = 320
) -> go.Figure:
    """Grouped bars: each digit's probability before (blue) and after (orange) the steps; the true digit starred."""
    labels = [f"{d}★" if i == true_index else str(d) for i, d in enumerate(digits)]
    bars = [
        go.Bar(
            x=labels,
            y=np.asarray(probs, dtype=np.float64),
            name=name,
            marker={"color": color, "pattern": {"shape": pattern}},
            text=[probability(p) if p >= 0.01 else "" for p in probs],
            textposition="outside",
            textfont={"size": SMALL_FONT_SIZE},
            cliponaxis=False,
            hovertext=probability_texts(probs),
            hovertemplate="digit %{x}: %{hovertext}<extra>" + name + "</extra>",
        )
        for probs, name, color, pattern in ((before, "before", BEFORE_COLOR, ""), (after, "after", AFTER_COLOR, "/"))
    ]
    return go.Figure(
        bars,
        layout={
            **base_layout(height, show_legend=True),
            "barmode": "group",
            "margin": {"l": 70, "r": 10, "t": 20, "b": 60},
            "legend": {"orientation": "h", "y": 1.12, "x": 0.0},
            "xaxis": axis("digit (★ = the one you picked)", type="category"),
            "yaxis": axis("probability", range=[0, 1.15], tickformat=".0%", dtick=0.25),
        },
    )


def curves_figure(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    x_title: str,
    y_title: str,
    height: int = 380,
    log_x: bool = False,
    log_y: bool = False,
    percent_y: bool = False,
    title: str = "",
    spread: Mapping[str, tuple[Sequence[float], Sequence[float], Sequence[float]]] | None = None,
) -> go.Figure:
    """One line per series {name: (x, y)}, each with its own colour and dash.

    spread: {name: (x, lowest, highest)} drawn as a bar from lowest to highest at each point
    (e.g. over several random subsets); series without one have no bars.
    """

    def bars(name: str, y: Sequence[float]) -> dict | None:
        if spread is None or name not in spread:
            return None
        _, low, high = spread[name]
        above, below = np.subtract(high, y), np.subtract(y, low)
        return {"type": "data", "array": above.tolist(), "arrayminus": below.tolist(), "thickness": 1.5, "width": 5}

    traces = [
        go.Scatter(
            x=list(x),
            y=list(y),
            error_y=bars(name, y),
            mode="lines+markers",
            name=name,
            line={"color": SERIES_STYLES[i % len(SERIES_STYLES)][0], "dash": SERIES_STYLES[i % len(SERIES_STYLES)][1]},
            hovertext=percent_texts(y) if percent_y else None,
            hovertemplate=name + (": %{hovertext}" if percent_y else ": %{y:.3~f}") + "<extra></extra>",
        )
        for i, (name, (x, y)) in enumerate(curves.items())
    ]
    layout = {
        **base_layout(height, show_legend=True),
        "margin": {"l": 70, "r": 20, "t": 50 if title else 20, "b": 60},
        "legend": {"font": {"size": SMALL_FONT_SIZE}},
        "xaxis": axis(x_title, type="log" if log_x else "linear"),
        "yaxis": axis(y_title, tickformat=".0%" if percent_y else None, type="log" if log_y else "linear"),
    }
    if title:
        layout["title"] = figure_title(title)
    return go.Figure(traces, layout=layout)


HISTOGRAM_BINS = 40


def activation_histogram_figure(values: Mapping[str, np.ndarray], activation: str, height: int = 380) -> go.Figure:
    """Histograms of first-hidden-layer values at the start, one panel per starting-weight choice.

    One panel each, with its own x range: too-large ReLU values reach the hundreds, Glorot's stay near 1,
    so on one shared axis Glorot's bars would vanish.
    """
    names = list(values)
    fig = make_subplots(rows=len(names), cols=1, subplot_titles=names, vertical_spacing=0.22)
    for i, name in enumerate(names):
        # Binned here, not by plotly: each bar's hover text then says its share the way `percent` writes it.
        shown = np.asarray(values[name], dtype=np.float64).ravel()
        counts, edges = np.histogram(shown[np.isfinite(shown)], bins=HISTOGRAM_BINS)
        shares = counts / max(int(counts.sum()), 1)
        fig.add_trace(
            go.Bar(
                x=(edges[:-1] + edges[1:]) / 2,
                y=100 * shares,
                width=np.diff(edges),
                name=name,
                marker={"color": SERIES_STYLES[i % len(SERIES_STYLES)][0], "line": {"width": 0}},
                customdata=np.column_stack([edges[:-1], edges[1:]]),
                hovertext=percent_texts(shares, 0),
                hovertemplate="%{customdata[0]:.3g} to %{customdata[1]:.3g}: %{hovertext}<extra></extra>",
            ),
            row=i + 1,
            col=1,
        )
        fig.update_yaxes(title_text="%", row=i + 1, col=1)
    fig.update_xaxes(title_text=f"value at the start ({activation})", row=len(names), col=1)
    fig.update_layout({**base_layout(height, show_legend=False), "margin": {"l": 60, "r": 10, "t": 40, "b": 60}})
    return fig


def tile_rows_figure(rows: Sequence[np.ndarray], height: int = 260) -> go.Figure:
    """First-layer weight tiles, one row per starting choice (each row (k, 28, 28)), red-blue around 0, no colour bar.

    Each row has its own colour range (±99th percentile of its |w|), so an all-zero row shows as plain white.
    """
    scaled = []
    for row in rows:
        limit = float(np.percentile(np.abs(row), 99)) if np.any(row) else 1.0
        scaled.append(np.asarray(row, dtype=np.float32) / (limit or 1.0))
    tiles = np.concatenate(scaled)
    grid, _, _ = mosaic(tiles, columns=len(rows[0]), gap=3)
    return go.Figure(
        go.Heatmap(z=grid, zmin=-1, zmax=1, zmid=0, colorscale=DIVERGING_SCALE, showscale=False, hoverinfo="skip"),
        layout={**base_layout(height, show_legend=False), "margin": {"l": 4, "r": 4, "t": 4, "b": 4}, **image_axes()},
    )
