"""The Draw page's live view's Undo in real Chromium: it takes back the last stroke on the pad, in the
answer and on the server, and taking back the last one is Clear.

The oracle is the view itself after the first stroke alone: its pad's pixels, its answer, and the
drawing the server then held (the strokes it sends back, and the Network page's prediction).
"""

from __future__ import annotations

from typing import Any

import pytest

from devkit.browser import (
    NAV_LINKS,
    canvas_surface,
    drag_through,
    draw_digit,
    drawn_pixel_count,
    live_answer,
    nav_link,
    open_draw_page,
    pad_pixels,
    read_metric,
    wait_for_metric,
    wait_idle,
    wait_live_synced,
)
from nnviz.lesson.captions import NETWORK_START

pytestmark = pytest.mark.browser

UNDO = '[class*="st-key-draw_live"] button.undo'
# A closing stroke under the 7's bar: the picture changes, and so does the answer.
EXTRA_STROKE = [(0.25, 0.18), (0.22, 0.5), (0.6, 0.5)]


REPORTS = "() => ({reported: nnvizLive.view().reported, waiting: Boolean(nnvizLive.view().reportTimer)})"


def server_strokes(page: Any) -> list:
    """The drawing the server holds, as it sent it to the view on the last run."""
    return page.evaluate("() => nnvizLive.view().data.strokes")


def visit_network_page(page: Any) -> None:
    page.locator(NAV_LINKS).and_(page.locator('[href$="/network"]')).first.click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/network"))
    wait_idle(page)


def back_to_draw(page: Any) -> Any:
    nav_link(page, want_draw=True).click()
    pad = canvas_surface(page)
    pad.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("() => nnvizLive.view() && nnvizLive.view().model", timeout=30_000)
    wait_live_synced(page)
    return pad


def test_undo_takes_back_the_last_stroke_and_then_the_drawing(page: Any, app_url: str) -> None:
    pad = open_draw_page(page, app_url)
    undo = page.locator(UNDO)
    assert undo.is_disabled(), "nothing to undo on an empty pad"
    assert undo.get_attribute("aria-label") == "Undo the last stroke"

    draw_digit(page, pad, "7")
    wait_live_synced(page)
    one_pixels, one_answer, one_strokes = pad_pixels(pad), live_answer(page), server_strokes(page)
    assert one_answer["status"] == "shown" and len(one_strokes) == 1 and undo.is_enabled()

    drag_through(page, pad.bounding_box(), EXTRA_STROKE)
    wait_live_synced(page)
    two_answer = live_answer(page)
    assert pad_pixels(pad) != one_pixels and len(server_strokes(page)) == 2
    assert two_answer["digit"] != one_answer["digit"], "the extra stroke should change the answer"

    undo.click()
    wait_live_synced(page)
    assert pad_pixels(pad) == one_pixels, "the pad shows the first stroke alone"
    assert live_answer(page) == one_answer, "the answer is the first stroke's"
    assert server_strokes(page) == one_strokes, "the server holds the first stroke alone"

    visit_network_page(page)
    assert wait_for_metric(page, "Prediction") == one_answer["digit"]
    pad = back_to_draw(page)
    assert pad_pixels(pad) == one_pixels, "the pad mounted afresh from the server's drawing shows the first stroke"

    undo = page.locator(UNDO)
    generation = page.evaluate("() => nnvizLive.view().data.generation")
    undo.click()
    wait_live_synced(page)
    assert page.evaluate("() => nnvizLive.view().data.generation") == generation + 1, "Clear's new generation"
    assert drawn_pixel_count(pad) == 0 and live_answer(page)["status"] == "empty"
    assert undo.is_disabled() and server_strokes(page) == []

    visit_network_page(page)
    page.get_by_text(NETWORK_START.split("**")[0].strip()).first.wait_for(timeout=30_000)
    assert read_metric(page, "Prediction") is None, "the server's input is empty, as after Clear"
    assert page.locator('[data-testid="stException"]').count() == 0


def test_ctrl_z_on_the_pad_undoes_too(page: Any, app_url: str) -> None:
    pad = open_draw_page(page, app_url)
    draw_digit(page, pad, "7")
    wait_live_synced(page)
    one_pixels, one_answer, one_strokes = pad_pixels(pad), live_answer(page), server_strokes(page)
    drag_through(page, pad.bounding_box(), EXTRA_STROKE)
    wait_live_synced(page)
    assert pad.evaluate("c => c.getRootNode().activeElement === c"), "drawing gives the pad the focus"
    page.keyboard.press("Control+z")
    wait_live_synced(page)
    assert pad_pixels(pad) == one_pixels and live_answer(page) == one_answer
    assert server_strokes(page) == one_strokes


def test_a_stroke_waiting_for_its_report_is_reported_when_the_pointer_leaves_the_pad(page: Any, app_url: str) -> None:
    pad = open_draw_page(page, app_url)
    # The report's delay made an hour long: only leaving the pad can send it within this test.
    page.evaluate("() => { nnvizLive.view().reportDelay = 3_600_000; }")
    draw_digit(page, pad, "7")
    assert page.evaluate(REPORTS) == {"reported": 0, "waiting": True}, "the stroke's report waits"
    network = page.locator(NAV_LINKS).and_(page.locator('[href$="/network"]')).first
    network.hover()  # on the way to another page
    assert page.evaluate(REPORTS) == {"reported": 1, "waiting": False}, "leaving the pad reported the stroke"
    wait_live_synced(page)
    network.click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/network"))
    assert wait_for_metric(page, "Prediction") == "7"


def test_a_stroke_begun_as_undo_empties_the_pad_is_kept(page: Any, app_url: str) -> None:
    pad = open_draw_page(page, app_url)
    draw_digit(page, pad, "1")
    wait_live_synced(page)
    page.locator(UNDO).evaluate("b => b.click()")  # then straight on to the pad, before the server has answered
    draw_digit(page, pad, "7")
    wait_live_synced(page)
    assert len(server_strokes(page)) == 1, "the server holds the new stroke"
    assert drawn_pixel_count(pad) > 500 and live_answer(page)["digit"] == "7", "Clear's new generation kept the pad"
    assert wait_for_metric(page, "Prediction") == "7"
