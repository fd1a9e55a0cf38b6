"""Skip here, fail in CI: what a test does when something it needs is missing.

On a user's machine a test whose data or tool is missing skips with a message; in CI (CI=true)
everything is installed, so the same gap is a failure instead of a quietly green run.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip on a user's machine; fail in CI, where everything a test needs is installed."""
    if in_ci():
        pytest.fail(f"{reason} (CI must run this test, not skip it)")
    pytest.skip(reason)


def require_module(name: str) -> ModuleType:
    """`import name`, or skip (here) / fail (CI) with a message: pytest.importorskip that CI cannot hide."""
    try:
        return importlib.import_module(name)
    except ImportError:
        skip_or_fail(f"{name} is not installed: pip install -r requirements-test.txt")
        raise  # unreachable: skip_or_fail always raises
