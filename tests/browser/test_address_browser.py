"""One address, in real Chromium: every lesson step, glossary link and shared experiment lands on its page and tab.

The address bar is the oracle: after each "open X" it must hold exactly the place and experiment
nnviz.session.address builds for it (page path, ?tab=, the settings that differ from the defaults),
and the tab the address names must be the one shown.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from devkit.browser import open_app_page, rerun_expected, wait_idle
from nnviz.lesson.glossary import TERMS
from nnviz.lesson.steps import STEPS, step_experiment
from nnviz.session.address import TABS, Address, Place, parse, query, tab_label

pytestmark = pytest.mark.browser

LOAD_MS = 60_000


def address_bar(page: Any) -> tuple[str, dict[str, str]]:
    """The page key the URL's path names ("" -> draw) and its query, as nnviz.session.address reads them."""
    parts = urlsplit(page.url)
    address, _ = parse(parts.path, dict(parse_qsl(parts.query)))
    return address.place.page, dict(parse_qsl(parts.query))


def open_tab(page: Any, page_key: str) -> str | None:
    """The label of the tab shown on page `page_key`, or None for a page without tabs."""
    if page_key not in TABS:
        return None
    selected = page.locator(f'.st-key-{page_key}_tabs [role="tab"][aria-selected="true"]')
    selected.wait_for(timeout=LOAD_MS)
    return selected.inner_text().strip()


def wait_for_address(page: Any, wanted: Address) -> None:
    """Wait until the address bar holds `wanted` exactly, and the app is idle."""
    path = f"/{wanted.place.page}" if wanted.place.page != "draw" else "/(draw)?"
    page.wait_for_url(re.compile(rf"^[^?]*{path}(\?.*)?$"), timeout=LOAD_MS)
    page.wait_for_function(
        "(wanted) => { const q = Object.fromEntries(new URLSearchParams(location.search));"
        " return JSON.stringify(Object.entries(q).sort()) === JSON.stringify(Object.entries(wanted).sort()); }",
        arg=query(wanted),
        timeout=LOAD_MS,
    )
    wait_idle(page, LOAD_MS)


def expected_tab(place: Place) -> str | None:
    """The label of the tab `place` shows: its own, else its page's first one; None on a page without tabs."""
    tabs = TABS.get(place.page, ())
    return tab_label(place.page, place.tab) if place.tab else (tabs[0].label if tabs else None)


def assert_at(page: Any, wanted: Address) -> None:
    wait_for_address(page, wanted)
    page_key, params = address_bar(page)
    assert page_key == wanted.place.page and params == query(wanted)
    assert open_tab(page, page_key) == expected_tab(wanted.place)


def click(page: Any, selector: str) -> None:
    with rerun_expected(page):
        page.locator(selector).first.click()


def back_to_the_lesson(page: Any) -> None:
    """The sidebar's menu, as a teacher goes back: the same session, so the lesson is at the same step."""
    page.locator('[data-testid="stSidebarNav"] a[href$="/lesson"]').click()
    page.wait_for_url(re.compile(r"/lesson(\?.*)?$"), timeout=LOAD_MS)
    page.locator('[data-testid="stMain"] h2').first.wait_for(timeout=LOAD_MS)
    wait_idle(page, LOAD_MS)


def test_every_lesson_step_by_its_button_opens_its_page_tab_and_exactly_its_experiment(page: Any, app_url: str) -> None:
    open_app_page(page, f"{app_url}/lesson", LOAD_MS)
    for number, step in enumerate(STEPS, start=1):
        if number > 1:
            back_to_the_lesson(page)
            click(page, ".st-key-lesson_next button")
        heading = page.locator('[data-testid="stMain"] h2').first.inner_text()
        assert heading.startswith(f"{number} · "), heading
        page.locator(".st-key-lesson_open button").click()
        assert_at(page, Address(step.place, step_experiment(number)))
