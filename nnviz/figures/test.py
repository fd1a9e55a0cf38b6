"""Figures of the Test page: the confusion matrix, accuracy per digit, image galleries, explanation maps.

Every clickable figure carries an invisible scatter trace of click targets (a heatmap
cell cannot be selected in Streamlit, a scatter point can) whose customdata says what
was clicked, ending in its kind (nnviz.figures.clickable): [true digit, predicted digit, Click.CELL]
for a matrix cell, [key, Click.IMAGE] for an image.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnviz.figures.clickable import Click, tagged
from nnviz.figures.features import mosaic
from nnviz.figures.style import (
    ACCENT,
    ACTIVATION_SCALE,
    BAR,
    POSITIVE,
    SMALL_FONT_SIZE,
    TEXT_COLOR,
    axis,
    base_layout,
    image_axes,
)
from nnviz.lesson.wording import percent
from nnviz.model.network import IMAGE_SIDE

MATRIX_TARGETS = "cells"  # name of the matrix's click-target trace
GALLERY_TARGETS = "images"  # name of a gallery's click-target trace
GALLERY_COLUMNS = 6  # six captions such as "8→7 · 100%" fit side by side in a 1024 px page
DIAGONAL_COLOR = "#dfe9f3"  # right answers: a calm pale blue, never on the mistakes' scale
DIAGONAL_EDGE = POSITIVE  # frames the right answers, in the blue at the end of TOWARD_AWAY_SCALE
# Mistakes: from a pale blush (few) to a dark red (many), so the eye goes to the biggest mistakes; lightness
# falls steadily along the scale, so it reads the same without colour vision.
MISTAKES_SCALE = [[0.0, "#fde0d2"], [0.35, "#fb8a6a"], [0.7, "#d32020"], [1.0, "#67000d"]]
# Blue–orange diverging scale (PuOr-like, colour-blind safe): orange pushes away, blue toward.
TOWARD_AWAY_SCALE = [
    [0.0, "#b35806"],
    [0.2, "#e08214"],
    [0.4, "#fdb863"],
    [0.5, "#f7f7f7"],
    [0.6, "#92c5de"],
    [0.8, "#4393c3"],
    [1.0, "#2166ac"],
]


def confusion_figure(confusion: np.ndarray, digits: tuple[int, ...], height: int = 520) -> go.Figure:
    """True digit (rows) × predicted digit (columns), counts printed in every cell.

    confusion: (k, k) counts from `nnviz.explain.evaluation.Evaluation.confusion`. The diagonal (right
    answers) is pale blue with a blue frame; the mistakes are coloured by how many there
    are (MISTAKES_SCALE, pale = few, dark red = many) and zero mistakes stay white. Traces: "right",
    "mistakes", and the invisible click targets named MATRIX_TARGETS with customdata
    [true digit, predicted digit, Click.CELL].
    """
    counts = np.asarray(confusion, dtype=np.int64)
    k = len(digits)
    labels = [str(d) for d in digits]
    eye = np.eye(k, dtype=bool)
    mistakes = np.where(~eye & (counts > 0), counts, np.nan).astype(float)
    right = np.where(eye, counts, np.nan).astype(float)
    text = np.where(eye | (counts > 0), counts.astype(str), "")
    most = float(np.nanmax(mistakes)) if np.isfinite(mistakes).any() else 1.0
    # Numeric axes (cell i at i) with the digits as tick labels: category axes mis-size with scaleanchor.
    positions = np.arange(k)
    cells_x, cells_y = np.meshgrid(positions, positions)
    true_digit, predicted_digit = np.meshgrid(digits, digits, indexing="ij")
    cell_font = {"size": SMALL_FONT_SIZE if k > 5 else 20}
    ticks = {
        "tickmode": "array",
        "tickvals": positions.tolist(),
        "ticktext": labels,
        "tickfont": {"size": 18},
        "showgrid": False,
        "zeroline": False,
        "constrain": "domain",
    }
    return go.Figure(
        [
            go.Heatmap(
                z=right,
                x=positions,
                y=positions,
                colorscale=[[0, DIAGONAL_COLOR], [1, DIAGONAL_COLOR]],
                showscale=False,
                text=text,
                texttemplate="<b>%{text}</b>",
                textfont={**cell_font, "color": TEXT_COLOR},
                hoverinfo="skip",
                xgap=2,
                ygap=2,
                name="right",
            ),
            go.Heatmap(
                z=mistakes,
                x=positions,
                y=positions,
                zmin=0,
                zmax=max(most, 1.0),
                colorscale=MISTAKES_SCALE,
                text=text,
                texttemplate="%{text}",
                textfont=cell_font,
                colorbar={"title": {"text": "mistakes", "side": "right"}, "thickness": 14, "nticks": 4, "len": 0.6},
                hoverinfo="skip",
                hoverongaps=False,
                xgap=2,
                ygap=2,
                name="mistakes",
            ),
            go.Scatter(
                x=cells_x.ravel(),
                y=cells_y.ravel(),
                mode="markers",
                marker={"size": 34 if k > 5 else 60, "symbol": "square", "opacity": 0},
                customdata=tagged(Click.CELL, true_digit.ravel(), predicted_digit.ravel()),
                text=counts.ravel().astype(str),
                hovertemplate="a true %{customdata[0]} read as %{customdata[1]}: %{text} images"
                "<br>click to see them<extra></extra>",
                name=MATRIX_TARGETS,
            ),
        ],
        layout={
            **base_layout(height, show_legend=False),
            "margin": {"l": 80, "r": 10, "t": 20, "b": 70},
            "xaxis": axis("the network said", **ticks),
            "yaxis": axis("true digit", **ticks, autorange="reversed", scaleanchor="x"),
            "shapes": [
                {
                    "type": "rect",
                    "x0": i - 0.5,
                    "x1": i + 0.5,
                    "y0": i - 0.5,
                    "y1": i + 0.5,
                    "line": {"color": DIAGONAL_EDGE, "width": 2},
                }
                for i in range(k)
            ],
        },
    )


def per_digit_figure(per_digit: np.ndarray, digits: tuple[int, ...], height: int = 240) -> go.Figure:
    """Accuracy per true digit as bars (the weakest in orange), each labelled with its percentage.

    per_digit: (k,) fractions 0..1 (NaN for a digit without images, drawn as no bar).
    """
    values = np.asarray(per_digit, dtype=np.float64)
    labels = [str(d) for d in digits]
    weakest = int(np.nanargmin(values)) if np.isfinite(values).any() else -1
    return go.Figure(
        go.Bar(
            x=labels,
            y=np.nan_to_num(values, nan=0.0),
            marker_color=[ACCENT if i == weakest else BAR for i in range(len(labels))],
            text=["–" if np.isnan(v) else f"{percent(v, 1)}" for v in values],
            textposition="outside",
            textfont={"size": SMALL_FONT_SIZE},
            cliponaxis=False,
            hovertemplate="digit %{x}: %{text} right<extra></extra>",
        ),
        layout={
            **base_layout(height, show_legend=False),
            "margin": {"l": 70, "r": 10, "t": 20, "b": 60},
            "xaxis": axis("true digit", type="category", tickfont={"size": 18}),
            "yaxis": axis("right", range=[0, 1.15], tickformat=".0%", dtick=0.25),
        },
    )


def gallery_figure(
    images: np.ndarray,
    captions: list[str],
    keys: np.ndarray | None = None,
    width_px: int = 600,
    columns: int = GALLERY_COLUMNS,
) -> go.Figure:
    """Images in rows of `columns` (six by default), each with a caption above it; clickable when `keys` are given.

    images: (n, 784) or (n, 28, 28) values 0..1 (white ink on black). captions: n short
    texts ("a 4 · 97%"). keys: (n,) ints that a click reports (a test index, a drawing's
    number) as customdata [key, Click.IMAGE] of the trace named GALLERY_TARGETS
    (`nnviz.session.clicks.clicked_image` reads a click on it).
    """
    tiles = np.asarray(images, dtype=np.float32).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    n = len(tiles)
    grid, _, anchors = mosaic(tiles, columns)
    rows = -(-n // columns)
    # Square pixels: the plot is about width_px wide, the grid's aspect fixes its height.
    height = int(grid.shape[0] * width_px / grid.shape[1]) + 30 if rows else 80
    traces = [
        go.Heatmap(
            z=grid,
            zmin=0.0,
            zmax=1.0,
            colorscale=ACTIVATION_SCALE,
            showscale=False,
            hoverinfo="skip",
            hoverongaps=False,
            name="pictures",
        ),
        go.Scatter(
            x=anchors[:, 0],
            y=anchors[:, 1] - 0.8,
            mode="text",
            text=captions,
            textposition="top center",
            textfont={"size": SMALL_FONT_SIZE - 1, "color": TEXT_COLOR},
            hoverinfo="skip",
            name="captions",
        ),
    ]
    if keys is not None:
        traces.append(
            go.Scatter(
                x=anchors[:, 0],
                y=anchors[:, 1] + IMAGE_SIDE / 2,
                mode="markers",
                marker={"size": 40, "symbol": "square", "opacity": 0},
                customdata=tagged(Click.IMAGE, keys),
                text=captions,
                hovertemplate="%{text}<br>click to make it the input<extra></extra>",
                name=GALLERY_TARGETS,
            )
        )
    return go.Figure(
        traces,
        layout={
            **base_layout(height, show_legend=False),
            "margin": {"l": 4, "r": 4, "t": 10, "b": 4},
            **image_axes(),
        },
    )


def explanation_figure(values: np.ndarray, toward: str, away: str, height: int = 300) -> go.Figure:
    """A 28 × 28 map of how much each pixel pushed toward (blue) or away from (orange) an answer.

    values: (784,) from `nnviz.explain.maps` (positive = toward). toward, away: the two ends of the
    legend, e.g. "toward 7" and "away from 7". The scale is symmetric around 0 (white),
    so the strongest push either way sets both ends.
    """
    grid = np.asarray(values, dtype=np.float64).reshape(IMAGE_SIDE, IMAGE_SIDE)
    limit = float(np.abs(grid).max()) or 1.0
    return go.Figure(
        go.Heatmap(
            z=grid,
            zmin=-limit,
            zmax=limit,
            zmid=0.0,
            colorscale=TOWARD_AWAY_SCALE,
            # The legend's words sit under the bar's two ends as annotations: long tick labels
            # ("away from 7") would collide in a narrow column and plotly would drop one of them.
            colorbar={
                "orientation": "h",
                "thickness": 12,
                "len": 1.0,
                "y": 0.0,
                "yanchor": "top",
                "ypad": 6,
                "showticklabels": False,
            },
            hovertemplate="row %{y}, column %{x}<br>%{z:+.3f}<extra></extra>",
        ),
        layout={
            **base_layout(height, show_legend=False),
            "margin": {"l": 4, "r": 4, "t": 4, "b": 52},
            **image_axes(),
            "annotations": [
                {
                    "text": text,
                    "x": x,
                    "xanchor": anchor,
                    "xref": "paper",
                    "y": 0.0,
                    "yref": "paper",
                    "yanchor": "top",
                    "yshift": -26,
                    "showarrow": False,
                    "font": {"size": SMALL_FONT_SIZE, "color": color},
                }
                for text, x, anchor, color in (
                    (f"◀ {away}", 0.0, "left", TOWARD_AWAY_SCALE[0][1]),
                    (f"{toward} ▶", 1.0, "right", TOWARD_AWAY_SCALE[-1][1]),
                )
            ],
        },
    )
