"""The Test page in real Chromium: click a confusion-matrix cell, click an image of its gallery, see it on Draw."""

from __future__ import annotations

import re
from typing import Any

import pytest

from devkit.browser import IDLE_SELECTOR, open_app_page, wait_for_live_note, wait_for_metric, wait_idle

pytestmark = pytest.mark.browser

NAV_LINK = '[data-testid="stSidebarNav"] a'
MATRIX = ".st-key-test_matrix .js-plotly-plot"
CELL_GALLERY = ".st-key-test_cell_gallery .js-plotly-plot"

# JS: page position, customdata and text of every point of the trace named `name` in a plotly chart.
_TARGETS_JS = """
([selector, name]) => {
  const gd = document.querySelector(selector);
  const trace = gd._fullData.find(t => t.name === name);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  return Array.from(trace.x).map((x, i) => ({
    a: Number(trace.customdata[i][0]),
    b: Number(trace.customdata[i][1]),
    text: String(trace.text[i]),
    x: box.x + xa._offset + xa.l2p(x),
    y: box.y + ya._offset + ya.l2p(trace.y[i]),
  }));
}
"""


def open_page(page: Any, title: str, path: str) -> None:
    page.locator(NAV_LINK, has_text=title).first.click()
    page.wait_for_url(re.compile(rf"/{path}$"), timeout=30_000)
    wait_idle(page)


def targets(page: Any, selector: str, name: str) -> list[dict]:
    chart = page.locator(selector)
    chart.wait_for(state="visible", timeout=60_000)
    chart.scroll_into_view_if_needed()
    return page.evaluate(_TARGETS_JS, [selector, name])


def wait_for_text(page: Any, text: str, timeout_ms: float = 30_000) -> None:
    """Wait until a non-stale element shows `text` and the script is idle."""
    page.wait_for_function(
        """([text, idle]) => [...document.querySelectorAll(
                                 '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]')]
                               .some(e => e.innerText.includes(text) && !e.closest('[data-stale="true"]'))
                             && document.querySelector(idle) !== null""",
        arg=[text, IDLE_SELECTOR],
        timeout=timeout_ms,
    )


@pytest.mark.usefixtures("needs_mnist")  # the 10,000 test digits
def test_a_mistake_clicked_in_the_matrix_opens_on_draw_with_its_true_label(page: Any, app_url: str) -> None:
    open_app_page(page, app_url)
    open_page(page, "Test", "test")
    cells = targets(page, MATRIX, "cells")
    assert len(cells) == 100
    assert sum(int(c["text"]) for c in cells) == 10_000
    # The most frequent mistake: a true digit read as another one.
    cell = max((c for c in cells if c["a"] != c["b"]), key=lambda c: int(c["text"]))
    page.mouse.click(cell["x"], cell["y"])
    wait_for_text(page, f"The {cell['a']}s read as {cell['b']}")

    images = targets(page, CELL_GALLERY, "images")
    assert len(images) == min(48, int(cell["text"]))
    assert all(f"{cell['b']} · " in image["text"] for image in images)
    image = images[0]
    wait_idle(page)  # a click while the gallery's run is still going is lost with the element it lands on
    page.mouse.click(image["x"], image["y"])
    wait_for_text(page, f"Test digit #{image['a']} (a {cell['a']}) is now the input.")

    open_page(page, "Draw", "")
    wait_for_live_note(page, f"MNIST test digit #{image['a']}. Its true label is {cell['a']}.")
    assert wait_for_metric(page, "Prediction") == str(cell["b"]), "the live view answers what the matrix said"
    assert page.locator('[data-testid="stException"]').count() == 0
