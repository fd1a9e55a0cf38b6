"""What neurons look for: weight tiles, the test digits a neuron likes most, and the PCA map of a layer.

Image grids are drawn as one mosaic heatmap (tiles separated by blank gaps), not one
subplot per tile: 128 subplots take seconds to build, one heatmap a few milliseconds.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from nnviz.explain.features import LatentMap, weight_tiles
from nnviz.figures.clickable import Click, tagged
from nnviz.figures.style import (
    ACTIVATION_SCALE,
    DIGIT_COLORS,
    DIVERGING_SCALE,
    MUTED_COLOR,
    SMALL_FONT_SIZE,
    TEXT_COLOR,
    axis,
    base_layout,
    image_axes,
    trace,
    unvalidated_figure,
)
from nnviz.model.network import IMAGE_SIDE, Network

# Blank cells between tiles; the label of each tile sits in the gap above it. In a narrow column (a 1024 px projector
# with the sidebar open: 8 tiles across ~550 px, under 2 px per cell) 10 cells still hold a 14 px label.
TILE_GAP = 10
COLOUR_BAR_ROOM = 70  # px under the tiles: the colour bar and its two-line labels
TILE_PERCENTILE = 99.0  # colour range: ±99th percentile of |w|, so a few extreme weights don't wash out the rest


def mosaic(tiles: np.ndarray, columns: int, gap: int = TILE_GAP) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lay (n, h, w) tiles in a grid with NaN gaps.

    Returns (grid, tile index per cell with -1 in gaps, (n, 2) centre x, top y of each tile)
    in heatmap coordinates (row 0 at the top, because the figures reverse the y axis).
    A gap row is also left above the first row of tiles for its labels.
    """
    n, h, w = tiles.shape
    rows = max(1, math.ceil(n / columns))
    grid = np.full((gap + rows * (h + gap), columns * (w + gap) - gap), np.nan, dtype=np.float32)
    owner = np.full(grid.shape, -1, dtype=np.int64)
    anchors = np.zeros((n, 2))
    for k in range(n):
        r, c = divmod(k, columns)
        top, left = gap + r * (h + gap), c * (w + gap)
        grid[top : top + h, left : left + w] = tiles[k]
        owner[top : top + h, left : left + w] = k
        anchors[k] = (left + (w - 1) / 2, top)
    return grid, owner, anchors


def _grid_height(rows: int, columns: int, width_px: int = 760) -> int:
    """Figure height that keeps the tiles square for a container about `width_px` wide."""
    cell = width_px / (columns * (IMAGE_SIDE + TILE_GAP))
    return int(min(1400, max(260, rows * (IMAGE_SIDE + TILE_GAP) * cell + TILE_GAP * cell + COLOUR_BAR_ROOM + 20)))


def tile_columns(count: int) -> int:
    """Columns of a mosaic of `count` tiles that stay readable across the page: 8, 12, then 16."""
    return 8 if count <= 32 else 12 if count <= 144 else 16


def neuron_tiles_figure(network: Network, neurons: np.ndarray) -> go.Figure:
    """The weight tiles of first-layer `neurons` (indices), in `tile_columns(len(neurons))` columns."""
    return weight_tiles_figure(weight_tiles(network, neurons), neurons, columns=tile_columns(len(neurons)))


def weight_tiles_figure(
    tiles: np.ndarray, neurons: np.ndarray | None = None, columns: int | None = None, height: int | None = None
) -> go.Figure:
    """First-layer weights as 28×28 tiles: blue where ink pushes the neuron up, orange where it pushes it down.

    The figure's size grows with n (128 tiles ≈ 1 MB of JSON, 512 ≈ 4.5 MB): build it once
    per model/epoch, not per stroke, and consider showing a subset for very wide layers.

    tiles: (n, 28, 28) from `nnviz.explain.features.weight_tiles`. neurons: (n,) the neuron number
    of each tile (default 0..n-1). Traces: the mosaic heatmap (with a labelled colour bar),
    the tile labels, and one invisible click target per tile with customdata [1, neuron, Click.NEURON]
    (layer 1, so `nnviz.session.clicks.clicked_neuron` reads a click on a tile as that neuron).
    """
    tiles = np.asarray(tiles, dtype=np.float32)
    n = tiles.shape[0]
    neurons = np.arange(n) if neurons is None else np.asarray(neurons, dtype=np.int64)
    columns = columns or min(n, max(4, math.ceil(math.sqrt(n * 2))))
    grid, _, anchors = mosaic(tiles, columns)
    limit = float(np.percentile(np.abs(tiles), TILE_PERCENTILE)) if tiles.size else 1.0
    limit = limit if limit > 0 else 1.0
    rows = math.ceil(n / columns)
    fig = unvalidated_figure(
        [
            trace(
                "heatmap",
                # float32: plotly sends arrays as base64 binary, so this halves the bytes sent on every stroke.
                z=grid.astype(np.float32),
                zmin=-limit,
                zmax=limit,
                zmid=0.0,
                colorscale=DIVERGING_SCALE,
                # No per-cell neuron numbers: they would double the JSON (512 tiles: ~9 MB -> ~4.5 MB);
                # the labels above the tiles and the click targets say which neuron a tile is.
                hovertemplate="weight %{z:+.3f}<extra></extra>",
                # Under the tiles, not beside them: in a narrow column every pixel of width goes to the tiles.
                colorbar={
                    "tickvals": [-limit, 0, limit],
                    "ticktext": ["− ink here<br>pushes down", "0 no effect", "+ ink here<br>pushes up"],
                    "tickfont": {"size": SMALL_FONT_SIZE},
                    "thickness": 14,
                    "orientation": "h",
                    "len": 0.6,
                    "x": 0.5,
                    "xanchor": "center",
                    "y": 0.0,
                    "yanchor": "top",
                    "ypad": 6,
                },
                hoverongaps=False,
                name="weights",
            ),
            trace(
                "scatter",
                x=anchors[:, 0],
                y=anchors[:, 1] - 0.5 - TILE_GAP / 2,  # the middle of the gap above the tile
                mode="text",
                text=[str(k) for k in neurons.tolist()],
                textposition="middle center",
                textfont={"size": SMALL_FONT_SIZE - 2 if n > 32 else SMALL_FONT_SIZE, "color": MUTED_COLOR},
                hoverinfo="skip",
                name="labels",
            ),
            trace(
                "scatter",
                x=anchors[:, 0],
                y=anchors[:, 1] + IMAGE_SIDE / 2,
                mode="markers",
                marker={"size": 22, "opacity": 0},
                customdata=tagged(Click.NEURON, np.ones(n), neurons),
                hovertemplate="neuron %{customdata[1]}: click to see what excites it<extra></extra>",
                name="tiles",
            ),
        ],
        layout={
            **base_layout(height or _grid_height(rows, columns), show_legend=False),
            "margin": {"l": 10, "r": 10, "t": 10, "b": COLOUR_BAR_ROOM},
            **image_axes(),
        },
    )
    return fig


def top_examples_figure(
    images: np.ndarray,
    indices: np.ndarray,
    values: np.ndarray,
    labels: np.ndarray | None = None,
    height: int = 420,
) -> go.Figure:
    """The test images that excite a neuron most, in a 3-wide grid, each labelled with its value.

    images: (N, 784) or (N, 28, 28) all test images (0..1); indices: (k,) which ones, highest
    first (from `top_activating`); values: (k,) the neuron's value for each; labels: (N,)
    true digits, printed as "a 7 · 3.21" when given. Traces: the mosaic, the labels.
    """
    indices = np.asarray(indices, dtype=np.int64)
    chosen = np.asarray(images, dtype=np.float32)[indices].reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    columns = min(3, max(1, len(indices)))
    grid, owner, anchors = mosaic(chosen, columns)
    texts = [
        (f"a {int(labels[i])} · " if labels is not None else "") + f"value {v:.2f}"
        for i, v in zip(indices.tolist(), np.asarray(values, dtype=np.float64).tolist())
    ]
    return unvalidated_figure(
        [
            trace(
                "heatmap",
                z=grid,
                zmin=0.0,
                zmax=1.0,
                colorscale=ACTIVATION_SCALE,
                showscale=False,
                customdata=np.where(owner >= 0, indices[np.maximum(owner, 0)], -1),
                hovertemplate="test image %{customdata}<extra></extra>",
                hoverongaps=False,
                name="images",
            ),
            trace(
                "scatter",
                x=anchors[:, 0],
                y=anchors[:, 1] - 0.8,
                mode="text",
                text=texts,
                textposition="top center",
                textfont={"size": SMALL_FONT_SIZE, "color": TEXT_COLOR},
                hoverinfo="skip",
                name="labels",
            ),
        ],
        layout={
            **base_layout(height, show_legend=False),
            "margin": {"l": 10, "r": 10, "t": 10, "b": COLOUR_BAR_ROOM},
            **image_axes(),
        },
    )


def latent_figure(
    latent: LatentMap,
    star: np.ndarray | None = None,
    star_label: str = "your drawing",
    digits: tuple[int, ...] = tuple(range(10)),
    height: int = 520,
) -> go.Figure:
    """The PCA map of a hidden layer: one dot per test digit coloured by its true digit, the drawing as a star.

    latent: from `nnviz.explain.features.latent_map`. star: (2,) or (1, 2) the drawing's map
    position (`latent.pca.project(...)`), or None. Traces: one per digit in `digits`
    (legend entries), then the star; each cluster's digit is an annotation at its centre.
    """
    points, labels = latent.points, np.asarray(latent.labels)
    traces: list[dict] = []
    centres: list[dict] = []
    for digit in digits:
        mask = labels == digit
        traces.append(
            trace(
                "scatter",
                x=points[mask, 0],
                y=points[mask, 1],
                mode="markers",
                marker={"size": 6, "color": DIGIT_COLORS[digit], "opacity": 0.6},
                name=str(digit),
                hovertemplate=f"a test {digit}<extra></extra>",
            )
        )
        if mask.any():
            x_mid, y_mid = np.median(points[mask], axis=0)
            # The digit itself at the cluster's centre, so colour is never the only cue.
            centres.append(
                {
                    "x": float(x_mid),
                    "y": float(y_mid),
                    "text": f"<b>{digit}</b>",
                    "showarrow": False,
                    "font": {"size": 20, "color": TEXT_COLOR},
                    "bgcolor": "rgba(255,255,255,0.8)",
                    "bordercolor": DIGIT_COLORS[digit],
                    "borderwidth": 2,
                    "borderpad": 2,
                }
            )
    star_xy = np.asarray(star, dtype=np.float64).reshape(-1, 2)[:1] if star is not None else np.zeros((0, 2))
    traces.append(
        trace(
            "scatter",
            x=star_xy[:, 0],
            y=star_xy[:, 1],
            mode="markers",
            # Black with a white rim: unlike any digit's colour, visible on every cluster.
            marker={"symbol": "star", "size": 30, "color": TEXT_COLOR, "line": {"color": "white", "width": 2}},
            name=star_label,
            hovertemplate=f"{star_label}<extra></extra>",
        )
    )
    share = latent.pca.explained
    return unvalidated_figure(
        traces,
        layout={
            **base_layout(height, show_legend=True),
            "xaxis": axis(f"direction 1 ({share[0]:.0%} of the spread)", zeroline=False),
            "yaxis": axis(f"direction 2 ({share[1]:.0%} of the spread)", zeroline=False),
            "annotations": centres,
            "legend": {"title": {"text": "digit"}, "font": {"size": SMALL_FONT_SIZE}, "itemsizing": "constant"},
        },
    )
