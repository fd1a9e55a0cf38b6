"""The one click decoder against the real figures: every click target reads back as what it was drawn for.

Oracle: the figure builders' own inputs (the layout's shown neurons, the matrix's cells, the
gallery's keys, the picker's pixels), clicked one by one in both shapes a click arrives in
(a list from AppTest, an {"0": ..., "1": ...} object from a browser); and no kind is ever read
as another.
"""

from __future__ import annotations

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.explain.features import weight_tiles
from nnviz.figures.clickable import Click
from nnviz.figures.diagram import TRACE_EDGE_HOVER, TRACE_HIDDEN, TRACE_OUTPUT, diagram_figure
from nnviz.figures.diagram_layout import build_diagram
from nnviz.figures.features import weight_tiles_figure
from nnviz.figures.learn import pixel_picker_figure
from nnviz.figures.test import GALLERY_TARGETS, MATRIX_TARGETS, confusion_figure, gallery_figure
from nnviz.model.forward import forward_pass
from nnviz.session.clicks import clicked_cell, clicked_edge, clicked_image, clicked_neuron, clicked_pixel

DECODERS = (clicked_neuron, clicked_edge, clicked_cell, clicked_image)


def trace_named(figure, name: str):
    return next(t for t in figure.data if t.name == name)


def as_browser(row) -> dict:
    """How a browser reports a typed-array customdata row: an object keyed by position."""
    return {str(i): int(v) for i, v in enumerate(row)}


def clicks(rows) -> list[dict]:
    """Every row as the selection Streamlit reports, alternately in the AppTest and the browser shape."""
    return [
        {"selection": {"points": [{"customdata": as_browser(row) if i % 2 else [int(v) for v in row]}]}}
        for i, row in enumerate(np.asarray(rows).tolist())
    ]


def only(decoder, selections: list[dict]) -> list:
    """What `decoder` reads from each selection, after checking no other decoder reads anything from it."""
    for selection in selections:
        assert [d.__name__ for d in DECODERS if d is not decoder and d(selection) is not None] == []
    return [decoder(selection) for selection in selections]


@pytest.fixture(scope="module")
def diagram():
    network = random_network((12, 6), "relu", seed=5)
    layout = build_diagram(network, forward_pass(network, digit_like_input()), max_shown=8, edges_per_gap=20)
    return network, layout, diagram_figure(layout)


def test_every_diagram_node_reads_back_as_its_layer_and_neuron(diagram) -> None:
    _, layout, figure = diagram
    rows = np.concatenate([figure.data[TRACE_HIDDEN].customdata, figure.data[TRACE_OUTPUT].customdata])
    expected = [(view.index, int(n)) for view in layout.layers[1:] for n in view.shown]
    assert only(clicked_neuron, clicks(rows)) == expected


def test_every_diagram_edge_reads_back_as_the_weight_it_draws(diagram) -> None:
    network, layout, figure = diagram
    expected = [
        (edges.target_layer - 1, int(s), int(t)) for edges in layout.edges for s, t in zip(edges.source, edges.target)
    ]
    picked = only(clicked_edge, clicks(figure.data[TRACE_EDGE_HOVER].customdata))
    assert picked == expected
    assert all(0 <= row < network.layers[layer].weights.shape[0] for layer, row, _ in picked)


def test_every_weight_tile_reads_back_as_a_first_layer_neuron() -> None:
    network = random_network((40,), seed=2)
    neurons = np.array([3, 17, 39, 0])
    figure = weight_tiles_figure(weight_tiles(network, neurons), neurons)
    assert only(clicked_neuron, clicks(trace_named(figure, "tiles").customdata)) == [(1, n) for n in neurons]


@pytest.mark.parametrize("digits", [tuple(range(10)), (7, 8, 9)])
def test_every_matrix_cell_reads_back_as_true_and_said_digit(digits: tuple[int, ...]) -> None:
    k = len(digits)
    figure = confusion_figure(np.arange(k * k).reshape(k, k), digits)
    cells = only(clicked_cell, clicks(trace_named(figure, MATRIX_TARGETS).customdata))
    assert sorted(cells) == sorted((t, s) for t in digits for s in digits)
    counts = [int(c) for c in trace_named(figure, MATRIX_TARGETS).text]
    assert all(counts[i] == digits.index(t) * k + digits.index(s) for i, (t, s) in enumerate(cells))


def test_every_gallery_image_reads_back_as_its_key() -> None:
    keys = np.array([9_999, 0, 42, 7])
    figure = gallery_figure(np.zeros((4, 784)), ["a"] * 4, keys)
    assert only(clicked_image, clicks(trace_named(figure, GALLERY_TARGETS).customdata)) == keys.tolist()


def test_every_pixel_of_the_picker_reads_back_as_its_index() -> None:
    figure = pixel_picker_figure(np.zeros((28, 28)), chosen_pixel=None)
    targets = trace_named(figure, "pixels")
    picked = [clicked_pixel({"points": [{"customdata": int(v), "x": x, "y": y}]}) for v, x, y in
              zip(targets.customdata, targets.x, targets.y)]  # fmt: skip
    assert picked == [int(y) * 28 + int(x) for x, y in zip(targets.x, targets.y)] == list(range(784))
    # A pixel index is never another click, and another click is never a pixel.
    assert [d({"points": [{"customdata": 5}]}) for d in DECODERS] == [None] * 4
    assert clicked_pixel({"points": [{"customdata": [1, 5, int(Click.NEURON)]}]}) is None


def test_the_first_click_of_the_asked_kind_wins_and_junk_is_ignored() -> None:
    neuron, edge = [2, 17, int(Click.NEURON)], [0, 300, 7, int(Click.EDGE)]
    points = [{"curve_number": 9}, {"customdata": edge}, {"customdata": neuron}]
    assert clicked_neuron({"points": points}) == (2, 17)
    assert clicked_edge(points) == (0, 300, 7)
    assert clicked_neuron([{"customdata": [2, 17]}]) is None, "an untagged row is no click target"
    assert clicked_neuron([{"customdata": [2, 17, int(Click.CELL)]}]) is None
    assert clicked_cell([{"customdata": {"0": 4, "1": 9, "2": int(Click.CELL)}}]) == (4, 9)
    for junk in (None, {}, [], "points", {"points": []}, {"selection": None}, [{"customdata": ["a", 1, 9001]}],
                 [{"customdata": {"0": 1, "2": 9001}}], [{"customdata": [1.5, 2, 9001]}], [7]):  # fmt: skip
        assert [d(junk) for d in (*DECODERS, clicked_pixel)] == [None] * 5, junk
    assert [clicked_pixel([{"customdata": v}]) for v in (-1, 784, 3.5, True, "5")] == [None] * 5
