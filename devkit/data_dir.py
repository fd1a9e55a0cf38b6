"""Where the real MNIST folder is on a developer's machine: one lookup for tests and benchmarks."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR_ENV = "NNVIZ_DATA_DIR"
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" / "mnist"  # next to the project checkout
TEST_IMAGE_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte")


def real_data_dir() -> Path | None:
    """The real MNIST folder (NNVIZ_DATA_DIR, else ../shared/data/mnist) if it holds the test images, else None."""
    configured = os.environ.get(DATA_DIR_ENV)
    folder = Path(configured) if configured else SHARED_DATA_DIR
    return folder if any((folder / name).exists() for name in TEST_IMAGE_FILES) else None


def data_dir_argument() -> str | None:
    """`real_data_dir()` as a command-line default: a path string, or None where there is no data."""
    folder = real_data_dir()
    return None if folder is None else str(folder)
