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
from playwright.sync_api import expect

from devkit.browser import VIEWPORT, open_app_page, rerun_expected, wait_idle
from nnviz.lesson.glossary import TERMS
from nnviz.lesson.steps import STEPS, step_experiment
from nnviz.session.address import TABS, Address, Place, parse, query, tab_label
from nnviz.session.settings import PRESETS

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


def wait_for_step_heading(page: Any, number: int) -> None:
    """Wait until the Lesson shows step `number`'s own heading and the run that drew it has ended.

    The heading is the page's own signal: a heading of the page left behind, or the idle state before
    the navigation's run has begun, would let a click land on a page that is about to be replaced.
    """
    page.wait_for_function(
        "(start) => { const h = document.querySelector('[data-testid=\"stMain\"] h2');"
        " return h !== null && h.innerText.startsWith(start); }",
        arg=f"{number} · ",
        timeout=LOAD_MS,
    )
    wait_idle(page, LOAD_MS)


def back_to_the_lesson(page: Any, step_number: int | None = None) -> None:
    """The sidebar's menu, as a teacher goes back: the same session, so the lesson is at the same step."""
    page.locator('[data-testid="stSidebarNav"] a[href$="/lesson"]').click()
    page.wait_for_url(re.compile(r"/lesson(\?.*)?$"), timeout=LOAD_MS)
    if step_number is None:
        page.locator('[data-testid="stMain"] h2').first.wait_for(timeout=LOAD_MS)
        wait_idle(page, LOAD_MS)
    else:
        wait_for_step_heading(page, step_number)


def test_every_lesson_step_by_its_button_opens_its_page_tab_and_exactly_its_experiment(page: Any, app_url: str) -> None:
    open_app_page(page, f"{app_url}/lesson", LOAD_MS)
    for number, step in enumerate(STEPS, start=1):
        if number > 1:
            back_to_the_lesson(page, number - 1)
            page.locator(".st-key-lesson_next button").click()
        wait_for_step_heading(page, number)
        page.locator(".st-key-lesson_open button").click()
        assert_at(page, Address(step.place, step_experiment(number)))


def one_term_per_place() -> dict[Place, str]:
    """A glossary term for each place the glossary links to (all links to a place are built the same way)."""
    return {term.place: term.key for term in reversed(TERMS.values())}


def test_glossary_links_land_on_their_page_and_tab(page: Any, app_url: str) -> None:
    open_app_page(page, f"{app_url}/lesson", LOAD_MS)
    for number, (place, key) in enumerate(one_term_per_place().items()):
        if number:
            back_to_the_lesson(page)
        glossary = page.locator('[data-testid="stExpander"] details', has_text="Glossary").first
        if not glossary.evaluate("details => details.open"):
            glossary.locator("summary").click()
        term = TERMS[key]
        link = page.locator('[data-testid="stPageLink"] a', has_text=f"See it on {place.title}: {term.look[:20]}")
        link.first.click()
        assert_at(page, Address(place))


def test_a_tab_in_the_link_opens_on_load_and_on_reload_and_the_open_tab_is_kept(page: Any, app_url: str) -> None:
    open_app_page(page, f"{app_url}/learn?tab=descent", LOAD_MS)
    assert_at(page, Address(Place("learn", "descent")))
    page.reload()
    wait_idle(page, LOAD_MS)
    assert_at(page, Address(Place("learn", "descent")))
    page.locator('.st-key-learn_tabs [role="tab"]', has_text=tab_label("learn", "data")).click()
    assert_at(page, Address(Place("learn", "data")))  # the tab a student opens goes into the address bar
    page.reload()
    assert_at(page, Address(Place("learn", "data")))
    open_app_page(page, f"{app_url}/draw", LOAD_MS)  # the default page answers to its name too
    assert page.locator("h1").first.inner_text() == "Draw a digit"
    assert_at(page, Address(Place("draw")))


def test_open_it_on_a_shared_experiment_opens_it_for_the_student(chromium: Any, app_url: str) -> None:
    teacher_context, student_context = (chromium.new_context(viewport=VIEWPORT) for _ in range(2))
    try:
        teacher, student = teacher_context.new_page(), student_context.new_page()
        open_app_page(teacher, f"{app_url}/board", LOAD_MS)
        click(teacher, ".st-key-board_new button")
        teacher.get_by_text("Class board · room", exact=False).wait_for(timeout=LOAD_MS)
        code = urlsplit(teacher.url).query.split("room=")[1][:4]
        # The student scans the join link: Train, with the room code filled in.
        join_link = teacher.locator('[data-testid="stCode"]').first.inner_text().strip()
        assert join_link.endswith(f"/train?room={code}")
        teacher.locator('[data-testid="stImage"] img').first.wait_for(timeout=LOAD_MS)  # its QR code, to scan
        open_app_page(student, app_url + urlsplit(join_link).path + "?" + urlsplit(join_link).query, LOAD_MS)
        # The field is filled in by the page's first run; the browser may show it a frame later.
        expect(student.locator(".st-key-board_join_code input")).to_have_value(code, timeout=LOAD_MS)
        student.locator(".st-key-board_join_nickname input").fill("Turbo Owl")
        student.locator(".st-key-board_join_nickname input").press("Tab")
        wait_idle(student, LOAD_MS)
        click(student, ".st-key-board_join button")
        student.get_by_text(f"You are in room {code} as", exact=False).wait_for(timeout=LOAD_MS)
        elsewhere = student.locator('[data-testid="stSidebarNav"] a[href$="/network"]')
        elsewhere.click()  # the student is elsewhere when the teacher shares
        wait_idle(student, LOAD_MS)

        teacher.locator('[data-testid="stExpander"] summary', has_text="Teacher tools").click()
        teacher.locator(".st-key-board_share_pick label", has_text="Lab example").click()
        wait_idle(teacher, LOAD_MS)
        click(teacher, ".st-key-board_share button")

        student.locator(".st-key-board_open_shared button").wait_for(timeout=LOAD_MS)  # polled every few seconds
        student.locator(".st-key-board_open_shared button").click()
        lab = PRESETS["lab"].experiment
        assert_at(student, Address(Place("train"), lab))  # exactly the teacher's experiment, in the address bar too
        assert student.locator("h1").first.inner_text() == "Train your own network"
    finally:
        teacher_context.close()
        student_context.close()
