"""Shared fixtures: where the real MNIST is, and whether a test that needs it may skip.

On a user's machine without the data the real-data tests skip with a message;
in CI (CI=true) the data is always present, so a missing folder is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devkit.data_dir import real_data_dir
from nnviz.model.default_model import load_default_network
from nnviz.model.network import Network

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_PATH = str(PROJECT_ROOT / "app.py")  # AppTest resolves relative paths against the calling file


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip on a user's machine; fail in CI, where everything a test needs is installed."""
    if in_ci():
        pytest.fail(f"{reason} (CI must run this test, not skip it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    folder = real_data_dir()
    if folder is None:
        skip_or_fail("real MNIST not found: set NNVIZ_DATA_DIR or put it in ../shared/data/mnist")
    return folder


@pytest.fixture(scope="session")
def mnist(mnist_dir: Path):
    from nnviz.model.mnist import load_mnist

    return load_mnist(mnist_dir)


@pytest.fixture(scope="session", autouse=True)
def _point_the_app_at_real_data() -> None:
    """Let the app under test (AppTest in-process, or a server we start) find the real MNIST offline."""
    folder = real_data_dir()
    if folder is not None:
        os.environ.setdefault("NNVIZ_DATA_DIR", str(folder))


@pytest.fixture(scope="module")
def default_network() -> Network:
    """The shipped default model (784-128-64-10, ReLU), loaded once per test module (numpy only)."""
    return load_default_network()
