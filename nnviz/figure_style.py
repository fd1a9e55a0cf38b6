"""One look for every nnviz figure: fonts big enough for a projector, and colours that mean the same thing everywhere.

Colour meanings (shared by all pages, so a student learns them once):
- POSITIVE (blue) / NEGATIVE (red): the sign of a weight or a contribution. Blue vs red
  stays distinguishable with the common red-green colour blindnesses (ColorBrewer RdBu).
- DIVERGING_SCALE: the same red-white-blue as a continuous scale, white = 0.
- VALUE_SCALE (viridis): how active a neuron is, dark = off, yellow = strongly on.
  Perceptually uniform and colour-blind safe, and unlike red/blue, so it never reads as a sign.
- ACTIVATION_SCALE: input pixels as the Draw page shows them, 0 = black (no ink), 1 = white (full ink).
- ACCENT / BAR: the winning output's bar and the other bars.
- DIGIT_COLORS: one colour per digit 0-9 (Tableau 10, a colour-blind-aware palette);
  figures also print the digit itself, so colour is never the only cue.

Usage: `go.Figure(data, layout={**base_layout(height), ...})`: one constructor call is one
validation pass (each later `update_layout` costs milliseconds, which add up on every stroke).
Title axes with plain words via `axis("...")`.
"""

from __future__ import annotations

FONT_FAMILY = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
FONT_SIZE = 17  # readable from the back of a classroom
SMALL_FONT_SIZE = 14  # tick labels, secondary annotations
TEXT_COLOR = "#222222"
MUTED_COLOR = "#666666"
GRID_COLOR = "#e6e6e6"

POSITIVE = "#2166ac"
NEGATIVE = "#b2182b"
NEUTRAL = "#8c8c8c"
ACCENT = "#f28e2b"  # the winner: orange stands out against blue, red, grey and viridis
HIGHLIGHT = ACCENT  # rings around the winning and the selected neuron
BAR = "#9db4cc"

DIVERGING_SCALE = [
    [0.0, "#67001f"],
    [0.15, NEGATIVE],
    [0.3, "#d6604d"],
    [0.42, "#f4a582"],
    [0.5, "#f7f7f7"],
    [0.58, "#92c5de"],
    [0.7, "#4393c3"],
    [0.85, POSITIVE],
    [1.0, "#053061"],
]
VALUE_SCALE = "Viridis"
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


# Runs drawn on one figure (Compare runs): the Okabe–Ito palette, safe for every common colour
# blindness, with its yellow darkened to read on white; each run also gets its own dash and marker,
# so runs differ by more than colour. Index = the run's number modulo 8, so a run keeps its look.
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#B59F00")
RUN_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "8px,3px,2px,3px", "2px,6px")
RUN_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down")
