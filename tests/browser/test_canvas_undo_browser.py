"""Undo on the Network page's drawable canvas (streamlit-drawable-canvas's own toolbar), in real Chromium.

Oracles: the canvas's own pixels after the first stroke alone, and numpy's network on the canvas's pixels
for the answer the server must show. Every wait is for what the page shows: the server has read a drawing
once its Prediction and "… sure" caption are numpy's answer for that drawing's pixels (the two strokes give
different answers, which the test checks first); the canvas has redrawn once its pixels are the expected ones.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from devkit.answers import default_answer
from devkit.browser import (
    canvas_pixels,
    canvas_surface,
    drag_through,
    open_app_page,
    open_draw_page,
    pad_pixels,
    press_canvas_tool,
    wait_for_answer,
    wait_for_canvas_pixels,
    wait_for_ink,
    wait_for_no_input,
    wait_idle,
    wait_live_synced,
)

pytestmark = pytest.mark.browser

ONE = [(0.42, 0.25), (0.55, 0.15), (0.55, 0.85)]  # a 1 ...
BAR = [(0.2, 0.17), (0.55, 0.15)]  # ... and a bar across its top, which makes it a 7
CANVAS = "network_canvas"


def stroke(page: Any, points: list[tuple[float, float]]) -> str:
    """Draw one stroke on the Network canvas; return the canvas's pixels with it.

    The canvas draws a finished stroke onto its strokes' canvas in its next frame: the pixels are read
    once that canvas has more ink than before (it redraws all its strokes at once).
    """
    before = wait_for_ink(page, key_prefix=CANVAS)
    drag_through(page, canvas_surface(page, CANVAS).bounding_box(), points)
    wait_for_ink(page, key_prefix=CANVAS, at_least=before + 1)
    return canvas_pixels(page, CANVAS)


def open_network(page: Any) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Network").first.click()
    page.wait_for_url(re.compile(r"/network$"), timeout=30_000)
    canvas_surface(page, CANVAS).wait_for(state="visible", timeout=30_000)
    wait_idle(page)


def test_the_canvas_undo_takes_back_one_stroke_then_the_last(page: Any, app_url: str) -> None:
    open_app_page(page, app_url.rstrip("/") + "/network")
    canvas_surface(page, CANVAS).wait_for(state="visible", timeout=30_000)
    one = stroke(page, ONE)
    wait_for_answer(page, default_answer(one))
    two = stroke(page, BAR)
    assert default_answer(two) != default_answer(one), "the bar must change the answer, or the waits would not tell"
    wait_for_answer(page, default_answer(two))

    press_canvas_tool(page, "Undo", CANVAS)
    wait_for_canvas_pixels(page, one, CANVAS)  # the canvas shows the first stroke alone, pixel for pixel
    wait_for_answer(page, default_answer(one))  # and the server reads it again

    press_canvas_tool(page, "Undo", CANVAS)
    wait_for_no_input(page)
    assert wait_for_ink(page, key_prefix=CANVAS, at_most=0) == 0
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_canvas_undo_on_a_drawing_from_draw_takes_back_the_new_stroke_only(page: Any, app_url: str) -> None:
    pad = open_draw_page(page, app_url)
    drag_through(page, pad.bounding_box(), ONE)
    wait_live_synced(page)
    drawn = pad_pixels(pad)  # the pad's picture, which the server made the input
    restored_answer = default_answer(drawn)
    open_network(page)
    wait_for_answer(page, restored_answer)
    # The canvas is mounted with the Draw page's stroke (network_canvas_0) and redraws it after it mounts.
    wait_for_ink(page, key_prefix=CANVAS, at_least=500)
    restored = canvas_pixels(page, CANVAS)

    two = stroke(page, BAR)
    assert default_answer(two) != restored_answer
    wait_for_answer(page, default_answer(two))

    # Its history starts at the restored drawing, so undo shows that drawing again: the server then
    # puts the restored input back and remounts the canvas with the drawing under a new key.
    press_canvas_tool(page, "Undo", CANVAS)
    page.locator(f'[class*="st-key-{CANVAS}_1"] canvas.upper-canvas').wait_for(timeout=30_000)
    wait_for_answer(page, restored_answer)
    wait_for_canvas_pixels(page, restored, f"{CANVAS}_1")
    assert page.locator('[data-testid="stException"]').count() == 0
