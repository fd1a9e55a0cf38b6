"""A drawing travels between the Draw page's live view and the other pages' canvas, in real Chromium.

The Network, Learn and Test pages keep streamlit-drawable-canvas, which resets its history to the
drawing it is mounted with: on a restored drawing its trash used to "reset" to that drawing (issue
7, item 2). The live view on Draw stores its strokes as the canvas's own Fabric.js paths.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from devkit.browser import (
    IDLE_SELECTOR,
    canvas_surface,
    draw_digit,
    drawn_pixel_count,
    nav_link,
    open_draw_page,
    read_metric,
    reset_canvas,
    wait_for_ink,
    wait_for_metric,
    wait_idle,
)

pytestmark = pytest.mark.browser

# JS: the script is idle and no live Prediction metric is shown (the trash has emptied the input).
NO_PREDICTION_JS = f"""
() => document.querySelector('{IDLE_SELECTOR}') !== null
  && ![...document.querySelectorAll('[data-testid="stMetricLabel"]')].some(
       (el) => !el.closest('[data-stale="true"]') && el.innerText.trim() === 'Prediction')
"""


def open_network_page(page: Any) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Network").first.click()
    page.wait_for_url(re.compile(r"/network$"), timeout=30_000)
    canvas_surface(page, "network_canvas").wait_for(state="visible", timeout=30_000)
    wait_idle(page)


def test_a_drawing_goes_from_draw_to_network_and_back(page: Any, app_url: str) -> None:
    draw_digit(page, open_draw_page(page, app_url), "3")
    assert wait_for_metric(page, "Prediction") == "3"

    open_network_page(page)
    assert wait_for_metric(page, "Prediction") == "3"
    assert wait_for_ink(page, key_prefix="network_canvas", at_least=500) >= 500, (
        "the canvas shows the live view's strokes"
    )

    # The trash on a restored drawing empties it; a new drawing there is read on its own.
    reset_canvas(page, "network_canvas")
    page.wait_for_function(NO_PREDICTION_JS, timeout=30_000)
    assert wait_for_ink(page, key_prefix="network_canvas", at_most=0) == 0, "the trash should empty the canvas"
    assert read_metric(page, "Prediction") is None, "the trash should empty the input and the prediction"
    draw_digit(page, canvas_surface(page, "network_canvas"), "7")
    assert wait_for_metric(page, "Prediction") == "7"

    nav_link(page, want_draw=True).click()
    canvas_surface(page).wait_for(state="visible", timeout=30_000)
    assert wait_for_metric(page, "Prediction") == "7", "the live view answers for the Network page's drawing"
    assert drawn_pixel_count(canvas_surface(page)) > 500, "and shows its strokes"
