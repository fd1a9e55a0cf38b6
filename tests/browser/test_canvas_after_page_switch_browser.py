"""The canvas's own toolbar (trash, undo) on a drawing restored after a page switch, in real Chromium.

streamlit-drawable-canvas resets its history to the drawing it is mounted with, so
on a restored drawing its trash used to "reset" to that drawing and its undo had
nothing to undo.

Every wait here is for a state the page shows, never for time or for "some rerun": a stroke has
reached the server when the Pixels figure (drawn by the server) shows a new input; the canvas has
settled when its own pixels are in range while the script is idle. The canvas sends a stroke 200 ms
after the pen lifts, and an undo or trash pressed before that cancels the stroke's report, so the
order "stroke reported, then undo" is established by those signals, not by a pause.
"""

from __future__ import annotations

from typing import Any

import pytest

from devkit.browser import (
    IDLE_SELECTOR,
    PROMPT,
    canvas_surface,
    draw_digit,
    nav_link,
    open_draw_page,
    read_metric,
    reset_canvas,
    shown_input,
    undo_canvas,
    wait_for_ink,
    wait_for_input_other_than,
    wait_for_metric,
    wait_idle,
)

pytestmark = pytest.mark.browser

# JS: the page shows the Draw prompt and no Prediction (a blank input), and no script is running.
_EMPTIED_JS = f"""
() => {{
  const shown = (el) => !el.closest('[data-stale="true"]');
  const prompt = [...document.querySelectorAll('[data-testid="stAlert"]')].some(
    (el) => shown(el) && /draw a digit/i.test(el.innerText)
  );
  const prediction = [...document.querySelectorAll('[data-testid="stMetricLabel"]')].some(
    (el) => shown(el) && el.innerText.trim() === 'Prediction'
  );
  return prompt && !prediction && document.querySelector('{IDLE_SELECTOR}') !== null;
}}
"""


def draw_go_and_come_back(page: Any, app_url: str, digit: str) -> int:
    """Draw `digit`, visit another page, come back; return the restored canvas's inked pixel count once settled."""
    surface = open_draw_page(page, app_url)
    draw_digit(page, surface, digit)
    assert wait_for_metric(page, "Prediction") == digit
    nav_link(page, want_draw=False).click()
    page.wait_for_url(lambda url: url.rstrip("/") != app_url.rstrip("/") and not url.endswith("/draw"))
    wait_idle(page)
    nav_link(page, want_draw=True).click()
    canvas_surface(page).wait_for(state="visible", timeout=30_000)
    assert wait_for_metric(page, "Prediction") == digit
    return wait_for_ink(page, at_least=500)


def wait_until_emptied(page: Any) -> None:
    """Wait until the server has emptied the input (prompt shown, no Prediction) and the canvas shows no ink."""
    page.wait_for_function(_EMPTIED_JS, timeout=30_000)
    assert wait_for_ink(page, at_most=0) == 0, "the trash should empty the canvas"
    assert page.locator('[data-testid="stAlert"]', has_text=PROMPT).count() >= 1
    assert read_metric(page, "Prediction") is None, "the trash should empty the input and the prediction"


def test_trash_on_a_restored_drawing_empties_the_canvas_and_the_input(page: Any, app_url: str) -> None:
    draw_go_and_come_back(page, app_url, "3")

    reset_canvas(page)
    wait_until_emptied(page)

    # A new drawing is read on its own, not merged with the old 3.
    draw_digit(page, canvas_surface(page), "7")
    assert wait_for_metric(page, "Prediction") == "7"


def test_undo_on_a_restored_drawing_takes_back_the_new_stroke_only(page: Any, app_url: str) -> None:
    restored_ink = draw_go_and_come_back(page, app_url, "7")
    restored_input = shown_input(page)

    draw_digit(page, canvas_surface(page), "1")  # one stroke across the 7
    # The server has read the stroke once its Pixels figure shows the 7 with the stroke.
    wait_for_input_other_than(page, restored_input)
    assert wait_for_ink(page, at_least=restored_ink + 500) > restored_ink
    undo_canvas(page)

    # The server puts the restored 7 back and remounts the canvas with it (a new key), so a later trash
    # press means "empty it". The new canvas loads the drawing after it mounts: wait for its pixels.
    page.locator('[class*="st-key-draw_canvas_1"] canvas.upper-canvas').wait_for(timeout=30_000)
    ink = wait_for_ink(page, at_least=int(0.95 * restored_ink), at_most=int(1.05 * restored_ink))
    assert abs(ink - restored_ink) <= 0.05 * restored_ink, "undo should take back the new stroke, and only it"
    assert shown_input(page) == restored_input, "the input is the restored 7 again, pixel for pixel"
    assert wait_for_metric(page, "Prediction") == "7"

    # And the trash still empties everything afterwards.
    reset_canvas(page)
    wait_until_emptied(page)
