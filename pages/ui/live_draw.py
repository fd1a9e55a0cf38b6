"""The Draw page's live view: a component that draws and runs the network in the browser (nnviz/live/)."""

from __future__ import annotations

import streamlit as st

from nnviz.live import strokes as live_strokes
from nnviz.live.assets import view_assets
from nnviz.live.view_data import live_data
from nnviz.session.state import input as inputs
from nnviz.session.state.input import CurrentInput, InputState
from nnviz.session.state.test import TestState, keep_ink
from pages.ui import links, state, training
from pages.ui.model_results import model_fingerprint

LIVE_VIEW = st.components.v2.component("nnviz.live_draw", **view_assets())


def live_key(page: str) -> str:
    """One key for the view, whatever the canvas generation: the browser keeps telling which model it holds."""
    return f"{page}_live"


def take_report(page: str) -> CurrentInput | None:
    """Turn the drawing the view reported when a stroke ended into the session's input; returns the input.

    The same report on a later rerun (its PNG's digest is kept) changes nothing; a drawing with no
    strokes left (Undo took the last) is Clear.
    """
    reported = state.widget_value(live_key(page)) or {}
    report = live_strokes.read_report(reported.get("drawing"))
    if report is not None:
        fabric = live_strokes.to_fabric(report.strokes)
        drawn, ink, changed = inputs.live_drawing(state.load(InputState), report.png, report.rgba(), fabric)
        if changed:
            state.save(drawn)
            state.save(keep_ink(state.load(TestState), ink))
    return state.load(InputState).current


def live_view(page: str, *, reveal: bool) -> None:
    """Mount the view with the session's model, drawing and input; `reveal` False keeps the answer covered."""
    key = live_key(page)
    network = training.active_network()
    now = state.load(InputState)
    said = state.widget_value(key) or {}
    data = live_data(
        network,
        model_fingerprint(network),
        browser_holds=said.get("model"),
        report=said.get("drawing"),
        strokes=live_strokes.from_fabric(now.drawing),
        generation=now.generation,
        current=now.current,
        reveal=reveal,
        presenter=links.view().presenter,
    )
    # No-op callbacks make the view's reports widget values; they are read in the run (take_report).
    noop = {"on_drawing_change": lambda: None, "on_model_change": lambda: None}
    LIVE_VIEW(key=key, data=data, default={"drawing": None, "model": None}, **noop)
