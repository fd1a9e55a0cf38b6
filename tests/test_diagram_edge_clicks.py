"""Clicking an edge of the Network page's diagram: every edge marker names the weight it is drawn for.

Brute force over every drawn edge: the marker's customdata [weight layer, from, to] points at
`network.layers[layer].weights[from, to]`, the very weight whose value the edge's hover shows, and
the marker sits in the middle of the line between the two neurons it joins.
"""

from __future__ import annotations

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.explain.loss_landscape import WeightRef
from nnviz.figures.diagram import TRACE_EDGE_HOVER, TRACE_HIDDEN, TRACE_OUTPUT, TRACE_RINGS, diagram_figure
from nnviz.figures.diagram_layout import build_diagram
from nnviz.model.forward import forward_pass
from nnviz.model.network import IMAGE_SIDE
from nnviz.session.clicks import clicked_edge


@pytest.mark.parametrize(("hidden", "activation"), [((12, 6), "relu"), ((40,), "tanh"), ((), "sigmoid")])
def test_every_edge_marker_names_the_weight_it_shows(hidden: tuple, activation: str) -> None:
    network = random_network(hidden, activation, seed=3)
    layout = build_diagram(network, forward_pass(network, digit_like_input()), max_shown=8, edges_per_gap=25)
    edges = diagram_figure(layout).data[TRACE_EDGE_HOVER]
    custom = np.asarray(edges.customdata)
    assert edges.name == "edges"
    assert custom.shape == (sum(e.source.size for e in layout.edges), 4) and custom.shape[0] > 0
    positions = {  # (layer index, neuron) -> where its node (or pixel) is drawn
        (view.index, int(n)): (x, y) for view in layout.layers for n, x, y in zip(view.shown, view.x, view.y)
    }
    for row, text, x, y in zip(custom.tolist(), edges.hovertext, edges.x, edges.y):
        layer, source, target = clicked_edge([{"customdata": row}])  # what a click on it reports
        weight = float(network.layers[layer].weights[source, target])
        assert f"weight {weight:+.3f} ×" in text
        (x0, y0), (x1, y1) = positions[(layer, source)], positions[(layer + 1, target)]
        assert (x, y) == pytest.approx(((x0 + x1) / 2, (y0 + y1) / 2))
        assert WeightRef(layer, source, target).fits(network.config)
        if layer == 0:
            assert text.startswith("pixel (row {}, col {})".format(*divmod(source, IMAGE_SIDE)))
    assert sorted(set(custom[:, 0].tolist())) == list(range(len(network.layers))), "every gap has clickable edges"


def test_nodes_keep_their_look_while_an_edge_is_the_selection() -> None:
    network = random_network((12,), "relu")
    figure = diagram_figure(build_diagram(network, forward_pass(network, digit_like_input()), max_shown=8))
    for index in (TRACE_HIDDEN, TRACE_OUTPUT):
        assert figure.data[index].unselected.marker.opacity == 1.0


def test_the_picked_edge_is_marked_at_its_middle_while_it_is_drawn() -> None:
    network = random_network((12, 6), "relu")
    layout = build_diagram(network, forward_pass(network, digit_like_input()), max_shown=8, edges_per_gap=10)
    edges = diagram_figure(layout).data[TRACE_EDGE_HOVER]
    for index in (0, len(edges.x) - 1):
        picked = clicked_edge([{"customdata": np.asarray(edges.customdata)[index].tolist()}])
        rings = diagram_figure(layout, selected=(1, int(layout.layers[1].shown[0])), selected_edge=picked).data[
            TRACE_RINGS
        ]
        assert list(rings.marker.symbol) == ["circle-open", "circle-open", "diamond-open"]
        assert (rings.x[-1], rings.y[-1]) == (edges.x[index], edges.y[index])
    assert digit_like_input()[0] == 0, "pixel 0 is blank, so its edges carry nothing and are never drawn"
    not_drawn = diagram_figure(layout, selected_edge=(0, 0, 0)).data[TRACE_RINGS]
    assert list(not_drawn.marker.symbol) == ["circle-open"]
