"""The one module that touches `st.session_state`: each concern of a session kept as one frozen value.

A session's state is a handful of frozen dataclasses in nnviz/session/state/ (input, training,
learn, test, board, view), each with its transitions as pure functions. Pages never read or write
session-state keys: they `load` a concern, call a pure transition, and `save` the result. Widget
values that Streamlit itself keeps under a widget's key are read and set here too, so a test can
check that no other module names `st.session_state`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")


def session_key(kind: type) -> str:
    """The session-state key the concern `kind` is kept under (AppTests read a session's state with it)."""
    return f"nnviz.{kind.__module__}.{kind.__qualname__}"


def load(kind: type[T]) -> T:
    """This session's value of the concern `kind`, or `kind()` (its defaults) before it was first saved."""
    value = st.session_state.get(session_key(kind))
    return value if isinstance(value, kind) else kind()


def save(value: object) -> None:
    """Keep `value` as this session's value of its concern (its type) until the next `save`."""
    st.session_state[session_key(type(value))] = value


def widget_value(key: str, default: Any = None) -> Any:
    """The value Streamlit keeps for the widget with `key` (set by the student or by `set_widget_value`)."""
    return st.session_state.get(key, default)


def set_widget_value(key: str, value: Any) -> None:
    """Give the widget with `key` this value on its next render (call before the widget is drawn)."""
    st.session_state[key] = value


def forget_widget(key: str) -> None:
    """Drop the widget's kept value, so it shows its default when drawn again."""
    st.session_state.pop(key, None)
