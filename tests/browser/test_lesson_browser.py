"""The teacher's tools in real Chromium: the lesson tour by its buttons, guess first on Draw, presenter mode."""

from __future__ import annotations

import re
from typing import Any

import pytest

from devkit.browser import (
    IDLE_SELECTOR,
    canvas_surface,
    draw_digit,
    open_app_page,
    read_metric,
    wait_for_metric,
    wait_idle,
)
from nnviz.lesson.steps import STEPS

pytestmark = pytest.mark.browser

GRADIENT_STEP = next(n for n, step in enumerate(STEPS, start=1) if step.title == "Gradient descent")
SMALLEST_PROJECTOR = {"width": 1024, "height": 768}
FULL_HD = {"width": 1920, "height": 1080}


def heading(page: Any) -> str:
    return page.locator('[data-testid="stMain"] h2').first.inner_text()


def wait_for_heading(page: Any, text: str) -> None:
    """Wait until the step's heading reads `text` (not a stale one) and the script is idle."""
    page.wait_for_function(
        """([text, idle]) => [...document.querySelectorAll('[data-testid="stMain"] h2')]
             .some((h) => h.innerText.trim() === text && !h.closest('[data-stale="true"]'))
             && document.querySelector(idle) !== null""",
        arg=[text, IDLE_SELECTOR],
        timeout=30_000,
    )


def test_the_tour_from_step_one_to_gradient_descent_by_its_buttons(page: Any, app_url: str) -> None:
    open_app_page(page, f"{app_url}/lesson")
    assert heading(page).startswith("1 · Neurons are numbers")
    for number in range(2, GRADIENT_STEP + 1):
        page.locator(".st-key-lesson_next button").click()
        # The step's own heading and address are the signal that the click has been handled: no "some rerun".
        page.wait_for_function("(n) => location.search.includes('step=' + n)", arg=number)
        wait_for_heading(page, f"{number} · {STEPS[number - 1].title}")
    hand_out = page.locator('[data-testid="stCode"]').first.inner_text()
    assert hand_out.endswith(f"/learn?tab=step&step={GRADIENT_STEP}")  # nothing piled up from steps 6-9
    assert page.locator('[data-testid="stImage"] img').count() == 1  # its QR code, for phones

    page.locator(".st-key-lesson_open button").click()
    page.wait_for_url(re.compile(r"/learn\?tab=step&step=\d+$"), timeout=30_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert f"step={GRADIENT_STEP}" in page.url  # coming back to the lesson returns to this step


def test_guess_first_on_draw_covers_then_reveals(page: Any, app_url: str) -> None:
    open_app_page(page, f"{app_url}/?guess=1")
    surface = canvas_surface(page)
    surface.wait_for(state="visible", timeout=30_000)
    draw_digit(page, surface, "7")
    page.get_by_text("What will it say?").wait_for(timeout=30_000)  # the stroke has reached the server
    wait_idle(page)
    assert read_metric(page, "Prediction") is None
    assert not page.locator(".live .inside").is_visible()

    page.locator('[data-testid="stRadio"] label', has_text=re.compile(r"^7$")).click()
    assert wait_for_metric(page, "Prediction") == "7"
    assert page.get_by_text("You guessed 7, it said 7. Right!").count() == 1
    assert page.locator('[data-testid="stSidebar"]').get_by_text("1 of 1 guesses right").count() == 1


@pytest.mark.parametrize("viewport", [SMALLEST_PROJECTOR, FULL_HD], ids=["1024x768", "1920x1080"])
def test_presenter_mode_fits_the_projector(chromium: Any, app_url: str, viewport: dict) -> None:
    context = chromium.new_context(viewport=viewport)
    try:
        page = context.new_page()
        open_app_page(page, f"{app_url}/?present=1")
        assert page.locator('[data-testid="stExpandSidebarButton"]').is_visible()  # the sidebar is folded away
        surface = canvas_surface(page)
        surface.wait_for(state="visible", timeout=30_000)
        box = surface.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        draw_digit(page, surface, "7")
        assert wait_for_metric(page, "Prediction") == "7"  # the canvas is fully usable
        page.locator(".live .layers canvas").first.wait_for(timeout=30_000)
        widths = page.evaluate(
            """() => {
                 const main = document.querySelector('[data-testid="stMain"]');
                 return [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                         main.scrollWidth, main.clientWidth];
               }"""
        )
        assert widths[0] <= widths[1] and widths[2] <= widths[3], f"horizontal overflow: {widths}"
        size = page.locator(".live .digit").evaluate("d => parseFloat(getComputedStyle(d).fontSize)")
        assert size >= 50  # the answer reads from the back of the room
    finally:
        context.close()
