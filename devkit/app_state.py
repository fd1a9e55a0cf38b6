"""Read and set a session's typed state (nnviz/session/state/) in an AppTest, through the adapter's keys.

Tests should rather assert on what a page shows; these are for setting up a session as a click
in a browser would leave it (AppTest cannot click a plotly chart), and for the few values a page
does not show.
"""

from __future__ import annotations

from typing import TypeVar

from streamlit.testing.v1 import AppTest

from pages.ui.state import _key as state_key  # the adapter's one naming rule, not a copy of it

T = TypeVar("T")


def load(at: AppTest, kind: type[T]) -> T:
    """The session's value of concern `kind` after the last run, or `kind()` before it was saved."""
    key = state_key(kind)
    value = at.session_state.get(key)
    return value if isinstance(value, kind) else kind()


def save(at: AppTest, value: object) -> AppTest:
    """Give the session `value` as its concern (its type) for the next run."""
    at.session_state[state_key(type(value))] = value
    return at
