"""Choosing the Learn page's weight by clicking, in real Chromium.

- On the Learn page: click a pixel of the first-layer weight tile; the weight on show becomes
  "the weight from pixel (row r, column c) to neuron k of hidden layer 1".
- On the Network page: click the middle of an edge of the diagram; the page names the weight with
  its value and links to the Learn page, which then opens with that weight on show.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from devkit.browser import IDLE_SELECTOR, canvas_surface, draw_digit, open_app_page, wait_for_metric, wait_idle
from nnviz.explain.loss_landscape import WeightRef
from nnviz.model.default_model import load_default_network

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("needs_mnist")]  # the Learn page's 1,000 test digits

NAV_LINK = '[data-testid="stSidebarNav"] a'
PIXELS = ".st-key-learn_pixels_chart .js-plotly-plot"
DIAGRAM = ".st-key-network_diagram .js-plotly-plot"
DESCENT_TAB = "2 · Gradient descent"
ON_SHOW = "The weight on show:"

# JS: the page position and customdata of every point of the trace named `name` in a plotly chart.
# plotly decodes the figure's arrays into typed arrays, hence Array.from and Number.
_POINTS_JS = """
([selector, name]) => {
  const gd = document.querySelector(selector);
  const trace = gd._fullData.find(t => t.name === name);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  const row = c => (typeof c === 'object' ? Array.from(c, Number) : [Number(c)]);  // [layer, from, to, tag] or [pixel]
  return Array.from(trace.x).map((x, i) => ({
    data: row(trace.customdata[i]),
    x: box.x + xa._offset + xa.l2p(x),
    y: box.y + ya._offset + ya.l2p(trace.y[i]),
  }));
}
"""


def weight_on_show(page: Any) -> str | None:
    """The Learn page's "The weight on show: …" sentence (not a stale one), or None."""
    return page.evaluate(
        """(label) => {
             const p = [...document.querySelectorAll('[data-testid="stMarkdown"]')]
               .find(m => m.innerText.startsWith(label) && !m.closest('[data-stale="true"]'));
             return p ? p.innerText.trim() : null;
           }""",
        ON_SHOW,
    )


def wait_for_weight_on_show(page: Any, expected: str) -> None:
    page.wait_for_function(
        """([label, expected, idle]) => [...document.querySelectorAll('[data-testid="stMarkdown"]')]
             .some(m => m.innerText.trim() === `${label} ${expected}.` && !m.closest('[data-stale="true"]'))
             && document.querySelector(idle) !== null""",
        arg=[ON_SHOW, expected, IDLE_SELECTOR],
        timeout=60_000,
    )


def open_descent_tab(page: Any) -> None:
    page.get_by_role("tab", name=DESCENT_TAB).click()
    page.locator(PIXELS).wait_for(state="visible", timeout=60_000)
    wait_idle(page)


def test_click_a_pixel_of_the_weight_tile_to_pick_its_weight(page: Any, app_url: str) -> None:
    open_app_page(page, app_url)
    page.locator(NAV_LINK, has_text="Learn").first.click()
    page.wait_for_url(re.compile(r"/learn$"), timeout=30_000)
    open_descent_tab(page)
    before = weight_on_show(page)
    assert before is not None
    caption = page.locator('[data-testid="stCaptionContainer"]', has_text="the 784 weights into neuron").first
    neuron = int(re.search(r"weights into neuron (\d+) of hidden layer 1", caption.inner_text()).group(1))

    tile = page.locator(PIXELS)
    tile.scroll_into_view_if_needed()
    pixels = page.evaluate(_POINTS_JS, [PIXELS, "pixels"])
    assert [p["data"][0] for p in pixels] == list(range(784))
    row, column = 14, 11
    target = pixels[row * 28 + column]
    page.mouse.click(target["x"], target["y"])

    expected = f"the weight from pixel (row {row}, column {column}) to neuron {neuron} of hidden layer 1"
    assert expected not in before
    wait_for_weight_on_show(page, expected)
    assert page.locator('[data-testid="stException"]').count() == 0


def clear_edge(edges: list[dict], others: list[dict], min_gap: float = 14.0) -> dict:
    """An edge marker with no other clickable point within `min_gap` px, so the click cannot hit another."""
    points = edges + others
    for edge in edges:
        gaps = [abs(edge["x"] - p["x"]) + abs(edge["y"] - p["y"]) for p in points if p is not edge]
        if min(gaps) >= min_gap:
            return edge
    raise AssertionError("every edge marker is crowded by another point")


def test_click_an_edge_of_the_diagram_to_see_its_weight_on_the_learn_page(page: Any, app_url: str) -> None:
    open_app_page(page, app_url)
    page.locator(NAV_LINK, has_text="Network").first.click()
    page.wait_for_url(re.compile(r"/network$"), timeout=30_000)
    surface = canvas_surface(page, "network_canvas")
    surface.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    draw_digit(page, surface, "7")
    assert wait_for_metric(page, "Prediction") == "7"
    diagram = page.locator(DIAGRAM)
    diagram.wait_for(state="visible", timeout=30_000)
    diagram.scroll_into_view_if_needed()

    edges = page.evaluate(_POINTS_JS, [DIAGRAM, "edges"])
    nodes = page.evaluate(_POINTS_JS, [DIAGRAM, "hidden neurons"]) + page.evaluate(
        _POINTS_JS, [DIAGRAM, "output neurons"]
    )
    target = clear_edge(edges, nodes)
    ref = WeightRef(*(int(v) for v in target["data"][:3]))  # [layer, from, to, kind tag]
    network = load_default_network()  # the model the server shows before anyone trains
    value = float(network.layers[ref.layer].weights[ref.row, ref.column])
    page.mouse.click(target["x"], target["y"])

    words = ref.describe(network.config)
    line = f"{words[0].upper()}{words[1:]}: w = {value:+.3f}"
    page.wait_for_function(
        """([line, idle]) => [...document.querySelectorAll('[data-testid="stMarkdown"]')]
             .some(m => m.innerText.trim() === line && !m.closest('[data-stale="true"]'))
             && document.querySelector(idle) !== null""",
        arg=[line, IDLE_SELECTOR],
        timeout=30_000,
    )
    assert page.locator('[data-testid="stException"]').count() == 0

    page.get_by_role("link", name="See it on the Learn page").click()
    page.wait_for_url(re.compile(r"/learn\?tab=descent$"), timeout=30_000)  # on the tab that shows the weight
    page.get_by_role("tab", name=DESCENT_TAB, selected=True).wait_for(timeout=30_000)
    wait_for_weight_on_show(page, words)
    assert page.locator('[data-testid="stException"]').count() == 0
