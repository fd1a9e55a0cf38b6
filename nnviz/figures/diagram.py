"""The node-link diagram of a network for one input, as a plotly figure.

Reads a `DiagramLayout` (nnviz.figures.diagram_layout) and draws: the input image on the left,
hidden neurons coloured by their value, output neurons labelled "7  92%" with the
winner ringed, and the kept edges coloured by the sign of the weight (blue +, orange dashed -)
with a width proportional to |w·x| (relative to the strongest edge of the same gap).

It is rebuilt on every stroke, so edges are batched: one line trace per
(sign, width bucket), segments separated by gaps, instead of one trace per edge.
Trace order is fixed (see TRACE_* below) so the page and the tests can rely on it.

Clicks: every node marker carries customdata [layer index, neuron, Click.NEURON] (layer 1 =
hidden_1, ..., last = output); read it back with `nnviz.session.clicks.clicked_neuron`.
Every edge has an invisible marker at its middle carrying [weight layer, source, target, Click.EDGE]
(plotly reports clicks on points, not on lines); read it with `nnviz.session.clicks.clicked_edge`.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from nnviz.figures.clickable import Click, tagged
from nnviz.figures.diagram_layout import CANVAS_HEIGHT, CANVAS_WIDTH, IMAGE_BOX, DiagramLayout, EdgeSet, LayerView
from nnviz.figures.style import (
    ACTIVATION_SCALE,
    HIGHLIGHT,
    MUTED_COLOR,
    NEGATIVE,
    NEGATIVE_DASH,
    POSITIVE,
    SMALL_FONT_SIZE,
    TEXT_COLOR,
    VALUE_SCALE,
    base_layout,
    hidden_axis,
    trace,
    unvalidated_figure,
)
from nnviz.lesson.wording import probability
from nnviz.model.network import BOUNDED_ACTIVATION_RANGES, IMAGE_SIDE
from nnviz.model.neuron import source_label

MAX_NODE_SIZE = 22.0  # px: ten output nodes are 1 unit apart, down to ~18 px in a narrow figure
WIDTH_BUCKETS = 4  # edges are drawn in 4 widths: |w·x| up to 25%, 50%, 75%, 100% of the gap's strongest
EDGE_WIDTHS = (1.0, 2.0, 3.5, 5.5)
EDGE_OPACITIES = (0.3, 0.45, 0.6, 0.8)
IMAGE_UPSCALE = 6  # 28 px -> 168 px PNG
SIGNS = (("positive weight", POSITIVE, "solid"), ("negative weight", NEGATIVE, NEGATIVE_DASH))

# A click leaves its point as the chart's selection, and plotly would fade every other point to a
# fifth of its opacity: the nodes keep their look (the black ring shows the followed neuron).
UNSELECTED_NODES = {"marker": {"opacity": 1.0}, "textfont": {"color": TEXT_COLOR}}

TRACE_IMAGE = 0
TRACE_FIRST_EDGE = 1  # then 2 signs × WIDTH_BUCKETS line traces
TRACE_EDGE_HOVER = TRACE_FIRST_EDGE + len(SIGNS) * WIDTH_BUCKETS
TRACE_HIDDEN = TRACE_EDGE_HOVER + 1
TRACE_OUTPUT = TRACE_HIDDEN + 1
TRACE_RINGS = TRACE_OUTPUT + 1
TRACE_COUNT = TRACE_RINGS + 1
LABEL_ROOM = 3.8  # data units right of the layout box: the output labels at their longest
# The two colour bars lie side by side under the legend, not beside the diagram: in a narrow column (a 1024 px
# projector with the sidebar open) every pixel of width goes to the diagram, whose labels need about 18 px per unit.
COLOUR_BAR_LEN = 140  # px each, centred under the diagram (which a wide column centres too)
COLOUR_BARS_Y = -0.14  # paper units: below the plot area, under the legend
BOTTOM_MARGIN = 112  # the legend's row, then the colour bars with their ticks
SIDE_MARGIN = 10
TOP_MARGIN = 50  # the "Hidden layers" heading, a line above the columns' titles
HEADING_SHIFT = 22  # px: that line
LABEL_PX_PER_UNIT = 18  # the output labels (16 px type) are 1 unit apart: fewer pixels per unit and they touch
X_RANGE = (-0.4, CANVAS_WIDTH + LABEL_ROOM)
# The narrowest the diagram can be drawn with its labels apart (~333 px); narrower, the page puts it elsewhere.
MIN_WIDTH = round((X_RANGE[1] - X_RANGE[0]) * LABEL_PX_PER_UNIT) + 2 * SIDE_MARGIN


def _colour_bar(title: str, left: bool, **extra: object) -> dict:
    """A horizontal colour bar under the diagram, its title above it: the left one of two, or the right one."""
    return {
        "title": {"text": title, "side": "top"},
        "orientation": "h",
        "len": COLOUR_BAR_LEN,
        "lenmode": "pixels",
        "x": 0.47 if left else 0.53,
        "xanchor": "right" if left else "left",
        "y": COLOUR_BARS_Y,
        "yanchor": "top",
        "thickness": 12,
        "tickfont": {"size": SMALL_FONT_SIZE},
        **extra,
    }


def _segments(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """[a0, b0, nan, a1, b1, nan, ...]: one polyline whose gaps separate the edges."""
    return np.column_stack([x0, x1, np.full(x0.shape, np.nan)]).ravel()


def _node_size(count: int) -> float:
    """Marker diameter in pixels: big for a few nodes, smaller when a column is crowded."""
    return float(np.clip(360.0 / max(count, 1), 10.0, MAX_NODE_SIZE))


def _edge_traces(edges: list[EdgeSet]) -> list[go.Scatter]:
    """2 × WIDTH_BUCKETS line traces (always all of them, some possibly empty)."""
    bucket_parts: dict[tuple[int, int], list[tuple[EdgeSet, np.ndarray]]] = {}
    for edge_set in edges:
        if not edge_set.contribution.size:
            continue
        relative = np.abs(edge_set.contribution) / edge_set.strongest
        bucket = np.minimum((relative * WIDTH_BUCKETS).astype(int), WIDTH_BUCKETS - 1)
        negative = (edge_set.weight < 0).astype(int)
        for key in set(zip(negative.tolist(), bucket.tolist())):
            mask = (negative == key[0]) & (bucket == key[1])
            bucket_parts.setdefault(key, []).append((edge_set, mask))
    traces = []
    for sign_index, (name, colour, dash) in enumerate(SIGNS):
        for bucket in range(WIDTH_BUCKETS):
            parts = bucket_parts.get((sign_index, bucket), [])
            xs = [_segments(e.x0[m], e.x1[m]) for e, m in parts]
            ys = [_segments(e.y0[m], e.y1[m]) for e, m in parts]
            traces.append(
                trace(
                    "scatter",
                    x=np.concatenate(xs) if xs else [],
                    y=np.concatenate(ys) if ys else [],
                    mode="lines",
                    line={"color": colour, "width": EDGE_WIDTHS[bucket], "dash": dash},
                    opacity=EDGE_OPACITIES[bucket],
                    hoverinfo="skip",
                    name=name,
                    legendgroup=name,
                    # One legend entry per sign, drawn with the thickest line.
                    showlegend=bucket == WIDTH_BUCKETS - 1,
                )
            )
    return traces


def _edge_hover_trace(layout: DiagramLayout) -> dict:
    """Invisible markers at the middle of every edge: hovering explains the edge's numbers, a click picks it.

    customdata: (edges, 4) [weight layer, source, target, Click.EDGE], the weight
    `network.layers[weight layer].weights[source, target]` (weight layer = target layer - 1).
    """
    xs, ys, custom, texts = [], [], [], []
    for edge_set in layout.edges:
        target_title = layout.layers[edge_set.target_layer].title.lower()
        xs.append((edge_set.x0 + edge_set.x1) / 2)
        ys.append((edge_set.y0 + edge_set.y1) / 2)
        weight_layer = np.full(edge_set.source.size, edge_set.target_layer - 1)
        custom.append(tagged(Click.EDGE, weight_layer, edge_set.source, edge_set.target))
        texts.extend(
            f"{source_label(edge_set.target_layer, s)} → {target_title} · neuron {t}<br>"
            f"weight {w:+.3f} × value {x:.3f} = <b>{c:+.3f}</b><br><i>click: see it on the Learn page</i>"
            for s, t, w, x, c in zip(
                edge_set.source.tolist(),
                edge_set.target.tolist(),
                edge_set.weight.tolist(),
                edge_set.source_value.tolist(),
                edge_set.contribution.tolist(),
            )
        )
    return trace(
        "scatter",
        x=np.concatenate(xs) if xs else [],
        y=np.concatenate(ys) if ys else [],
        mode="markers",
        customdata=np.concatenate(custom) if custom else tagged(Click.EDGE, [], [], []),
        marker={"size": 12, "opacity": 0},
        hovertext=texts,
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
        name="edges",
    )


def _node_arrays(views: list[LayerView]) -> tuple[np.ndarray, ...]:
    """x, y, values, z, customdata [layer, neuron, Click.NEURON] and marker sizes of several columns stacked."""
    if not views:
        empty = np.zeros(0)
        return empty, empty, empty, empty, tagged(Click.NEURON, empty, empty), empty
    x = np.concatenate([v.x for v in views])
    y = np.concatenate([v.y for v in views])
    values = np.concatenate([v.values for v in views])
    z = np.concatenate([v.pre_activations for v in views])
    custom = np.concatenate([tagged(Click.NEURON, np.full(v.shown.size, v.index), v.shown) for v in views])
    sizes = np.concatenate([np.full(v.shown.size, _node_size(v.shown.size)) for v in views])
    return x, y, values, z, custom, sizes


def _hidden_trace(layout: DiagramLayout) -> dict:
    hidden = layout.layers[1:-1]
    x, y, values, z, custom, sizes = _node_arrays(hidden)
    low, high = BOUNDED_ACTIVATION_RANGES.get(layout.activation, (0.0, max(float(values.max(initial=0.0)), 1e-6)))
    return trace(
        "scatter",
        x=x,
        y=y,
        mode="markers",
        customdata=custom,
        marker={
            "size": sizes,
            "color": values,
            "colorscale": VALUE_SCALE,
            "cmin": low,
            "cmax": high,
            "opacity": 1.0,  # an array of sizes would otherwise get plotly's bubble-chart default of 0.7
            "line": {"color": "#444444", "width": 1},
            "showscale": bool(hidden),
            "colorbar": _colour_bar("value", left=True),
        },
        hovertext=[
            f"hidden {layer} · neuron {neuron}<br>value {v:.3f}  (z = {zz:.3f})"
            for (layer, neuron, _), v, zz in zip(custom.tolist(), values.tolist(), z.tolist())
        ],
        hovertemplate="%{hovertext}<extra>click for details</extra>",
        unselected=UNSELECTED_NODES,
        showlegend=False,
        name="hidden neurons",
    )


def _output_trace(layout: DiagramLayout) -> dict:
    view = layout.output
    x, y, values, _, custom, sizes = _node_arrays([view])
    labels = [
        f"  <b>{digit}  {probability(p)}</b>" if slot == layout.winner else f"  {digit}  {probability(p)}"
        for slot, (digit, p) in enumerate(zip(layout.digits, values.tolist()))
    ]
    return trace(
        "scatter",
        x=x,
        y=y,
        mode="markers+text",
        customdata=custom,
        text=labels,
        textposition="middle right",
        textfont={"size": SMALL_FONT_SIZE + 2, "color": TEXT_COLOR},
        cliponaxis=False,  # in a narrow column "7  100%" reaches past the x range; never cut it off
        marker={
            "size": sizes,
            "color": values,
            "colorscale": VALUE_SCALE,
            "cmin": 0.0,
            "cmax": 1.0,
            "opacity": 1.0,
            "line": {"color": "#444444", "width": 1},
            "colorbar": _colour_bar("probability", left=False, tickformat=".0%"),
        },
        hovertext=[f"digit {d}: probability {probability(p, 1)}" for d, p in zip(layout.digits, values.tolist())],
        hovertemplate="%{hovertext}<extra>click for details</extra>",
        unselected=UNSELECTED_NODES,
        showlegend=False,
        name="output neurons",
    )


def _rings_trace(
    layout: DiagramLayout, selected: tuple[int, int] | None, selected_edge: tuple[int, int, int] | None
) -> dict:
    """A green ring around the winning output, a black one around the selected neuron, a diamond on the picked edge."""
    view = layout.output
    xs, ys, sizes, colours, symbols = (
        [view.x[layout.winner]],
        [view.y[layout.winner]],
        [_node_size(view.shown.size) + 12],
        [HIGHLIGHT],
        ["circle-open"],
    )
    if selected is not None and 1 <= selected[0] < len(layout.layers):
        column = layout.layers[selected[0]]
        slot = column.position_of(selected[1])
        if slot >= 0:
            xs.append(column.x[slot])
            ys.append(column.y[slot])
            sizes.append(_node_size(column.shown.size) + 10)
            colours.append(TEXT_COLOR)
            symbols.append("circle-open")
    if selected_edge is not None and 0 <= selected_edge[0] < len(layout.edges):
        edge_set = layout.edges[selected_edge[0]]
        hit = np.flatnonzero((edge_set.source == selected_edge[1]) & (edge_set.target == selected_edge[2]))
        if hit.size:  # drawn only while the edge is among the strongest for this input
            xs.append((edge_set.x0[hit[0]] + edge_set.x1[hit[0]]) / 2)
            ys.append((edge_set.y0[hit[0]] + edge_set.y1[hit[0]]) / 2)
            sizes.append(18)
            colours.append(TEXT_COLOR)
            symbols.append("diamond-open")
    return trace(
        "scatter",
        x=xs,
        y=ys,
        mode="markers",
        marker={"symbol": symbols, "size": sizes, "color": colours, "line": {"width": 3}},
        hoverinfo="skip",  # clicks fall through to the node underneath
        showlegend=False,
        name="highlights",
    )


def _image_trace(layout: DiagramLayout) -> dict:
    x0, y0, x1, y1 = IMAGE_BOX
    step = (x1 - x0) / IMAGE_SIDE
    rows = np.repeat(np.arange(IMAGE_SIDE)[::-1, None], IMAGE_SIDE, axis=1)
    cols = np.repeat(np.arange(IMAGE_SIDE)[None, :], IMAGE_SIDE, axis=0)
    return trace(
        "heatmap",
        z=layout.image[::-1],  # heatmap row 0 is at the bottom; image row 0 is the top
        x0=x0 + step / 2,
        dx=step,
        y0=y0 + step / 2,
        dy=(y1 - y0) / IMAGE_SIDE,
        zmin=0.0,
        zmax=1.0,
        colorscale=ACTIVATION_SCALE,
        showscale=False,
        customdata=np.stack([rows, cols], axis=-1),
        hovertemplate="pixel (row %{customdata[0]}, col %{customdata[1]})<br>value %{z:.2f}<extra>input neuron</extra>",
        name="input",
    )


def _image_overlay(layout: DiagramLayout) -> dict:
    """The input digit as a layout image drawn *above* the edges, so they emerge from behind it.

    (Heatmaps always sit below scatter traces; the heatmap stays underneath for its hover.)
    Upscaled with nearest-neighbour so the browser shows crisp pixels instead of a blur.
    """
    pixels = np.clip(np.asarray(layout.image) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    big = np.repeat(np.repeat(pixels, IMAGE_UPSCALE, axis=0), IMAGE_UPSCALE, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(big, mode="L").save(buffer, format="PNG")
    x0, y0, x1, y1 = IMAGE_BOX
    return {
        "source": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
        "xref": "x",
        "yref": "y",
        "x": x0,
        "y": y1,
        "sizex": x1 - x0,
        "sizey": y1 - y0,
        "xanchor": "left",
        "yanchor": "top",
        "sizing": "stretch",
        "layer": "above",
    }


def _column_title(view: LayerView, last: int) -> str:
    """ "<b>Input</b>", "<b>Output</b>", or a hidden column's number: its "Hidden layers" heading is shared."""
    return f"<b>{view.title}</b>" if view.index in (0, last) else f"<b>{view.index}</b>"


def _annotations(layout: DiagramLayout) -> list[dict]:
    """Column titles, with one "Hidden layers" heading over the hidden columns' numbers (six columns are less
    than 40 px apart in a narrow figure: "Hidden 1" titles would collide), and each column's caption below it."""
    last, top = len(layout.layers) - 1, CANVAS_HEIGHT + 0.25
    notes = []
    hidden = layout.layers[1:-1]
    if hidden:
        middle = (float(hidden[0].x.mean()) + float(hidden[-1].x.mean())) / 2
        heading = "<b>Hidden layers</b>" if len(hidden) > 1 else "<b>Hidden layer</b>"
        notes.append({"x": middle, "y": top, "yshift": HEADING_SHIFT, "text": heading, "showarrow": False})
        notes[-1]["yanchor"] = "bottom"
    for view in layout.layers:
        x = float(view.x.mean()) if view.index else (IMAGE_BOX[0] + IMAGE_BOX[2]) / 2
        notes.append({"x": x, "y": top, "text": _column_title(view, last), "showarrow": False, "yanchor": "bottom"})
        if view.index == 0:  # on two lines: the image is narrower than "28×28 = 784 pixels" in a narrow figure
            caption, y = f"{IMAGE_SIDE}×{IMAGE_SIDE} =<br>{view.size} pixels", IMAGE_BOX[1] - 0.2
        else:
            # Two lines, so neighbouring columns' captions never collide (6 columns are ~2 units apart).
            caption = f"showing<br>{view.shown.size} of {view.size}" if view.sampled else view.caption
            y = float(view.y.min()) - 0.65
        notes.append(
            {
                "x": x,
                "y": y,
                "text": caption,
                "showarrow": False,
                "yanchor": "top",
                "font": {"size": SMALL_FONT_SIZE, "color": HIGHLIGHT if view.sampled and view.index else MUTED_COLOR},
            }
        )
    return notes


def diagram_figure(
    layout: DiagramLayout,
    selected: tuple[int, int] | None = None,
    height: int = 560,
    selected_edge: tuple[int, int, int] | None = None,
) -> go.Figure:
    """The node-link diagram for one input.

    layout: from `nnviz.figures.diagram_layout.build_diagram`. selected: (layer index, neuron) to ring,
    e.g. the neuron the student clicked (it should be drawn: pass it to build_diagram's
    `keep`). selected_edge: (weight layer, from, to) of a picked edge, marked with a
    diamond at its middle when it is drawn. Traces, in order: input image, 8 edge traces (positive then negative weight,
    thin to thick), edge hover points, hidden neurons, output neurons, highlight rings.
    """
    return unvalidated_figure(
        data=[
            _image_trace(layout),
            *_edge_traces(layout.edges),
            _edge_hover_trace(layout),
            _hidden_trace(layout),
            _output_trace(layout),
            _rings_trace(layout, selected, selected_edge),
        ],
        layout={
            **base_layout(height, show_legend=True),
            "margin": {"l": SIDE_MARGIN, "r": SIDE_MARGIN, "t": TOP_MARGIN, "b": BOTTOM_MARGIN},
            # Room beyond the box for the "28×28 = 784 pixels" caption and the output labels, whose longest
            # ("7   > 99.99%") must end inside the figure.
            "xaxis": hidden_axis(range=list(X_RANGE), constrain="domain"),
            "yaxis": hidden_axis(range=[-1.5, CANVAS_HEIGHT + 1.0], scaleanchor="x", scaleratio=1, constrain="domain"),
            "annotations": _annotations(layout),
            "images": [_image_overlay(layout)],
            "legend": {
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": -0.04,  # clear of the columns' captions
                "yanchor": "top",
                "itemclick": False,
                "itemdoubleclick": False,
                "font": {"size": SMALL_FONT_SIZE},
            },
            "hovermode": "closest",
            "clickmode": "event+select",
        },
    )
