"""The shape of the Streamlit side, read from the source (AST): pages are layout on public Streamlit API.

- only pages/ui/state.py names the session state;
- every help text comes from the glossary (no literal `help=` string in pages/ or app.py);
- no private Streamlit import (streamlit.runtime, streamlit.errors, any `_` name, ...) in pages/ or app.py;
- the top-level pages/ folder holds only `__init__.py` and folders (Streamlit's legacy folder mode
  would serve any page file there by URL, past `st.navigation`);
- pages/ stays small: at most 2,600 lines in all and 350 per file.

Each rule's checker is tested on a few lines of code, so a rule that can no longer fail is noticed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from devkit.data_dir import PROJECT_ROOT

PAGES = PROJECT_ROOT / "pages"
STATE_ADAPTER = PAGES / "ui" / "state.py"
MAX_PAGES_LINES = 2_600
MAX_FILE_LINES = 350
# What pages may import from streamlit besides `import streamlit as st`: documented, public modules.
PUBLIC_STREAMLIT_MODULES = ("streamlit.components.v1", "streamlit.components.v2", "streamlit.column_config")
PRIVATE_STREAMLIT_MODULES = ("streamlit.delta_generator", "streamlit.errors", "streamlit.runtime", "streamlit.web")


def streamlit_side() -> list[Path]:
    """Every Python file of the Streamlit side: app.py and pages/."""
    return [PROJECT_ROOT / "app.py", *sorted(PAGES.rglob("*.py"))]


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def line_count(path: Path) -> int:
    """Lines as `wc -l` counts them (the budget is stated in its terms)."""
    return path.read_text().count("\n")


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(PROJECT_ROOT)}:{getattr(node, 'lineno', '?')}"


# --- the checkers: each yields the offending nodes of one module ---------------------------------------------------


def session_state_uses(tree: ast.Module) -> Iterator[ast.AST]:
    """Every `session_state` named in code: `st.session_state`, a bare name, or an import of it."""
    for node in ast.walk(tree):
        attribute = isinstance(node, ast.Attribute) and node.attr == "session_state"
        name = isinstance(node, ast.Name) and node.id == "session_state"
        imported = isinstance(node, ast.ImportFrom) and any(alias.name == "session_state" for alias in node.names)
        if attribute or name or imported:
            yield node


def is_literal_text(value: ast.expr) -> bool:
    return isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant) and isinstance(value.value, str))


def literal_help_texts(tree: ast.Module) -> Iterator[ast.AST]:
    """Every call given `help=` a string literal or an f-string (instead of a glossary text)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from (kw.value for kw in node.keywords if kw.arg == "help" and is_literal_text(kw.value))


def is_private_streamlit_module(module: str) -> bool:
    if module != "streamlit" and not module.startswith("streamlit."):
        return False
    if any(part.startswith("_") for part in module.split(".")):
        return True
    if any(module == public or module.startswith(public + ".") for public in PUBLIC_STREAMLIT_MODULES):
        return False
    return module != "streamlit"  # any other submodule is Streamlit's inside (runtime, errors, elements, ...)


def private_streamlit_uses(tree: ast.Module) -> Iterator[ast.AST]:
    """Imports of Streamlit's insides, `_`-prefixed names imported from it, and `st._name` attributes."""
    streamlit_aliases = {"streamlit"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "streamlit":
                    streamlit_aliases.add(alias.asname or alias.name)
                if is_private_streamlit_module(alias.name):
                    yield node
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            from_streamlit = node.module == "streamlit" or node.module.startswith("streamlit.")
            private_name = from_streamlit and any(alias.name.startswith("_") for alias in node.names)
            if is_private_streamlit_module(node.module) or private_name:
                yield node
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in streamlit_aliases:
                yield node


# --- the rules -------------------------------------------------------------------------------------------------------


def test_only_the_state_adapter_touches_session_state() -> None:
    offenders = [
        where(path, node)
        for path in streamlit_side()
        if path != STATE_ADAPTER
        for node in session_state_uses(parsed(path))
    ]
    assert not offenders, "load and save session state through pages/ui/state.py:\n" + "\n".join(offenders)


def test_every_help_text_comes_from_the_glossary() -> None:
    offenders = [where(path, node) for path in streamlit_side() for node in literal_help_texts(parsed(path))]
    assert not offenders, "help= takes explain(key) from nnviz/lesson/glossary.py:\n" + "\n".join(offenders)


def test_no_private_streamlit_api() -> None:
    offenders = [where(path, node) for path in streamlit_side() for node in private_streamlit_uses(parsed(path))]
    assert not offenders, "use Streamlit's public API only:\n" + "\n".join(offenders)


def test_the_top_level_pages_folder_holds_only_its_init_and_folders() -> None:
    loose = sorted(
        entry.name
        for entry in PAGES.iterdir()
        if (entry.is_file() and entry.name != "__init__.py") or (entry.is_dir() and entry.name.startswith("."))
    )
    assert not loose, f"Streamlit's legacy folder mode would serve these by URL: {loose}"
    assert (PAGES / "__init__.py").is_file()


def test_pages_hold_at_most_2600_lines_in_all() -> None:
    total = sum(line_count(path) for path in PAGES.rglob("*.py"))
    assert total <= MAX_PAGES_LINES, f"pages/ has {total:,} lines; move logic and sentences to nnviz/"


def test_no_page_file_is_over_350_lines() -> None:
    long_files = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for path in sorted(PAGES.rglob("*.py"))
        if (lines := line_count(path)) > MAX_FILE_LINES
    }
    assert not long_files, f"over {MAX_FILE_LINES} lines (move logic to nnviz/): {long_files}"


# --- the checkers catch what they are for ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ("import streamlit as st\nst.session_state['x'] = 1", 1),
        ("x = st.session_state.get('x')", 1),
        ("from streamlit import session_state", 1),
        ("state = session_state['x']", 1),
        ("from pages.ui import state\nx = state.load(Kind)", 0),
    ],
)
def test_the_session_state_check_sees_every_spelling(source: str, count: int) -> None:
    assert len(list(session_state_uses(ast.parse(source)))) == count


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ("st.button('Go', help='Press it')", 1),
        ("st.slider('x', 0, 9, help=f'Up to {n}')", 1),
        ("st.caption(text, help=explain('epoch'))", 0),
        ("st.caption(text, help=None)", 0),
        ("st.caption(text, help=HELP_EPOCH)", 0),
    ],
)
def test_the_help_check_sees_literals_and_f_strings(source: str, count: int) -> None:
    assert len(list(literal_help_texts(ast.parse(source)))) == count


@pytest.mark.parametrize(
    ("source", "private"),
    [
        ("from streamlit.delta_generator import DeltaGenerator", True),
        ("from streamlit.errors import StreamlitAPIException", True),
        ("from streamlit.runtime.scriptrunner import get_script_run_ctx", True),
        ("import streamlit.runtime.scriptrunner_utils", True),
        ("from streamlit import _bottom", True),
        ("import streamlit as st\nst._main", True),
        ("import streamlit as st\nst.sidebar._thing", True),
        ("import streamlit as st\nst.button('Go')", False),
        ("from streamlit.components.v2 import component", False),
        ("from streamlit_drawable_canvas import st_canvas", False),
        ("from pages.ui import state\nstate._private", False),
    ],
)
def test_the_private_api_check_tells_inside_from_public(source: str, private: bool) -> None:
    assert bool(list(private_streamlit_uses(ast.parse(source)))) == private
