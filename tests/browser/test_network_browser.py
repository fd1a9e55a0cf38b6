"""The Network page in real Chromium: draw on the Draw page, open Network, click a hidden neuron, look inside it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from devkit.browser import (
    IDLE_SELECTOR,
    canvas_surface,
    draw_digit,
    open_app_page,
    read_metric,
    reset_canvas,
    wait_for_metric,
    wait_idle,
)

pytestmark = pytest.mark.browser

NAV_LINK = '[data-testid="stSidebarNav"] a'
DIAGRAM = ".st-key-network_diagram .js-plotly-plot"
TILES = ".st-key-network_tiles .js-plotly-plot"
PANEL_TITLE = re.compile(r"^Inside (hidden layer \d+, neuron \d+|output neuron \d+ \(digit \d\))$")

# JS: the page position of every point of the trace named `name` in a plotly chart, with its
# [layer, neuron] customdata. plotly decodes the figure's arrays into typed arrays, hence Array.from and Number.
_CLICK_TARGETS_JS = """
([selector, name]) => {
  const gd = document.querySelector(selector);
  const nodes = gd._fullData.find(t => t.name === name);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  return Array.from(nodes.x).map((x, i) => ({
    layer: Number(nodes.customdata[i][0]),
    neuron: Number(nodes.customdata[i][1]),
    x: box.x + xa._offset + xa.l2p(x),
    y: box.y + ya._offset + ya.l2p(nodes.y[i]),
  }));
}
"""


def panel_title(page: Any) -> str | None:
    """The "Inside …" subheader of the neuron panel, or None while there is none."""
    titles = page.locator('[data-testid="stHeadingWithActionElements"] h3').all_inner_texts()
    return next((t.strip() for t in titles if PANEL_TITLE.match(t.strip())), None)


def wait_for_panel(page: Any, title: str, timeout_ms: float = 30_000) -> None:
    page.wait_for_function(
        """([title, idle]) => [...document.querySelectorAll('h3')].some(h => h.innerText.trim() === title
                                  && !h.closest('[data-stale="true"]'))
                             && document.querySelector(idle) !== null""",
        arg=[title, IDLE_SELECTOR],
        timeout=timeout_ms,
    )


def open_network_page(page: Any) -> None:
    page.locator(NAV_LINK, has_text="Network").first.click()
    page.wait_for_url(re.compile(r"/network$"), timeout=30_000)
    canvas_surface(page, "network_canvas").wait_for(state="visible", timeout=30_000)
    wait_idle(page)


def test_click_a_hidden_neuron_to_see_its_weighted_sum(page: Any, app_url: str) -> None:
    open_app_page(page, app_url)
    surface = canvas_surface(page)
    surface.wait_for(state="visible", timeout=30_000)
    draw_digit(page, surface, "7")
    assert wait_for_metric(page, "Prediction") == "7"

    open_network_page(page)
    assert wait_for_metric(page, "Prediction") == "7", "the drawing should come along to the Network page"
    diagram = page.locator(DIAGRAM)
    diagram.wait_for(state="visible", timeout=30_000)
    diagram.scroll_into_view_if_needed()
    before = panel_title(page)
    assert before is not None and before.startswith("Inside hidden layer 1, neuron ")

    nodes = [n for n in page.evaluate(_CLICK_TARGETS_JS, [DIAGRAM, "hidden neurons"]) if n["layer"] == 1]
    assert len(nodes) == 32, "hidden layer 1 shows 32 of its 128 neurons"
    target = next(n for n in nodes[5:] if f"neuron {n['neuron']}" not in before)
    page.mouse.click(target["x"], target["y"])

    expected = f"Inside hidden layer 1, neuron {target['neuron']}"
    wait_for_panel(page, expected)
    words = page.locator('[data-testid="stMarkdown"]', has_text="the weighted sum z")
    assert words.count() == 1 and "784 inputs" in words.first.inner_text()
    breakdown = page.locator(".st-key-network_breakdown .js-plotly-plot")
    assert "z = Σ w·x + bias =" in breakdown.inner_text()
    assert page.locator(".st-key-network_activation .js-plotly-plot").is_visible()
    picker = page.locator('[class*="st-key-network_pick_neuron"] input')
    expect(picker).to_have_value(str(target["neuron"]), timeout=30_000)  # the input may take its value a frame late
    assert page.locator('[data-testid="stException"]').count() == 0


def test_drawing_on_the_network_page_updates_it_and_clearing_prompts(page: Any, app_url: str) -> None:
    open_app_page(page, app_url)
    open_network_page(page)
    assert read_metric(page, "Prediction") is None
    assert page.locator('[data-testid="stAlert"]', has_text="Draw a digit").count() == 1

    draw_digit(page, canvas_surface(page, "network_canvas"), "1")
    assert wait_for_metric(page, "Prediction") == "1"
    page.locator(DIAGRAM).wait_for(state="visible", timeout=30_000)
    assert panel_title(page) is not None

    reset_canvas(page, "network_canvas")
    page.wait_for_function(
        """(idle) => [...document.querySelectorAll('[data-testid="stAlert"]')]
                       .some(a => a.innerText.includes('Draw a digit') && !a.closest('[data-stale="true"]'))
                     && document.querySelector(idle) !== null""",
        arg=IDLE_SELECTOR,
        timeout=30_000,
    )
    assert read_metric(page, "Prediction") is None
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.usefixtures("needs_mnist")  # the top examples are MNIST test digits
def test_click_a_weight_tile_to_see_what_that_neuron_looks_for(page: Any, app_url: str) -> None:
    open_app_page(page, app_url)
    open_network_page(page)
    draw_digit(page, canvas_surface(page, "network_canvas"), "3")
    assert wait_for_metric(page, "Prediction") == "3"
    assert page.locator('[data-testid="stAlert"]', has_text="Click a neuron").count() == 1

    tiles = page.locator(TILES)
    tiles.scroll_into_view_if_needed()
    # Plotly lays the tiles out after they are on the page: click once they stand still in the window.
    page.wait_for_function(
        f"""(args) => {{
              const at = JSON.stringify(({_CLICK_TARGETS_JS})(args));
              const same = window.__nnvizTilesAt === at;
              window.__nnvizTilesAt = at;
              return same && document.querySelector('{IDLE_SELECTOR}') !== null;
            }}""",
        arg=[TILES, "tiles"],
        polling=200,
        timeout=60_000,
    )
    targets = page.evaluate(_CLICK_TARGETS_JS, [TILES, "tiles"])
    assert [t["neuron"] for t in targets] == list(range(32)), "the first 32 neurons' weights by default"
    target = targets[9]
    page.mouse.click(target["x"], target["y"])

    wait_for_panel(page, "Inside hidden layer 1, neuron 9", 60_000)
    wait_for_panel(page, "What hidden layer 1, neuron 9 looks for", 60_000)
    page.locator(".st-key-network_top_examples .js-plotly-plot").wait_for(state="visible", timeout=30_000)
    assert page.locator(".st-key-network_neuron_tile .js-plotly-plot").is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


# JS: the window boxes [left, top, right, bottom] of the diagram's output labels ("7  > 99.99%") and of its
# texts above the columns (the titles and the "Hidden layers" heading).
_DIAGRAM_TEXTS_JS = """
(selector) => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const plot = document.querySelector(selector);
  return {
    labels: [...plot.querySelectorAll('.textpoint text')].map(box),
    titles: [...plot.querySelectorAll('.annotation-text')]
      .filter(e => e.textContent.match(/^(Input|Output|\\d|Hidden layers?)$/)).map(box),
  };
}
"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_at_1024_with_the_sidebar_open_the_diagram_sits_beside_the_canvas(chromium: Any, app_url: str) -> None:
    size = {"width": 1024, "height": 768}
    context = chromium.new_context(viewport=size)
    try:
        page = context.new_page()
        open_app_page(page, app_url.rstrip("/") + "/network")
        sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
        assert sidebar["x"] >= 0 and sidebar["width"] > 250, "the sidebar is open"
        canvas = canvas_surface(page, "network_canvas")
        canvas.wait_for(state="visible", timeout=30_000)
        wait_idle(page)
        draw_digit(page, canvas, "7")
        assert wait_for_metric(page, "Prediction") == "7"
        page.locator(DIAGRAM).wait_for(state="visible", timeout=30_000)
        wait_idle(page)
        page.evaluate("() => window.scrollTo(0, 0)")
        diagram, pad = page.locator(DIAGRAM).bounding_box(), canvas.bounding_box()
        assert diagram["x"] >= pad["x"] + pad["width"], "the diagram is right of the canvas, not below it"
        assert diagram["y"] < pad["y"] + pad["height"], "its top is above the canvas's bottom"
        assert diagram["y"] + diagram["height"] <= size["height"], "all of it is above the fold"
        assert diagram["x"] + diagram["width"] <= size["width"]
        texts = page.evaluate(_DIAGRAM_TEXTS_JS, DIAGRAM)
        labels, titles = texts["labels"], texts["titles"]
        assert len(labels) == 10 and len(titles) == 5  # Input, Hidden layers, 1, 2, Output
        for group in (labels, titles):
            assert not [(a, b) for i, a in enumerate(group) for b in group[i + 1 :] if _overlap(a, b)], "texts collide"
        right = diagram["x"] + diagram["width"]
        assert all(label[2] <= right for label in labels), "an output label is cut off at the diagram's edge"
    finally:
        context.close()
