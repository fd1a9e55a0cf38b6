"""A replica that dies is said: a browser whose model lived in a server process that is gone is told so.

A model is loaded on server A (no training needed: the Train page's upload); A stops and a fresh
server B takes its port, as a restarted replica would. The open tab reconnects to B, which has never
heard of its session; it reruns by itself and the student reads "The server restarted, so your trained model is gone". A
classmate's browser, which never had a model, is told nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from devkit.anatomy import random_arrays
from devkit.browser import VIEWPORT, StreamlitServer, open_app_page, wait_idle
from devkit.data_dir import real_data_dir
from nnviz.model.network import Network, NetworkConfig, network_to_bytes
from nnviz.training.restart import COOKIE

pytestmark = pytest.mark.browser

GONE = "The server restarted, so your trained model is gone"
TIMEOUT_MS = 90_000


def _server(port: int = 0) -> StreamlitServer:
    """A server on a port the system picks, or on `port`: the restarted process answers where the old one did."""
    data_dir = real_data_dir()
    return StreamlitServer("app.py", env={"NNVIZ_DATA_DIR": str(data_dir)} if data_dir else {}, port=port)


def _load_a_model(page: Any, url: str, folder: Path) -> None:
    config = NetworkConfig(hidden_sizes=(16,))
    model = folder / "mine.npz"
    model.write_bytes(network_to_bytes(Network.from_arrays(config, random_arrays(config, seed=1), label="Mine")))
    open_app_page(page, url + "/train", TIMEOUT_MS)
    page.get_by_text("Save or load a model").click()
    page.locator('.st-key-train_upload input[type="file"]').set_input_files(str(model))
    page.wait_for_function(f"() => document.cookie.includes('{COOKIE}=')", timeout=TIMEOUT_MS)
    wait_idle(page, TIMEOUT_MS)


def test_a_tab_that_reconnects_to_a_restarted_server_says_its_model_is_gone(chromium: Any) -> None:
    student = chromium.new_context(viewport=VIEWPORT)
    classmate = chromium.new_context(viewport=VIEWPORT)
    first = _server().start()
    try:
        first.wait_ready()
        page = student.new_page()
        with tempfile.TemporaryDirectory() as folder:
            _load_a_model(page, first.url, Path(folder))
        second_tab = student.new_page()  # same browser, same server: its model is not gone, nothing to say
        open_app_page(second_tab, first.url + "/", TIMEOUT_MS)
        assert second_tab.get_by_text(GONE).count() == 0
        second_tab.close()
        port = first.port
        first.stop()
        restarted = _server(port or 0).start()
        try:
            restarted.wait_ready()
            # The open tab reconnects by itself and reruns: the student is told without clicking anything.
            page.get_by_text(GONE).wait_for(timeout=TIMEOUT_MS)
            other = classmate.new_page()
            open_app_page(other, restarted.url + "/", TIMEOUT_MS)
            assert other.get_by_text(GONE).count() == 0
        finally:
            restarted.stop()
    finally:
        first.stop()
        student.close()
        classmate.close()
