"""Presenter mode on a 1920 × 1080 projector: input boxes use the big type, and a disabled button looks disabled."""

from __future__ import annotations

from typing import Any

import pytest

from devkit.browser import open_app_page, page_in_viewport

pytestmark = pytest.mark.browser

PRESENTER = {"width": 1920, "height": 1080}
STYLE_JS = """
(el) => { const s = getComputedStyle(el); return {size: parseFloat(s.fontSize), opacity: parseFloat(s.opacity),
          color: getComputedStyle(el.querySelector('p') || el).color, border: s.borderStyle}; }
"""


@pytest.fixture
def presenter_page(chromium: Any) -> Any:
    with page_in_viewport(chromium, PRESENTER) as page:
        yield page


def test_inputs_are_big_and_a_disabled_stop_looks_disabled(presenter_page: Any, app_url: str) -> None:
    page = presenter_page
    open_app_page(page, f"{app_url}/train?present=1")
    seed = page.locator('[data-testid="stNumberInput"] input').first
    assert seed.evaluate(STYLE_JS)["size"] >= 18  # 1.15rem; the default is 14 px
    stop = page.locator(".st-key-train_stop button")
    train = page.locator(".st-key-train_start button")
    assert stop.is_disabled() and train.is_enabled()
    disabled, enabled = stop.evaluate(STYLE_JS), train.evaluate(STYLE_JS)
    assert disabled["opacity"] < 0.6 <= enabled["opacity"]
    assert disabled["border"] == "dashed" and disabled["color"] != "rgb(0, 0, 0)"
