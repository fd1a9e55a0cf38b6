"""The Learn page in real Chromium: draw a 3, say it should be an 8, take three steps of gradient descent, keep them."""

from __future__ import annotations

import re
from typing import Any

import pytest

from devkit.browser import canvas_surface, draw_digit, open_app_page, read_metric, wait_for_metric, wait_idle

pytestmark = pytest.mark.browser

NAV_LINK = '[data-testid="stSidebarNav"] a'


def loss_value(page: Any, label: str) -> float:
    value = read_metric(page, label)
    assert value is not None, f"no metric {label!r}"
    return float(value)


@pytest.mark.usefixtures("needs_mnist")  # the Learn page's 1,000 test digits
def test_three_steps_teach_a_drawn_3_to_be_an_8(page: Any, app_url: str) -> None:
    open_app_page(page, app_url)
    page.locator(NAV_LINK, has_text="Learn").first.click()
    page.wait_for_url(re.compile(r"/learn$"), timeout=30_000)
    surface = canvas_surface(page, "learn_canvas")
    surface.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    draw_digit(page, surface, "3")
    assert wait_for_metric(page, "Prediction") == "3"

    page.locator(".st-key-learn_true_digit label").filter(has_text=re.compile(r"^8$")).first.click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        ".getAttribute('data-test-script-state') === 'notRunning'"
    )
    page.get_by_role("tab", name="3 · One step").click()
    step = page.locator(".st-key-learn_take_step button")
    step.wait_for(state="visible", timeout=30_000)
    wait_idle(page)

    losses = []
    for taken in range(1, 4):
        step.click()
        page.wait_for_function(
            """(n) => [...document.querySelectorAll('h3')].some(h => h.innerText.includes(`after ${n} step`)
                         && !h.closest('[data-stale="true"]'))""",
            arg=taken,
            timeout=30_000,
        )
        wait_idle(page)
        losses.append(loss_value(page, "Loss after"))
    before = loss_value(page, "Loss before")
    assert losses[0] < before, (before, losses)
    assert losses == sorted(losses, reverse=True), f"the loss on the drawing should fall step by step: {losses}"
    assert read_metric(page, "Prediction before") == "3"
    assert read_metric(page, "Prediction after") == "8"

    # Keep the stepped copy: it becomes the session's model, so the drawing now reads as an 8, and a new copy starts.
    page.locator(".st-key-learn_keep button").click()
    page.get_by_text("Press Take one step and compare the network before and after.").wait_for(timeout=30_000)
    wait_idle(page)
    assert read_metric(page, "Prediction") == "8", "the kept model is the session's model"
    assert read_metric(page, "Prediction after") is None, "the new copy has taken no step yet"
