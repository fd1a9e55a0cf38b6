"""Shared fixtures: where the real MNIST is, and whether a test that needs it may skip.

On a user's machine without the data the real-data tests skip with a message;
in CI (CI=true) the data is always present, so a missing folder is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_PATH = str(PROJECT_ROOT / "app.py")  # AppTest resolves relative paths against the calling file
DEFAULT_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" / "mnist"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def real_data_dir() -> Path | None:
    """The real MNIST folder (NNVIZ_DATA_DIR, else ../shared/data/mnist), or None if absent."""
    configured = os.environ.get("NNVIZ_DATA_DIR")
    folder = Path(configured) if configured else DEFAULT_DATA_DIR
    has_test_images = any((folder / name).exists() for name in ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"))
    return folder if has_test_images else None


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
    from nnviz.data import load_mnist

    return load_mnist(mnist_dir)


@pytest.fixture(scope="session", autouse=True)
def _point_the_app_at_real_data() -> None:
    """Let the app under test (AppTest in-process, or a server we start) find the real MNIST offline."""
    folder = real_data_dir()
    if folder is not None:
        os.environ.setdefault("NNVIZ_DATA_DIR", str(folder))
