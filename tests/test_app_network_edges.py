"""Under AppTest: a click on an edge of the Network page's diagram becomes the Learn page's weight.

AppTest runs no plotly JavaScript, so the click is what the browser would send: the diagram
chart's selection (a point of the "edges" trace with its customdata), as a widget state.
The real click is in tests/browser/test_network_edge_browser.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from devkit.app_kit import array, chart, mnist_image, open_learn_tab, open_page, trace
from devkit.canvas_injection import draw_image
from nnviz.explain.loss_landscape import WeightRef
from nnviz.figures.diagram import TRACE_EDGE_HOVER
from nnviz.model.default_model import load_default_network
from nnviz.model.network import Network

PAGE = "pages/screens/network.py"
DIAGRAM_KEY = "network_diagram"


@pytest.fixture
def app() -> AppTest:
    return open_page(PAGE)


def draw(at: AppTest, image28: np.ndarray) -> AppTest:
    return draw_image(at, "network", image28)


def select_points(at: AppTest, key: str, points: list[dict]) -> AppTest:
    """Rerun `at` as if the browser reported `points` selected in the plotly chart keyed `key`."""
    element = next(e for e in at.get("plotly_chart") if e.proto.id.endswith(f"-{key}"))
    selection = {
        "points": points,
        "point_indices": [p["point_index"] for p in points],
        "box": [],
        "lasso": [],
    }
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element.proto.id, string_value=json.dumps({"selection": selection})))
    return at._run(states)


def click_edge(at: AppTest, index: int, *, as_browser_sends_it: bool = True) -> WeightRef:
    """Click the `index`-th edge marker of the diagram; returns the weight it names."""
    edges = trace(chart(at, DIAGRAM_KEY), "edges")
    row_data = [int(v) for v in array(edges["customdata"])[index]]  # [layer, row, column, kind tag]
    layer, row, column = row_data[:3]
    # A browser reports numpy customdata as {"0": ..., "1": ..., ...}; AppTest accepts both shapes.
    data = {str(i): v for i, v in enumerate(row_data)} if as_browser_sends_it else row_data
    point = {"curve_number": TRACE_EDGE_HOVER, "point_index": index, "point_number": index, "customdata": data}
    select_points(at, DIAGRAM_KEY, [point])
    assert not at.exception, at.exception
    return WeightRef(layer, row, column)


@pytest.fixture(scope="module")
def default_network() -> Network:
    return load_default_network()


def the_edge_line(at: AppTest) -> str | None:
    lines = [m.value for m in at.markdown if m.value.startswith("The weight from ")]
    return lines[0] if lines else None


@pytest.mark.parametrize("gap", [0, 1])
def test_an_edge_click_picks_its_weight_for_the_learn_page(
    app: AppTest,
    mnist,
    default_network: Network,
    gap: int,
) -> None:
    draw(app, mnist_image(mnist, 7))
    assert the_edge_line(app) is None, "no edge clicked yet"
    layers = array(trace(chart(app, DIAGRAM_KEY), "edges")["customdata"])[:, 0]
    index = int(np.flatnonzero(layers == gap)[3])
    ref = click_edge(app, index, as_browser_sends_it=gap == 0)

    config = default_network.config
    value = float(default_network.layers[ref.layer].weights[ref.row, ref.column])
    line = the_edge_line(app)
    assert line is not None and line == f"T{ref.describe(config)[1:]}: **w = {value:+.3f}**"
    assert [link.proto.label for link in app.get("page_link")] == ["See it on the Learn page"]
    figure = chart(app, DIAGRAM_KEY)
    rings, edges = trace(figure, "highlights"), trace(figure, "edges")
    assert rings["marker"]["symbol"][-1] == "diamond-open", "the picked edge is marked"
    assert (rings["x"][-1], rings["y"][-1]) == pytest.approx((array(edges["x"])[index], array(edges["y"])[index]))

    app.switch_page("pages/screens/learn.py").run()
    open_learn_tab(app, "2 · Gradient descent")
    assert any(m.value == f"**The weight on show:** {ref.describe(config)}." for m in app.markdown)
    now = next(t for t in chart(app, "learn_weight_curve")["data"] if t["name"].startswith("now:"))
    assert array(now["x"])[0] == pytest.approx(value)
    assert not any("Picked for you" in c.value for c in app.caption)

    # Back on the Network page the line still names it; picking another weight on Learn retires it.
    app.switch_page(PAGE).run()
    assert the_edge_line(app) is not None
    app.switch_page("pages/screens/learn.py").run()
    open_learn_tab(app, "2 · Gradient descent")
    next(n for n in app.number_input if n.label == "To neuron").set_value((ref.column + 1) % 10).run()
    app.switch_page(PAGE).run()
    assert not app.exception
    assert the_edge_line(app) is None


def test_a_node_click_still_follows_the_neuron(app: AppTest, mnist) -> None:
    draw(app, mnist_image(mnist, 2))
    hidden = trace(chart(app, DIAGRAM_KEY), "hidden neurons")
    clicked = [int(v) for v in array(hidden["customdata"])[5]]  # [layer, neuron, kind tag]
    layer, neuron = clicked[:2]
    select_points(app, DIAGRAM_KEY, [{"curve_number": 10, "point_index": 5, "customdata": clicked}])
    assert not app.exception
    assert any(s.value == f"Inside hidden layer {layer}, neuron {neuron}" for s in app.subheader)
    assert app.number_input(key="network_pick_neuron").value == neuron
    assert app.button(key="network_most_active") is not None, "a clicked neuron, not the automatic pick"
    assert the_edge_line(app) is None
    app.switch_page("pages/screens/learn.py").run()
    open_learn_tab(app, "2 · Gradient descent")
    assert any("Picked for you" in c.value for c in app.caption), "a neuron click picks no weight for Learn"
