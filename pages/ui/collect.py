"""The Collect control: keep the current drawing with the digit the student says it is, save and load the set.

Our own handwriting becomes a second test set beside MNIST's (the Test page scores
the model on it). Used on the Draw page under the canvas and on the Test page.
"""

from __future__ import annotations

import streamlit as st

from nnviz.classroom.collection import collection_to_bytes
from nnviz.lesson.glossary import explain
from nnviz.session.state import test as tests
from nnviz.session.state.input import InputState
from nnviz.session.state.test import OWN_SOURCES, TestState
from pages.ui import state
from pages.ui.widgets import upload_limit_text

DIGITS = list(range(10))


def collect_control(page: str) -> None:
    """A "Collect" popover: which digit the drawing is and a button to keep it.

    It is redrawn on every stroke, so it holds only what a stroke needs: saving and loading
    the set (a download's bytes, an uploader) live on the Test page's "Our drawings" tab.
    """
    collected = len(state.load(TestState).drawings)
    with st.popover(f"Collect ({collected})", icon=":material/library_add:", width="stretch"):
        current = state.load(InputState).current
        if current is None or current.source not in OWN_SOURCES:
            st.caption("Draw a digit (or upload a photo), then say which digit it is to keep it for testing.")
        else:
            st.segmented_control(
                "Which digit did you mean?", DIGITS, key=f"{page}_collect_label", help=explain("our_drawings")
            )
            keep = {"on_click": _collect, "args": (page,), "width": "stretch"}
            st.button("Keep it in our drawings", key=f"{page}_collect", icon=":material/add:", **keep)
        st.caption("Save or load the set on the Test page, under “Our drawings”.")
    show_collect_error()


def show_collect_error() -> None:
    """Why the last Collect or upload did not work, once."""
    left, error = tests.take_collect_error(state.load(TestState))
    if error:
        state.save(left)
        st.warning(error, icon=":material/warning:")


def collection_files(page: str) -> None:
    """Download our drawings as a small .npz, or add drawings from such a file."""
    drawings = state.load(TestState).drawings
    if len(drawings):
        st.download_button(
            f"Download our {len(drawings)} drawings",
            data=lambda: collection_to_bytes(drawings),  # made only when pressed, not on every rerun
            on_click="ignore",
            file_name="our_drawings.npz",
            mime="application/octet-stream",
            key=f"{page}_collect_download",
            icon=":material/download:",
            width="stretch",
        )
    key = f"{page}_collect_upload"
    st.file_uploader(
        "Add drawings from a file (.npz saved here)", ["npz"], key=key, on_change=_add_uploaded, args=(key,)
    )
    st.caption(upload_limit_text())


def _collect(page: str) -> None:
    label = state.widget_value(f"{page}_collect_label")
    current = state.load(InputState).current
    state.save(tests.collect(state.load(TestState), current, None if label is None else int(label)))


def _add_uploaded(key: str) -> None:
    uploaded = state.widget_value(key)
    if uploaded is not None:
        state.save(tests.add_file(state.load(TestState), uploaded.getvalue()))
