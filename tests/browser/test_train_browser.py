"""The Train page in real Chromium: reshape the network, train it, and draw with the new model."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.browser import (
    canvas_surface,
    draw_digit,
    nudge_slider,
    open_app_page,
    set_number,
    wait_for_metric,
    wait_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("needs_mnist")]  # every test here trains

TRAINING_TIMEOUT_MS = 180_000  # a cold trainer imports TensorFlow before the first step


def test_reshape_train_and_draw_with_the_new_model(page: Any, app_url: str) -> None:
    open_app_page(page, app_url.rstrip("/") + "/train")
    page.locator(".st-key-train_start button").wait_for(timeout=90_000)  # a cold server on a busy machine is slow
    wait_idle(page)
    nudge_slider(page, "train_layers", -1)  # 2 hidden layers -> 1
    set_number(page, "train_size_1", 24)
    nudge_slider(page, "train_epochs", 1)  # 3 epochs -> 4
    # The parameter arithmetic follows the new size (waited for: the rerun may still be on its way).
    page.wait_for_function("() => document.body.innerText.includes('784 × 24 + 24 = 18,840')", timeout=30_000)
    wait_idle(page)

    page.locator(".st-key-train_start button").click()
    page.get_by_text("Done!", exact=False).wait_for(timeout=TRAINING_TIMEOUT_MS)
    page.get_by_text("784-24-10", exact=False).first.wait_for(timeout=30_000)
    wait_idle(page)
    body = page.inner_text("body")
    assert "784-24-10" in body, "the model badge should name the new network"
    curves = page.locator(".st-key-train_loss_curve .js-plotly-plot")
    assert curves.count() == 1
    points = curves.first.evaluate("el => el.data[0].x.length")
    assert points >= 4, "the training-loss curve should have several points per epoch"

    page.locator('a[data-testid="stSidebarNavLink"]', has_text="Draw").click()  # Lesson is listed first
    surface = canvas_surface(page)
    surface.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    draw_digit(page, surface, "7")
    assert wait_for_metric(page, "Prediction") in {str(d) for d in range(10)}
    assert "Your model" in page.inner_text("body")
    assert page.locator('[data-testid="stException"]').count() == 0
