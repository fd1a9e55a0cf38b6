"""The figures rebuilt on every stroke skip plotly's validation (for speed); here they pass it.

`nnviz.figures.style.unvalidated_figure` builds a figure from plain dicts without checking them.
Each such builder's output is run through plotly's validating constructor, so a misspelt or
out-of-range property fails here instead of silently in the browser.
"""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.explain.features import weight_tiles
from nnviz.figures.diagram import diagram_figure
from nnviz.figures.diagram_layout import build_diagram
from nnviz.figures.draw import input_figure, layer_figure, output_figure
from nnviz.figures.features import weight_tiles_figure
from nnviz.figures.neuron import activation_figure, breakdown_figure
from nnviz.figures.style import trace, unvalidated_figure
from nnviz.model.forward import forward_pass
from nnviz.model.neuron import neuron_breakdown


def validated(fig: go.Figure) -> go.Figure:
    """The same figure rebuilt by plotly's validating constructor (raises ValueError on a bad property)."""
    return go.Figure(fig.to_dict())


@pytest.fixture(scope="module")
def case():
    network = random_network((12, 6), "relu")
    forward = forward_pass(network, digit_like_input())
    return network, forward


def test_draw_page_figures_pass_validation(case) -> None:
    network, forward = case
    pixels = digit_like_input().ravel()
    for fig in (
        input_figure(pixels),
        layer_figure(forward.activations[1][0], "relu"),
        layer_figure(forward.activations[2][0], "sigmoid"),
        output_figure(forward.probabilities[0], network.digits),
    ):
        assert [t.type for t in validated(fig).data] == [t.type for t in fig.data]


def test_network_page_figures_pass_validation(case) -> None:
    network, forward = case
    layout = build_diagram(network, forward, max_shown=8, edges_per_gap=20)
    breakdown = neuron_breakdown(network, forward, 1, 2, n_terms=4)
    tiles = weight_tiles_figure(weight_tiles(network), columns=4)
    for fig in (
        diagram_figure(layout, selected=(1, 2)),
        breakdown_figure(breakdown),
        activation_figure(breakdown),
        tiles,
    ):
        assert [t.type for t in validated(fig).data] == [t.type for t in fig.data]


def test_the_check_catches_a_misspelt_property() -> None:
    with pytest.raises(ValueError, match="colour"):
        validated(unvalidated_figure(trace("scatter", x=[1], colour="red"), {}))
