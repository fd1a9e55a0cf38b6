"""Standing rules a command can check: ruff is clean, nnviz/ stays free of Streamlit, no test module is imported."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from devkit.ci import skip_or_fail
from devkit.data_dir import PROJECT_ROOT


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


def imported_modules(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) for every import in `tree`; `from . import x` counts as ".x", so siblings show."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.append((node.lineno, base))
            if not node.module:
                found += [(node.lineno, base + alias.name) for alias in node.names]
    return found


def imports_a_test_module(module: str) -> bool:
    """Whether `module` is the tests package, a test module or a conftest (however it is spelled)."""
    parts = module.lstrip(".").split(".")
    return parts[0] == "tests" or any(part.startswith("test_") or part == "conftest" for part in parts)


def test_no_module_imports_a_test_module() -> None:
    """What tests and benchmarks share lives in devkit/; a test module is never imported by another."""
    offenders = []
    for folder in ("tests", "devkit", "bench"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            offenders += [
                f"{path.relative_to(PROJECT_ROOT)}:{line} imports {module}"
                for line, module in imported_modules(tree)
                if imports_a_test_module(module)
            ]
    assert not offenders, "move shared helpers to devkit/:\n" + "\n".join(offenders)


def test_the_import_check_sees_every_spelling() -> None:
    spellings = [
        "import tests.conftest",
        "from tests.app_kit import open_page",
        "from tests import conftest",
        "import test_training",
        "from test_training import make_synthetic",
        "from .test_draw_browser import nav_link",
        "from . import test_draw_browser",
        "from tests.browser.test_draw_browser import nav_link",
    ]
    for source in spellings:
        assert any(imports_a_test_module(m) for _, m in imported_modules(ast.parse(source))), source
    for source in ("import pytest", "from devkit.app_kit import open_page", "from nnviz.model import network"):
        assert not any(imports_a_test_module(m) for _, m in imported_modules(ast.parse(source))), source


def test_the_nnviz_package_never_imports_streamlit() -> None:
    # Read from the source rather than by importing every module: importing nnviz.training would cost a
    # TensorFlow import, and no library nnviz uses imports Streamlit behind its back.
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{line} imports {module}"
        for path in sorted((PROJECT_ROOT / "nnviz").rglob("*.py"))
        for line, module in imported_modules(ast.parse(path.read_text(), filename=str(path)))
        if module.split(".")[0] in ("streamlit", "streamlit_drawable_canvas")
    ]
    assert not offenders, "nnviz/ stays pure:\n" + "\n".join(offenders)
