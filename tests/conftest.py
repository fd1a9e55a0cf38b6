"""Shared fixtures: where the real MNIST is, whether a test that needs it may skip, and which tests are slow.

On a user's machine without the data the real-data tests skip with a message;
in CI (CI=true) the data is always present, so a missing folder is a failure.

Slow tests (a browser, a server, nginx, Redis, or a real training run) are marked `slow` here, by file
or by fixture, so `pytest -m "not slow"` is the fast loop and plain `pytest` (CI) still runs everything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.app_kit import streamlit_startup_done_once
from devkit.ci import skip_or_fail
from devkit.data_dir import real_data_dir
from nnviz.model.default_model import load_default_network
from nnviz.model.network import Network
from nnviz.training.pool import TrainerPool

# Whole files that start servers, browsers or TensorFlow training (paths relative to tests/).
SLOW_FILES = frozenset(
    {
        "test_deploy.py",
        "test_training.py",
        "test_learn_experiments.py",
        "test_trainer_pool.py",
    }
)
# Fixtures that start something slow: a Chromium, a Streamlit server, a redis-server, a training run.
# Fixtures are matched with everything they depend on (`page` needs `chromium`), never by a parameter's name.
SLOW_FIXTURES = frozenset({"chromium", "app_url", "redis_url", "trainer"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests_root = Path(__file__).resolve().parent
    for item in items:
        relative = item.path.resolve().relative_to(tests_root)
        fixtures = set(getattr(item, "fixturenames", ()))
        if relative.parts[0] == "browser" or relative.name in SLOW_FILES or fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture
def trainer(mnist_dir: Path) -> Path:
    """For a test that trains a real network with TensorFlow (in the worker or in-process): seconds to minutes.

    Training needs MNIST, so this is `mnist_dir`; asking for it by this name marks the test slow.
    """
    return mnist_dir


@pytest.fixture(scope="session", autouse=True)
def _point_the_app_at_real_data() -> None:
    """Let the app under test (AppTest in-process, or a server we start) find the real MNIST offline."""
    folder = real_data_dir()
    if folder is not None:
        os.environ.setdefault("NNVIZ_DATA_DIR", str(folder))


@pytest.fixture(scope="session", autouse=True)
def _streamlit_startup_once() -> Iterator[None]:
    """Every AppTest run would scan the installed packages for components and compile the scripts again."""
    with streamlit_startup_done_once():
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_spare_trainer_in_a_fast_run(request: pytest.FixtureRequest) -> None:
    """In a run without slow tests (the fast tier), the trainer pool starts no spare worker ahead of need.

    Opening the Train page makes the server's pool keep a spare worker ready (a process that imports
    TensorFlow and loads MNIST: seconds of CPU), so that Train answers at once. Tests that do not train
    would pay for it on the other core. A run with slow tests (CI) keeps the real behaviour. Left in
    place until the process ends, because the pool's watchdog thread outlives the test session.
    """
    if not any(item.get_closest_marker("slow") for item in request.session.items):
        TrainerPool._top_up_spares = lambda self: None  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def default_network() -> Network:
    """The shipped default model (784-128-64-10, ReLU), loaded once per test module (numpy only)."""
    return load_default_network()
