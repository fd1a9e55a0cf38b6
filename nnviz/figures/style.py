"""One look for every nnviz figure: fonts big enough for a projector, and colours that mean the same thing everywhere.

Colour meanings (shared by all pages, so a student learns them once), all colour-blind safe:
- POSITIVE (blue) / NEGATIVE (orange): the sign of a weight or a contribution. Blue vs orange
  stays distinct with every common colour blindness (red vs green would not, and red vs blue
  fades for some); negative lines are also dashed and numbers carry their +/- sign, so colour
  is never the only cue.
- DIVERGING_SCALE: the same orange-white-blue as a continuous scale, white = 0.
- VALUE_SCALE (cividis): how active a neuron is, dark blue = off, yellow = strongly on.
  Designed to look the same to people with and without colour blindness, and unlike
  blue/orange it never reads as a sign.
- ACTIVATION_SCALE: input pixels as the Draw page shows them, 0 = black (no ink), 1 = white (full ink).
- ACCENT / BAR: the winning output's bar and the other bars (bluish green vs pale blue-grey,
  from the Okabe-Ito colour-blind-safe palette).
- DIGIT_COLORS: one colour per digit 0-9 (Tableau 10, a colour-blind-aware palette);
  figures also print the digit itself, so colour is never the only cue.

Usage: `go.Figure(data, layout={**base_layout(height), ...})`: one constructor call is one
validation pass (each later `update_layout` costs milliseconds, which add up on every stroke).
Figures rebuilt on every stroke skip even that pass: `unvalidated_figure([trace("heatmap", ...)], layout)`
(plotly's validation costs ~2-3 ms a figure, several times the building itself; one server serves a class).
Title axes with plain words via `axis("...")`. Presenter mode enlarges a finished figure
with `for_presenter(figure)`.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from nnviz.lesson.wording import percent, probability

# How every page shows a figure (st.plotly_chart's config): no floating zoom/pan toolbar, which
# covers the figure on a projector and means nothing to a student.
PLOT_CONFIG = {"displayModeBar": False}

FONT_FAMILY = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
FONT_SIZE = 17  # readable from the back of a classroom
SMALL_FONT_SIZE = 14  # tick labels, secondary annotations
TEXT_COLOR = "#222222"
MUTED_COLOR = "#666666"
GRID_COLOR = "#e6e6e6"

POSITIVE = "#2166ac"
NEGATIVE = "#e08214"
NEGATIVE_DASH = "dash"  # negative weights' lines: a second cue besides colour
NEUTRAL = "#8c8c8c"
ACCENT = "#009e73"  # the winner: bluish green stands out against blue, orange, grey and cividis
HIGHLIGHT = ACCENT  # rings around the winning and the selected neuron
BAR = "#9db4cc"

DIVERGING_SCALE = [
    [0.0, "#7f3b08"],
    [0.15, "#b35806"],
    [0.3, NEGATIVE],
    [0.42, "#fdb863"],
    [0.5, "#f7f7f7"],
    [0.58, "#92c5de"],
    [0.7, "#4393c3"],
    [0.85, POSITIVE],
    [1.0, "#053061"],
]
VALUE_SCALE = "Cividis"
ACTIVATION_SCALE = [[0.0, "#000000"], [1.0, "#ffffff"]]

DIGIT_COLORS = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


def base_layout(height: int = 480, show_legend: bool | None = None) -> dict:
    """The shared layout settings as a dict, to pass straight to `go.Figure(layout={**base_layout(), ...})`.

    No named plotly template on purpose: applying "plotly_white" costs ~8 ms per figure
    (it is deep-copied and validated), too much for figures rebuilt on every stroke; the
    few settings we need are set here instead. plotly's own defaults are a white plot area
    and light grey grid lines.
    """
    layout: dict = {
        "template": "none",
        "height": height,
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOR},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": FONT_SIZE}},
        "legend": {"font": {"size": SMALL_FONT_SIZE}},
        "colorway": list(DIGIT_COLORS),
        "margin": {"l": 70, "r": 30, "t": 40, "b": 60},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
    }
    if show_legend is not None:
        layout["showlegend"] = show_legend
    return layout


def axis(title: str, **extra: object) -> dict:
    """A layout axis dict with a title in the shared font sizes (pass range=..., etc. as extras)."""
    return {
        "title": {"text": title, "font": {"size": FONT_SIZE}},
        "tickfont": {"size": SMALL_FONT_SIZE},
        "gridcolor": GRID_COLOR,
        "zerolinecolor": "#bbbbbb",
        **extra,
    }


def percent_texts(shares: object, decimals: int = 1) -> list[str]:
    """Each share (0..1) as `nnviz.lesson.wording.percent` writes it, for a trace's hovertext or customdata.

    Plotly's own ".1%" would write 0.9997 as "100.0%": a hover box shows these texts instead.
    """
    return [percent(float(share), decimals) for share in np.ravel(np.asarray(shares, dtype=np.float64))]


def probability_texts(probabilities: object, decimals: int = 1) -> list[str]:
    """Each of a network's probabilities as `nnviz.lesson.wording.probability` writes it: never 100% or 0%."""
    return [probability(float(p), decimals) for p in np.ravel(np.asarray(probabilities, dtype=np.float64))]


def hidden_axis(**extra: object) -> dict:
    """An axis with no ticks, grid or line: for diagrams and image grids where numbers mean nothing."""
    return {
        "visible": False,
        "showgrid": False,
        "zeroline": False,
        "showticklabels": False,
        "fixedrange": True,
        **extra,
    }


def image_axes() -> dict:
    """Layout axes for a picture (28 × 28 pixels, a grid of neurons): square cells, row 0 on top, no ticks."""
    return {
        "xaxis": hidden_axis(constrain="domain"),
        "yaxis": hidden_axis(autorange="reversed", scaleanchor="x", constrain="domain"),
    }


def figure_title(text: str) -> dict:
    """A left-aligned title in the shared look, for the numbers a figure is about."""
    return {"text": text, "font": {"size": 18, "color": TEXT_COLOR}, "x": 0.0, "xanchor": "left"}


def trace(kind: str, **properties: object) -> dict:
    """One plotly trace as a plain dict ({"type": kind, ...}) for `unvalidated_figure`.

    Nested properties are dicts (marker={"color": ...}), never plotly's magic underscores.
    """
    return {"type": kind, **properties}


def unvalidated_figure(data: dict | list[dict], layout: dict) -> go.Figure:
    """A go.Figure from plain dicts, built without plotly's per-property validation.

    For the figures rebuilt on every stroke (Draw and Network pages): validation costs
    several times the building. Streamlit accepts the figure as already validated.
    tests/test_unvalidated_figures.py runs each such builder's output through plotly's
    validation, so a misspelt property still fails a test.
    """
    return go.Figure({"data": data if isinstance(data, list) else [data], "layout": layout}, _validate=False)


class FrozenFigure(go.Figure):
    """A figure drawn again and again but never changed (cached per model): its plain form is made once.

    Streamlit serialises a figure on every rerun: `to_dict()` deep-copies it, arrays included, and
    plotly's JSON encoder turns each array into a list, twice over when it holds NaN. For the Network
    page's weight tiles (~0.5 MB of JSON, gaps as NaN) that was most of a stroke's server time.
    Here `to_dict` returns one prepared dict of plain lists (NaN as None). Never modify it.
    """

    def to_dict(self) -> dict:
        prepared = self.__dict__.get("_nnviz_prepared")
        if prepared is None:
            prepared = _plain(super().to_dict())
            self.__dict__["_nnviz_prepared"] = prepared  # plotly's __setattr__ takes only plotly properties
        return prepared


def frozen(figure: go.Figure) -> FrozenFigure:
    """`figure` as a FrozenFigure, for figures cached and shown unchanged on many reruns."""
    return FrozenFigure(figure.to_dict(), _validate=False)


def _plain(value: object) -> object:
    """Dicts, lists and numbers only: numpy arrays become nested lists, NaN becomes None (JSON null)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "f":
            return value.tolist()
        cells = value.astype(object)
        cells[np.isnan(value)] = None
        return cells.tolist()
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


# --- presenter mode: the same figure, bigger, for the back row ---------------------------------------------------

PRESENTER_FONT_SCALE = 1.3  # every font size
PRESENTER_LINE_SCALE = 1.6  # every line width: thin lines vanish on a projector
PRESENTER_HEIGHT_SCALE = 1.2  # figure heights and marker sizes (markers grow with the space they sit in)
PRESENTER_TEXT_COLOR = "#000000"  # full contrast on white


def _scaled(value: object, factor: float) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value * factor
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, float)) for v in value):
        return [v * factor for v in value]
    return value


def _enlarge(node: object, parent: str = "") -> object:
    """A copy of a figure's dict tree with fonts, line widths and marker sizes scaled (by where they sit)."""
    if isinstance(node, list):
        return [_enlarge(item, parent) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "size" and parent.endswith("font"):
            out[key] = _scaled(value, PRESENTER_FONT_SCALE)
        elif key == "size" and parent == "marker":
            out[key] = _scaled(value, PRESENTER_HEIGHT_SCALE)
        elif key == "width" and parent in ("line", "connector"):
            out[key] = _scaled(value, PRESENTER_LINE_SCALE)
        else:
            out[key] = _enlarge(value, key)
    return out


def for_presenter(figure: go.Figure) -> go.Figure:
    """`figure` enlarged for a projector: bigger type, thicker lines, taller, black text.

    Works on any nnviz figure after it is built, so figure code stays written once.
    Costs a copy and a validation pass (a few ms): only presenter mode pays it.
    """
    tree = _enlarge(figure.to_dict())
    layout = tree.setdefault("layout", {})
    if isinstance(layout.get("height"), (int, float)):
        layout["height"] = int(layout["height"] * PRESENTER_HEIGHT_SCALE)
    layout.setdefault("font", {})["color"] = PRESENTER_TEXT_COLOR
    return go.Figure(tree)


# Runs drawn on one figure (Compare runs): the Okabe–Ito palette, safe for every common colour
# blindness, with its yellow darkened to read on white; each run also gets its own dash and marker,
# so runs differ by more than colour. Index = the run's number modulo 8, so a run keeps its look.
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#B59F00")
RUN_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "8px,3px,2px,3px", "2px,6px")
RUN_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down")
