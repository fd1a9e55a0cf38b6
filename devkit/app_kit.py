"""Opening and reading pages under AppTest: the helpers the tests/test_app_*.py files share.

`open_page` starts the app as a fresh session and switches to one page; `chart`, `array` and
`trace` read a plotly figure the page showed; `mnist_image` and `use_session_model` set up what
the page is given (a real test digit, a trained-like session model); `open_learn_tab` opens one of
the Learn page's tabs; `tiny_settings` and `wait_for_training` run a small real training from the
Train page (slow: a worker starts TensorFlow). `streamlit_startup_done_once` (used by tests/conftest.py)
keeps AppTest from redoing Streamlit's per-process start-up work at every run.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from devkit.app_state import concern, put_concern
from devkit.data_dir import PROJECT_ROOT
from nnviz.model.network import Network
from nnviz.session.state.training import TrainingState, with_network
from pages.ui.learn_parts import TABS_KEY

APP_PATH = str(PROJECT_ROOT / "app.py")  # absolute: AppTest resolves relative paths against the calling file
TIMEOUT = 60  # seconds one AppTest run may take: a first run loads MNIST and the default model
TRAINING_DEADLINE_S = 240  # a cold worker imports TensorFlow first


@contextmanager
def streamlit_startup_done_once() -> Iterator[None]:
    """While inside, AppTest does once per process what Streamlit otherwise redoes for every AppTest run.

    Each run of a fresh AppTest reads the metadata of every installed distribution (hundreds here)
    looking for Streamlit components, and compiles app.py and the page again (with its "magic"
    rewrite of the source) into a new bytecode cache. What is installed and the scripts cannot change
    during a test run, so the first answers are kept. Streamlit is pinned; this names only the scanner's
    module function (looked up at each call) and the script cache's one method.
    """
    compiled: dict[str, object] = {}
    compile_script = ScriptCache.get_bytecode

    def get_bytecode(cache: ScriptCache, script_path: str) -> object:
        key = os.path.abspath(script_path)
        if key not in compiled:
            compiled[key] = compile_script(cache, script_path)
        return compiled[key]

    with pytest.MonkeyPatch.context() as patch:
        scan = functools.cache(manifest_scanner.scan_component_manifests)
        patch.setattr(manifest_scanner, "scan_component_manifests", scan)
        patch.setattr(ScriptCache, "get_bytecode", get_bytecode)
        yield


def open_page(page: str, **query: str) -> AppTest:
    """A new session of app.py with `query` in the address bar, switched to `page` (e.g. "pages/screens/learn.py")."""
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def chart(at: AppTest, key: str) -> dict | None:
    """The plotly figure (as a dict) of the chart keyed `key`, or None if the page shows none."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    return None


def array(value) -> np.ndarray:
    """A figure array from its JSON: plotly sends numpy arrays as base64 {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return data.reshape([int(n) for n in str(shape).split(",")]) if shape else data
    return np.asarray(value)


def trace(figure: dict, name: str) -> dict:
    """The trace named `name` of a figure dict (StopIteration if there is none)."""
    return next(t for t in figure["data"] if t.get("name") == name)


def mnist_image(mnist, digit: int) -> np.ndarray:
    """The first test image of `digit` (28×28 as 784 values in 0..1)."""
    return mnist.x_test[np.flatnonzero(mnist.y_test == digit)[0]]


def use_session_model(at: AppTest, network: Network, snapshots: list | None = None) -> AppTest:
    """Make `network` the session's model, as the Train page leaves it after a run (no trainer needed)."""
    put_concern(at, with_network(concern(at, TrainingState), network, snapshots))
    return at.run()


def open_learn_tab(at: AppTest, name: str) -> AppTest:
    """Switch the Learn page (already open in `at`) to its tab labelled `name`, e.g. "2 · Gradient descent"."""
    at.session_state[TABS_KEY] = name
    at.run()
    assert not at.exception, at.exception
    return at


def tiny_settings(at: AppTest, epochs: int = 1) -> AppTest:
    """Set the open Train page to a 784-16-10 network on 1,000 images: a real run of a few seconds."""
    at.slider(key="train_layers").set_value(1).run()
    at.number_input(key="train_size_1").set_value(16)
    at.slider(key="train_epochs").set_value(epochs)
    at.select_slider(key="train_images").set_value(1_000)
    return at.run()


def training_history(at: AppTest):
    """The session's training history (nnviz.session.state.training), as the Train page left it."""
    return concern(at, TrainingState).history


def wait_for_training(at: AppTest) -> AppTest:
    """Rerun the page (as the browser's polling does) until the session's run has finished."""
    deadline = time.monotonic() + TRAINING_DEADLINE_S
    while time.monotonic() < deadline:
        at.run()
        assert not at.exception
        if training_history(at).finished is not None:
            return at.run()
        time.sleep(0.3)  # polling a worker process, as the page does: no event to wait on under AppTest
    raise AssertionError("training did not finish in time")
