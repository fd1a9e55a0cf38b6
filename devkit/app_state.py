"""A session's typed state under AppTest: read or set one concern (nnviz.session.state) of an AppTest's session.

AppTest exposes the session's raw state; the concern lives under the key pages/ui/state.py keeps it
under, so tests read and set it exactly as the pages do.
"""

from __future__ import annotations

from typing import TypeVar

from streamlit.testing.v1 import AppTest

from nnviz.model.network import Network
from nnviz.session.state.training import TrainingState
from pages.ui.state import session_key

T = TypeVar("T")


def concern(at: AppTest, kind: type[T]) -> T:
    """The AppTest session's value of the concern `kind` (its defaults before the app first saved it)."""
    key = session_key(kind)
    return at.session_state[key] if key in at.session_state else kind()


def put_concern(at: AppTest, value: object) -> None:
    """Set the AppTest session's concern to `value` (seen by the next `at.run()`)."""
    at.session_state[session_key(type(value))] = value


def session_network(at: AppTest) -> Network | None:
    """The session's own model, or None while it uses the default model."""
    return concern(at, TrainingState).network
