"""Standing rules a command can check: ruff check and ruff format are clean, nnviz/ stays free of Streamlit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT, skip_or_fail


def ruff() -> str:
    # The ruff installed beside the running Python first (any virtualenv), then the project's .venv, then PATH.
    found = (
        shutil.which("ruff", path=str(Path(sys.executable).parent))
        or shutil.which("ruff", path=str(PROJECT_ROOT / ".venv" / "bin"))
        or shutil.which("ruff")
    )
    if found is None:
        skip_or_fail("ruff is not installed (pip install -r requirements-test.txt)")
    return found


def test_ruff_is_clean() -> None:
    done = subprocess.run([ruff(), "check", "."], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:]


def test_ruff_format_is_clean() -> None:
    done = subprocess.run([ruff(), "format", "--check", "."], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, "run `ruff format .`\n" + done.stdout[-4000:]


def test_bench_does_not_import_the_tests() -> None:
    """What tests and benchmarks share lives in devkit/, an importable package, not in tests/."""
    for script in (PROJECT_ROOT / "bench").glob("*.py"):
        text = script.read_text()
        assert "from tests" not in text and "import tests" not in text, f"{script.name} imports tests/"


def test_the_nnviz_package_never_imports_streamlit() -> None:
    script = (
        "import importlib, pkgutil, sys, nnviz\n"
        "for m in pkgutil.walk_packages(nnviz.__path__, 'nnviz.'):\n"
        "    importlib.import_module(m.name)\n"
        "sys.exit(1 if 'streamlit' in sys.modules else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, "an nnviz module imported streamlit\n" + done.stderr[-2000:]
