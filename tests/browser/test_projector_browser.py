"""In real Chromium: projector sizes, a mostly white scribble, and the model badge when a run ends
while the student draws."""

from __future__ import annotations

import time
from typing import Any

import pytest

from devkit.browser import (
    canvas_surface,
    drag_through,
    draw_digit,
    nav_link,
    open_app_page,
    page_in_viewport,
    wait_for_metric,
    wait_idle,
)

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1024, "height": 768}
TRAINING_TIMEOUT_S = 240  # a cold trainer imports TensorFlow before the first step
# JS: the 28 × 28 input the Draw page's live view shows (rows top to bottom), or null.
READ_INPUT_JS = """
() => {
  const view = globalThis.nnvizLive && nnvizLive.view();
  const inputs = view && view.shown && view.shown.inputs;
  if (!inputs) return null;
  return Array.from({ length: 28 }, (_, r) => Array.from(inputs.slice(28 * r, 28 * r + 28)));
}
"""


def live_input(page: Any) -> list[list[float]]:
    """The 28 × 28 input the Draw page's live view shows, once it shows one."""
    page.wait_for_function(f"() => ({READ_INPUT_JS})() !== null", timeout=30_000)
    return page.evaluate(READ_INPUT_JS)


@pytest.fixture
def projector_page(chromium: Any, app_url: str) -> Any:
    with page_in_viewport(chromium, PROJECTOR) as page:
        yield page


def test_at_1024_the_whole_canvas_can_be_drawn_on(projector_page: Any, app_url: str) -> None:
    page = projector_page
    open_app_page(page, app_url)
    canvas = canvas_surface(page)
    canvas.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    box = canvas.bounding_box()
    assert box["width"] >= 280 and box["x"] + box["width"] <= PROJECTOR["width"], "the canvas is shown whole"
    # Nothing covers its right edge: the element under that point is the canvas itself.
    right_edge = (box["x"] + box["width"] - 6, box["y"] + box["height"] / 2)
    assert canvas.evaluate("(c, p) => c.getRootNode().elementFromPoint(p[0], p[1]) === c", list(right_edge))

    # A line along the top, then a stroke down the canvas's right edge: a tall "7".
    canvas.scroll_into_view_if_needed()
    drag_through(page, canvas.bounding_box(), [(0.05, 0.1), (0.97, 0.1), (0.97, 0.9)], steps=15)
    wait_for_metric(page, "Prediction")
    image = live_input(page)
    columns = [[row[c] for row in image] for c in range(28)]
    inked = [c for c in range(28) if max(columns[c]) > 0.5]
    right = max(inked)
    # The stroke down the right edge reached the input: its rightmost ink column is a tall bar.
    assert sum(value > 0.5 for value in columns[right]) >= 12, "the right-edge stroke should reach the input"
    assert right >= 20


def test_at_1024_the_buttons_read_in_full_and_the_answer_sits_beside_the_canvas(
    projector_page: Any, app_url: str
) -> None:
    page = projector_page
    open_app_page(page, app_url)
    canvas = canvas_surface(page)
    canvas.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    for key in ("draw_test_digit", "draw_clear"):
        button = page.locator(f".st-key-{key} button").first
        overflow = button.evaluate(
            "b => [...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1"
            " && getComputedStyle(e).textOverflow === 'ellipsis')"
        )
        assert not overflow, f"the {key} button's label is cut off"
    draw_digit(page, canvas, "7")
    assert wait_for_metric(page, "Prediction") == "7"
    metric = page.locator(".live .verdict").bounding_box()
    box = canvas.bounding_box()
    assert metric["x"] >= box["x"] + box["width"], "the answer is beside the canvas"
    assert metric["y"] + metric["height"] <= PROJECTOR["height"], "the answer is visible without scrolling"


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_network_canvas_keeps_its_size(chromium: Any, app_url: str, size: tuple[int, int]) -> None:
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    try:
        page = context.new_page()
        open_app_page(page, app_url.rstrip("/") + "/network")
        canvas = canvas_surface(page, "network_canvas")
        canvas.wait_for(state="visible", timeout=30_000)
        box = canvas.bounding_box()
        assert box["width"] >= 280 and box["x"] + box["width"] <= size[0]
        right_edge = [box["x"] + box["width"] - 6, box["y"] + box["height"] / 2]
        assert canvas.evaluate("(c, p) => c.getRootNode().elementFromPoint(p[0], p[1]) === c", right_edge)
    finally:
        context.close()


def test_a_canvas_scribbled_mostly_white_is_not_inverted(page: Any, app_url: str) -> None:
    open_app_page(page, app_url)
    canvas = canvas_surface(page)
    canvas.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    # Zig-zags with the 20 px pen over the top two thirds: far more than half the canvas white.
    points = []
    for i in range(13):
        y = 0.03 + i * 0.05
        points += [(0.02, y), (0.98, y)]
    drag_through(page, canvas.bounding_box(), points, steps=15)
    wait_for_metric(page, "Prediction")
    image = live_input(page)
    inked = sum(value > 0.5 for row in image for value in row)
    # The white block is the digit (lots of ink); inverted it would be a thin line (~40 pixels).
    assert inked > 150, f"only {inked} inked input pixels: the scribble was read inverted"


@pytest.mark.usefixtures("needs_mnist")  # it trains
def test_a_run_that_ends_while_drawing_shows_in_the_badge_with_the_next_stroke(page: Any, app_url: str) -> None:
    open_app_page(page, app_url.rstrip("/") + "/train?layers=8&epochs=1&images=1000")
    page.locator(".st-key-train_start button").click()
    wait_idle(page)
    nav_link(page, want_draw=True).click()
    canvas = canvas_surface(page)
    canvas.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    badge = page.locator('[data-testid="stCaptionContainer"]', has_text="Model:").first
    deadline = time.monotonic() + TRAINING_TIMEOUT_S
    digits = ["7", "1", "3", "0"]
    strokes = 0
    # Draw (each stroke reruns only the page's fragment) until the run has ended and been used: the
    # strokes themselves are the polling, as a student's would be; nothing waits for time to pass.
    while "Your model" not in badge.inner_text() and time.monotonic() < deadline:
        draw_digit(page, canvas, digits[strokes % len(digits)])
        strokes += 1
        wait_for_metric(page, "Prediction")
        badge = page.locator('[data-testid="stCaptionContainer"]', has_text="Model:").first
    assert "Your model" in badge.inner_text(), "the badge should name the model the stroke was read with"
    assert "784-8-10" in badge.inner_text()
