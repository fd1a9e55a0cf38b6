"""Fixtures for the browser tests: a served app, a headless system Chromium, a fresh page per test.

Every test module here sets `pytestmark = pytest.mark.browser`. Without
playwright or Chromium the tests skip with a message on a user's machine and
fail in CI (CI=true), where both are installed. No browser is ever downloaded:
the system Chromium is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devkit.browser import (
    CHROMIUM_ARGS,
    VIEWPORT,
    StreamlitServer,
    chromium_executable,
)
from devkit.ci import skip_or_fail
from devkit.data_dir import real_data_dir


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless system Chromium, shared by all browser tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("browser tests need the playwright package: pip install -r requirements-test.txt")
    executable = chromium_executable()
    if executable is None:
        skip_or_fail("browser tests need Chromium: apt-get install -y chromium (or set CHROMIUM=/path/to/it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def app_url(chromium: Any) -> Iterator[str]:
    """`streamlit run app.py` on a free port (real MNIST folder if there is one); the group is killed after."""
    data_dir = real_data_dir()
    env = {"NNVIZ_DATA_DIR": str(data_dir)} if data_dir else {}
    with StreamlitServer("app.py", env=env) as server:
        try:
            server.wait_ready()
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield server.url


@pytest.fixture
def page(chromium: Any, app_url: str) -> Iterator[Any]:
    """A fresh browser context (so a fresh Streamlit session) per test."""
    context = chromium.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def needs_mnist() -> None:
    """For browser tests that train or show test digits: without MNIST they skip at once (fail in CI),
    instead of waiting for a page that can only report the missing data."""
    if real_data_dir() is None:
        skip_or_fail("real MNIST not found: set NNVIZ_DATA_DIR or put it in ../shared/data/mnist")
