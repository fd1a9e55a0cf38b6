"""The Draw page in real Chromium: `streamlit run app.py`, draw with the mouse, read the live view's Prediction."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.browser import (
    PROMPT,
    canvas_surface,
    draw_digit,
    draw_speck,
    drawn_pixel_count,
    nav_link,
    open_draw_page,
    read_metric,
    wait_for_metric,
    wait_idle,
)

pytestmark = pytest.mark.browser


def test_blank_canvas_prompts_to_draw_and_predicts_nothing(page: Any, app_url: str) -> None:
    open_draw_page(page, app_url)

    assert page.locator(".live .message", has_text=PROMPT).count() == 1, "a blank canvas should prompt to draw"
    assert read_metric(page, "Prediction") is None
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_speck_is_treated_like_a_blank_canvas(page: Any, app_url: str) -> None:
    surface = open_draw_page(page, app_url)

    draw_speck(page, surface)
    page.wait_for_function("() => nnvizLive.view().root.dataset.synced === 'false'")
    page.wait_for_function("() => nnvizLive.view().root.dataset.synced === 'true'", timeout=30_000)
    wait_idle(page)

    assert drawn_pixel_count(surface) > 0, "the speck should be on the canvas"
    assert page.locator(".live .message", has_text=PROMPT).count() == 1
    assert read_metric(page, "Prediction") is None
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_seven_drawn_with_the_mouse_is_predicted_seven(page: Any, app_url: str) -> None:
    surface = open_draw_page(page, app_url)

    draw_digit(page, surface, "7")

    assert wait_for_metric(page, "Prediction") == "7"
    assert page.locator(".live .message", has_text=PROMPT).count() == 0
    assert page.locator(".live .spoken").text_content().startswith("Prediction 7, ")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_drawing_survives_a_visit_to_another_page(page: Any, app_url: str) -> None:
    surface = open_draw_page(page, app_url)
    other = nav_link(page, want_draw=False)
    assert other is not None, "the navigation should list the Train and Network pages"
    draw_digit(page, surface, "7")
    assert wait_for_metric(page, "Prediction") == "7"

    other.click()
    page.wait_for_url(lambda url: url.rstrip("/") != app_url.rstrip("/") and not url.endswith("/draw"))
    wait_idle(page)
    nav_link(page, want_draw=True).click()
    surface = canvas_surface(page)
    surface.wait_for(state="visible", timeout=30_000)

    assert wait_for_metric(page, "Prediction") == "7"
    assert drawn_pixel_count(surface) > 500, "the canvas should show the drawing again"
