"""Structure of the Network page's figures: traces, axis titles, colour bars, click data, and the numbers they show."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.explain.features import LatentMap, fit_pca, weight_tiles
from nnviz.figures.diagram import (
    TRACE_COUNT,
    TRACE_EDGE_HOVER,
    TRACE_FIRST_EDGE,
    TRACE_HIDDEN,
    TRACE_IMAGE,
    TRACE_OUTPUT,
    TRACE_RINGS,
    WIDTH_BUCKETS,
    diagram_figure,
)
from nnviz.figures.diagram_layout import build_diagram
from nnviz.figures.features import latent_figure, mosaic, top_examples_figure, weight_tiles_figure
from nnviz.figures.history import epoch_probability_figure
from nnviz.figures.neuron import activation_figure, breakdown_figure
from nnviz.model.forward import forward_pass
from nnviz.model.neuron import neuron_breakdown
from nnviz.model.snapshots import EpochProbabilities
from nnviz.session.clicks import clicked_neuron


def axis_title(fig, name: str) -> str:
    return getattr(fig.layout, name).title.text or ""


def edge_count(trace) -> int:
    xs = np.asarray(trace.x, dtype=float) if trace.x is not None and len(trace.x) else np.zeros(0)
    return int(np.isfinite(xs).sum() // 2)


@pytest.fixture(scope="module")
def big_case():
    network = random_network((128, 64), "relu")
    forward = forward_pass(network, digit_like_input())
    return forward, build_diagram(network, forward, max_shown=32, edges_per_gap=50)


def test_diagram_trace_structure(big_case) -> None:
    _, layout = big_case
    fig = diagram_figure(layout)
    assert len(fig.data) == TRACE_COUNT
    assert fig.data[TRACE_IMAGE].type == "heatmap"
    np.testing.assert_allclose(np.asarray(fig.data[TRACE_IMAGE].z)[::-1], layout.image)
    assert len(fig.layout.images) == 1 and fig.layout.images[0].layer == "above"
    # The y axis is tied to x so the input image stays square.
    assert fig.layout.yaxis.scaleanchor == "x"


def test_diagram_edges_are_batched_by_sign_and_width(big_case) -> None:
    _, layout = big_case
    fig = diagram_figure(layout)
    edge_traces = fig.data[TRACE_FIRST_EDGE:TRACE_EDGE_HOVER]
    assert len(edge_traces) == 2 * WIDTH_BUCKETS
    positive, negative = edge_traces[:WIDTH_BUCKETS], edge_traces[WIDTH_BUCKETS:]
    weights = np.concatenate([e.weight for e in layout.edges])
    assert sum(edge_count(t) for t in positive) == int((weights > 0).sum())
    assert sum(edge_count(t) for t in negative) == int((weights < 0).sum())
    assert all(t.line.color == positive[0].line.color for t in positive)
    assert positive[0].line.color != negative[0].line.color
    widths = [t.line.width for t in positive]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    # Exactly one legend entry per sign.
    assert [t.name for t in edge_traces if t.showlegend] == ["positive weight", "negative weight"]
    # Every strongest edge of a gap is drawn in the thickest bucket.
    assert edge_count(positive[-1]) + edge_count(negative[-1]) >= len(layout.edges)
    assert len(fig.data[TRACE_EDGE_HOVER].hovertext) == weights.size


def test_diagram_nodes_carry_click_data_and_colour_bars(big_case) -> None:
    forward, layout = big_case
    fig = diagram_figure(layout)
    hidden, output = fig.data[TRACE_HIDDEN], fig.data[TRACE_OUTPUT]
    custom = np.asarray(hidden.customdata)
    expected = [(view.index, int(n)) for view in layout.layers[1:-1] for n in view.shown]
    assert [tuple(map(int, row[:2])) for row in custom] == expected
    assert [tuple(map(int, row[:2])) for row in np.asarray(output.customdata)] == [(3, d) for d in range(10)]
    np.testing.assert_allclose(np.asarray(hidden.marker.color), np.concatenate([v.values for v in layout.layers[1:-1]]))
    np.testing.assert_allclose(np.asarray(output.marker.color), forward.probabilities[0], rtol=1e-6)
    assert hidden.marker.showscale and hidden.marker.colorbar.title.text
    assert output.marker.colorbar.title.text == "probability"
    # A click on a node is read back as (layer, neuron).
    point = {"customdata": custom[5].tolist()}
    assert clicked_neuron({"points": [point]}) == expected[5]


def test_diagram_labels_sampling_outputs_and_the_winner(big_case) -> None:
    forward, layout = big_case
    selected = (2, int(layout.layers[2].shown[0]))
    fig = diagram_figure(layout, selected=selected)
    texts = [a.text for a in fig.layout.annotations]
    assert texts.count("showing<br>32 of 128") == 1 and texts.count("showing<br>32 of 64") == 1
    assert {"<b>Input</b>", "<b>Hidden layers</b>", "<b>1</b>", "<b>2</b>", "<b>Output</b>"} <= set(texts)
    winner = int(forward.probabilities[0].argmax())
    labels = list(fig.data[TRACE_OUTPUT].text)
    assert f"<b>{winner}" in labels[winner] and all("<b>" not in t for i, t in enumerate(labels) if i != winner)
    rings = fig.data[TRACE_RINGS]
    assert (rings.x[0], rings.y[0]) == (layout.output.x[winner], layout.output.y[winner])
    slot = layout.layers[2].position_of(selected[1])
    assert (rings.x[1], rings.y[1]) == (layout.layers[2].x[slot], layout.layers[2].y[slot])
    assert rings.hoverinfo == "skip"  # clicks fall through to the node underneath


def test_diagram_without_hidden_layers_still_draws() -> None:
    network = random_network(())
    forward = forward_pass(network, digit_like_input())
    fig = diagram_figure(build_diagram(network, forward))
    assert len(fig.data) == TRACE_COUNT
    assert len(fig.data[TRACE_HIDDEN].x) == 0 and not fig.data[TRACE_HIDDEN].marker.showscale
    assert len(fig.data[TRACE_OUTPUT].x) == 10


def test_blank_input_draws_no_input_edges() -> None:
    network = random_network((16,))
    forward = forward_pass(network, np.zeros(784, dtype=np.float32))
    layout = build_diagram(network, forward)
    assert layout.edges[0].source.size == 0  # blank pixels carry no signal
    assert len(diagram_figure(layout).data) == TRACE_COUNT


@pytest.mark.parametrize("layer_index, activation", [(1, "relu"), (2, "tanh"), (3, "sigmoid")])
def test_breakdown_figure_shows_the_sum(layer_index: int, activation: str) -> None:
    network = random_network((30, 20), activation)
    forward = forward_pass(network, digit_like_input())
    b = neuron_breakdown(network, forward, layer_index, 2, n_terms=6)
    fig = breakdown_figure(b)
    (trace,) = fig.data
    assert trace.type == "waterfall"
    assert list(trace.measure) == ["relative"] * 8 + ["total"]
    assert list(trace.y)[-3:] == [f"the other {b.n_rest} inputs", "bias", "z (total)"]
    values = np.asarray(trace.x, dtype=float)
    assert values[:-1].sum() == pytest.approx(values[-1], abs=1e-5)
    assert values[-1] == pytest.approx(float(forward.pre_activations[layer_index - 1][0, 2]), abs=1e-6)
    assert axis_title(fig, "xaxis") and axis_title(fig, "yaxis")


@pytest.mark.parametrize("layer_index", [1, 2])
def test_activation_figure_marks_the_point(layer_index: int) -> None:
    network = random_network((12,), "sigmoid")
    forward = forward_pass(network, digit_like_input())
    b = neuron_breakdown(network, forward, layer_index, 3)
    fig = activation_figure(b)
    curve, point = fig.data
    assert (point.x[0], point.y[0]) == (b.z, b.value)
    assert len(curve.x) > 50
    assert axis_title(fig, "xaxis") == "z (weighted sum)"
    assert ("probability" in axis_title(fig, "yaxis")) == (layer_index == 2)


def test_weight_tiles_figure_mosaic_and_click_targets() -> None:
    network = random_network((20,))
    tiles = weight_tiles(network)
    fig = weight_tiles_figure(tiles, columns=5)
    heatmap, labels, targets = fig.data
    grid = np.asarray(heatmap.z, dtype=float)
    expected, _, anchors = mosaic(tiles, 5)
    np.testing.assert_array_equal(np.isnan(grid), np.isnan(expected))
    top, left = int(anchors[7, 1]), int(anchors[7, 0] - 13.5)
    np.testing.assert_allclose(grid[top : top + 28, left : left + 28], tiles[7], rtol=1e-6)  # sent as float32
    assert heatmap.zmid == 0 and heatmap.zmin == -heatmap.zmax
    assert len(heatmap.colorbar.ticktext) == 3 and "up" in heatmap.colorbar.ticktext[-1]
    assert list(labels.text) == [str(i) for i in range(20)]
    assert clicked_neuron({"points": [{"customdata": list(targets.customdata[7])}]}) == (1, 7)


def test_weight_tile_labels_fit_in_their_gap_in_a_narrow_column() -> None:
    # A 1024 px projector with the sidebar open leaves the tiles about 650 px: 8 tiles across, the colour bar under
    # them (a bar beside them would take ~110 px of that width), each label in the middle of the gap above its tile.
    network = random_network((32,))
    fig = weight_tiles_figure(weight_tiles(network), columns=8)
    heatmap, labels, _ = fig.data
    assert heatmap.colorbar.orientation == "h"
    grid = np.asarray(heatmap.z, dtype=float)
    margin = fig.layout.margin
    cell = (650 - margin.l - margin.r) / grid.shape[1]  # px per cell when the width limits the square cells
    label_px = labels.textfont.size * 1.2
    for y, (x, top) in zip(labels.y, mosaic(weight_tiles(network), 8)[2]):
        gap_rows = np.flatnonzero(np.isnan(grid[: int(top), int(x)]))  # the blank cells above this tile
        first_gap = gap_rows[np.flatnonzero(np.diff(np.r_[-2, gap_rows]) > 1)[-1]]
        gap_px = (top - first_gap) * cell
        assert gap_px >= label_px + 2, f"a {label_px:.0f} px label in a {gap_px:.0f} px gap"
        assert abs(y - (first_gap - 0.5 + top - 0.5) / 2) < 1e-9, "the label sits in the middle of the gap"


def test_top_examples_figure_shows_the_chosen_images() -> None:
    rng = np.random.default_rng(0)
    images = rng.random((50, 784)).astype(np.float32)
    labels = rng.integers(0, 10, 50)
    indices = np.array([4, 9, 1, 0, 33, 2, 8, 7, 5])
    values = np.linspace(3, 1, 9)
    fig = top_examples_figure(images, indices, values, labels)
    heatmap, text = fig.data
    grid = np.asarray(heatmap.z, dtype=float)
    _, _, anchors = mosaic(images[indices].reshape(-1, 28, 28), 3)
    top, left = int(anchors[4, 1]), int(anchors[4, 0] - 13.5)
    np.testing.assert_allclose(grid[top : top + 28, left : left + 28], images[33].reshape(28, 28))
    assert text.text[0] == f"a {labels[4]} · value 3.00"


def test_latent_figure_has_a_trace_per_digit_and_the_star() -> None:
    rng = np.random.default_rng(1)
    acts = rng.normal(size=(200, 8))
    labels = rng.integers(0, 10, 200)
    pca = fit_pca(acts)
    latent = LatentMap(layer_index=1, pca=pca, points=pca.project(acts), labels=labels)
    star = pca.project(acts[0])
    fig = latent_figure(latent, star=star)
    assert [t.name for t in fig.data] == [str(d) for d in range(10)] + ["your drawing"]
    assert sum(len(t.x) for t in fig.data[:10]) == 200
    assert (fig.data[-1].x[0], fig.data[-1].y[0]) == tuple(star[0])
    assert "direction 1" in axis_title(fig, "xaxis") and "%" in axis_title(fig, "yaxis")
    assert len(fig.layout.annotations) == len(set(labels.tolist()))
    assert len(latent_figure(latent).data[-1].x) == 0  # no drawing yet: an empty star trace


def test_epoch_probability_figure() -> None:
    history = EpochProbabilities(
        epochs=np.arange(1, 5), digit=7, probabilities=np.array([0.2, 0.5, 0.8, 0.9]), guesses=np.array([1, 7, 7, 7])
    )
    fig = epoch_probability_figure(history, current_epoch=3)
    line, ring = fig.data
    np.testing.assert_allclose(np.asarray(line.y, dtype=float), history.probabilities)
    assert (ring.x[0], ring.y[0]) == (3, 0.8)
    assert axis_title(fig, "xaxis") == "epoch" and axis_title(fig, "yaxis") == "probability of 7"
    assert "its guess then: 1" in line.hovertext[0]


def test_figure_modules_import_neither_streamlit_nor_keras() -> None:
    code = (
        "import sys\n"
        "import nnviz.figures.diagram, nnviz.figures.neuron, nnviz.figures.features, nnviz.figures.history\n"
        "import nnviz.model.snapshots, nnviz.explain.features, nnviz.model.neuron, nnviz.figures.diagram_layout\n"
        "print(sorted(m for m in ('streamlit', 'keras', 'tensorflow') if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == "[]"
