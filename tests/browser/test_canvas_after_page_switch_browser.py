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
    canvas_surface,
    draw_digit,
    drawn_pixel_count,
    nav_link,
    open_draw_page,
    read_metric,
    rerun_expected,
    reset_canvas,
    wait_for_metric,
    wait_idle,
)

pytestmark = pytest.mark.browser


def wait_for_ink(page: Any, key_prefix: str, at_least: int | None = None, at_most: int | None = None) -> int:
    """Wait (up to 5 s) until the canvas shows a number of inked pixels in range; return it."""
    count = -1
    for _ in range(50):
        count = drawn_pixel_count(canvas_surface(page, key_prefix))
        if (at_least is None or count >= at_least) and (at_most is None or count <= at_most):
            break
        page.wait_for_timeout(100)
    return count


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
    assert wait_for_ink(page, "network_canvas", at_least=500) >= 500, "the canvas shows the live view's strokes"

    # The trash on a restored drawing empties it; a new drawing there is read on its own.
    with rerun_expected(page):
        reset_canvas(page, "network_canvas")
    wait_idle(page)
    assert wait_for_ink(page, "network_canvas", at_most=0) == 0, "the trash should empty the canvas"
    assert read_metric(page, "Prediction") is None, "the trash should empty the input and the prediction"
    draw_digit(page, canvas_surface(page, "network_canvas"), "7")
    assert wait_for_metric(page, "Prediction") == "7"

    nav_link(page, want_draw=True).click()
    canvas_surface(page).wait_for(state="visible", timeout=30_000)
    assert wait_for_metric(page, "Prediction") == "7", "the live view answers for the Network page's drawing"
    assert drawn_pixel_count(canvas_surface(page)) > 500, "and shows its strokes"
