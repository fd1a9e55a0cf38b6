"""One module touches st.session_state: pages/ui/state.py. Every other page and helper goes through it."""

from __future__ import annotations

from devkit.data_dir import PROJECT_ROOT

ADAPTER = PROJECT_ROOT / "pages" / "ui" / "state.py"


def test_only_the_state_adapter_names_session_state() -> None:
    sources = [PROJECT_ROOT / "app.py", *sorted((PROJECT_ROOT / "pages").rglob("*.py"))]
    sources += sorted((PROJECT_ROOT / "nnviz").rglob("*.py"))
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in sources
        if path != ADAPTER and "session_state" in path.read_text()
    ]
    assert offenders == []
    assert "st.session_state" in ADAPTER.read_text()  # the check would pass vacuously if the adapter moved
