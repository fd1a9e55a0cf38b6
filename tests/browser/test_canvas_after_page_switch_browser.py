"""The canvas's own toolbar (trash, undo) on a drawing restored after a page switch, in real Chromium.

streamlit-drawable-canvas resets its history to the drawing it is mounted with, so
on a restored drawing its trash used to "reset" to that drawing and its undo had
nothing to undo (issue 7, item 2).
"""

from __future__ import annotations

from typing import Any

import pytest

from devkit.browser import (
    PROMPT,
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


def wait_for_ink(page: Any, at_least: int | None = None, at_most: int | None = None) -> int:
    """Wait (up to 5 s) until the canvas shows a number of inked pixels in range; return it."""
    count = -1
    for _ in range(50):
        count = drawn_pixel_count(canvas_surface(page))
        if (at_least is None or count >= at_least) and (at_most is None or count <= at_most):
            break
        page.wait_for_timeout(100)
    return count


def draw_go_and_come_back(page: Any, app_url: str, digit: str) -> None:
    surface = open_draw_page(page, app_url)
    draw_digit(page, surface, digit)
    assert wait_for_metric(page, "Prediction") == digit
    nav_link(page, want_draw=False).click()
    page.wait_for_url(lambda url: url.rstrip("/") != app_url.rstrip("/") and not url.endswith("/draw"))
    wait_idle(page)
    nav_link(page, want_draw=True).click()
    canvas_surface(page).wait_for(state="visible", timeout=30_000)
    assert wait_for_metric(page, "Prediction") == digit
    assert wait_for_ink(page, at_least=500) >= 500, "the canvas should show the drawing again"


def test_trash_on_a_restored_drawing_empties_the_canvas_and_the_input(page: Any, app_url: str) -> None:
    draw_go_and_come_back(page, app_url, "3")

    with rerun_expected(page):
        reset_canvas(page)
    wait_idle(page)

    assert wait_for_ink(page, at_most=0) == 0, "the trash should empty the canvas"
    page.locator('[data-testid="stAlert"]', has_text=PROMPT).first.wait_for(timeout=30_000)
    assert read_metric(page, "Prediction") is None, "the trash should empty the input and the prediction"

    # A new drawing is read on its own, not merged with the old 3.
    draw_digit(page, canvas_surface(page), "7")
    assert wait_for_metric(page, "Prediction") == "7"
