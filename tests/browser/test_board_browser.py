"""The class board in real Chromium: two students join one room, both train, and a third tab's board shows both.

Run twice: on one app server with the in-memory rooms, and through Redis with the students
on one app server and the board on another (what Redis is for: several servers, one class).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from devkit.browser import VIEWPORT, StreamlitServer, open_app_page, read_metric, wait_idle
from devkit.data_dir import real_data_dir
from devkit.redis_server import redis_server

pytestmark = pytest.mark.browser

TRAINING_TIMEOUT_MS = 240_000  # a cold trainer imports TensorFlow before the first step; two runs may queue
BOARD_TIMEOUT_MS = 60_000  # the board polls every few seconds; a busy 2-core machine is slow
TINY_RUN = "/train?layers=16&epochs=1&images=1000"
NICKNAMES = ("**x** [a](//ev.il) <b>", "Turbo Owl")


def serve(stack: ExitStack, env: dict[str, str]) -> str:
    data_dir = real_data_dir()
    server = stack.enter_context(StreamlitServer("app.py", env={**env, "NNVIZ_DATA_DIR": str(data_dir or "")}))
    try:
        server.wait_ready()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    return server.url


@pytest.fixture(params=["one server", "two servers and Redis"])
def student_and_board_urls(request: pytest.FixtureRequest, app_url: str) -> Iterator[tuple[str, str]]:
    if request.param == "one server":
        yield app_url, app_url
        return
    with ExitStack() as stack:
        redis_url = stack.enter_context(redis_server())
        env = {"NNVIZ_REDIS_URL": redis_url}
        yield serve(stack, env), serve(stack, env)


def open_board(page: Any, url: str) -> str:
    open_app_page(page, url + "/board")
    new_board = page.locator(".st-key-board_new button")
    new_board.wait_for(state="visible", timeout=BOARD_TIMEOUT_MS)
    new_board.click()
    page.get_by_text("Class board · room", exact=False).wait_for(timeout=BOARD_TIMEOUT_MS)
    wait_idle(page, BOARD_TIMEOUT_MS)
    return page.url.split("room=")[1][:4]


def join_and_train(page: Any, url: str, code: str, nickname: str) -> None:
    open_app_page(page, url + TINY_RUN)
    code_field = page.locator(".st-key-board_join_code input")
    code_field.wait_for(state="visible", timeout=BOARD_TIMEOUT_MS)  # a fresh server routes the first request twice
    code_field.fill(code.lower())
    page.locator(".st-key-board_join_nickname input").fill(nickname)
    page.locator(".st-key-board_join_nickname input").press("Tab")
    wait_idle(page, BOARD_TIMEOUT_MS)
    page.locator(".st-key-board_join button").click()
    page.get_by_text(f"You are in room {code} as", exact=False).wait_for(timeout=BOARD_TIMEOUT_MS)
    wait_idle(page, BOARD_TIMEOUT_MS)
    page.locator(".st-key-train_start button").click()


@pytest.mark.usefixtures("needs_mnist")  # the students train
def test_two_students_train_and_the_board_shows_both(chromium: Any, student_and_board_urls: tuple[str, str]) -> None:
    student_url, board_url = student_and_board_urls
    contexts = [chromium.new_context(viewport=VIEWPORT) for _ in range(3)]
    try:
        board, *students = (context.new_page() for context in contexts)
        code = open_board(board, board_url)
        for student, nickname in zip(students, NICKNAMES):
            join_and_train(student, student_url, code, nickname)
        for student in students:
            student.get_by_text("Done!", exact=False).wait_for(timeout=TRAINING_TIMEOUT_MS)
            # The run's end shows at once; the whole page (its model badge) is redrawn a staggered moment later.
            student.get_by_text("784-16-10", exact=False).first.wait_for(timeout=BOARD_TIMEOUT_MS)

        # No reload: the board's own polling brings the two runs in.
        board.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m =>
                 m.innerText.includes('Runs posted') && m.innerText.trim().endsWith('2'))""",
            timeout=BOARD_TIMEOUT_MS,
        )
        wait_idle(board)
        assert read_metric(board, "Students in the room") == "2"
        scatter = board.locator(".st-key-board_scatter .js-plotly-plot").first
        scatter.wait_for(timeout=BOARD_TIMEOUT_MS)
        names = scatter.evaluate("el => el.data.flatMap(trace => trace.customdata.map(row => row[0]))")
        assert sorted(names) == sorted(["**x** [a](//ev.il) &lt;b&gt;", "Turbo Owl"])  # escaped for plotly
        # The hostile nickname is text everywhere: no link, no bold, nothing rendered from it.
        assert board.locator('a[href*="ev.il"]').count() == 0
        for page in (board, *students):
            assert page.locator('[data-testid="stException"]').count() == 0
        assert students[0].locator('a[href*="ev.il"]').count() == 0
        assert NICKNAMES[0] in students[0].inner_text("body")
    finally:
        for context in contexts:
            context.close()
