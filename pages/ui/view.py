"""How the pages look for this session: the sidebar switches, presenter mode's CSS, and figures.

Every page shows its figures through `chart`, so presenter mode enlarges all of
them in one place (nnviz.figures.style.for_presenter) and the figure code stays
written once.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from nnviz.figures.presenter_css import PRESENTER_CSS
from nnviz.figures.style import for_presenter
from nnviz.lesson.glossary import explain
from nnviz.session.state.view import ViewState
from pages.ui import links, state

PRESENT_TOGGLE = "view_present"  # widget keys of the sidebar switches
GUESS_TOGGLE = "view_guess"


def sidebar_state() -> str:
    """The sidebar's state when a page opens: collapsed in presenter mode, so the figures get the room."""
    return "collapsed" if links.view().presenter else "auto"


def apply() -> None:
    """Put the view into this run: the presenter CSS when it is on (the router keeps the link)."""
    if links.view().presenter:
        st.html(PRESENTER_CSS)


def _switched(key: str, field: str) -> None:
    links.set_view(**{field: bool(state.widget_value(key))})


def sidebar_switches() -> None:
    """The two classroom switches, in the sidebar, mirrored in the link (?present=1, ?guess=1)."""
    view = links.view()
    # Shown from the experiment on every run, so a link or a lesson button that changed it is reflected.
    state.set_widget_value(PRESENT_TOGGLE, view.presenter)
    state.set_widget_value(GUESS_TOGGLE, view.guess_first)
    with st.sidebar:
        for label, key, field, term in (
            ("Presenter mode", PRESENT_TOGGLE, "presenter", "presenter_mode"),
            ("Guess first", GUESS_TOGGLE, "guess_first", "guess_first"),
        ):
            st.toggle(label, key=key, on_change=_switched, args=(key, field), help=explain(term))


def sidebar_tally() -> None:
    """The session's guess tally, under the switches; drawn after the page, so it includes a guess just marked."""
    if links.view().guess_first:
        st.sidebar.caption(f"**Guesses:** {state.load(ViewState).tally.describe()}")


def chart(figure: go.Figure, **kwargs: Any) -> Any:
    """`st.plotly_chart(figure, **kwargs)`, enlarged in presenter mode."""
    if links.view().presenter:
        figure = for_presenter(figure)
        kwargs["theme"] = None  # Streamlit's chart theme would grey the black text out again
    return st.plotly_chart(figure, **kwargs)
