"""The Collect control: keep the current drawing with the digit the student says it is, save and load the set.

Our own handwriting becomes a second test set beside MNIST's (the Test page scores
the model on it). Used on the Draw page under the canvas and on the Test page.
"""

from __future__ import annotations

import streamlit as st

from nnviz.classroom.collection import collection_to_bytes, load_collection
from pages.ui import session
from pages.ui.widgets import upload_limit_text

DIGITS = list(range(10))
OWN_SOURCES = ("drawing", "photo")  # what counts as our handwriting (not MNIST digits, not made-up inputs)


def collect_control(page: str) -> None:
    """A "Collect" popover: which digit the drawing is and a button to keep it.

    It is redrawn on every stroke, so it holds only what a stroke needs: saving and loading
    the set (a download's bytes, an uploader) live on the Test page's "Our drawings" tab.
    """
    collected = len(session.our_drawings())
    with st.popover(f"Collect ({collected})", icon=":material/library_add:", width="stretch"):
        current = session.current_input()
        if current is None or current.source not in OWN_SOURCES:
            st.caption("Draw a digit (or upload a photo), then say which digit it is to keep it for testing.")
        else:
            st.segmented_control(
                "Which digit did you mean?", DIGITS, key=f"{page}_collect_label", help="The true label of the drawing."
            )
            st.button(
                "Keep it in our drawings",
                key=f"{page}_collect",
                icon=":material/add:",
                on_click=_collect,
                args=(page,),
                width="stretch",
            )
        st.caption("Save or load the set on the Test page, under “Our drawings”.")
    show_collect_error()


def show_collect_error() -> None:
    """Why the last Collect or upload did not work, once."""
    if error := st.session_state.pop(session.COLLECT_ERROR, None):
        st.warning(error, icon=":material/warning:")


def collection_files(page: str) -> None:
    """Download our drawings as a small .npz, or add drawings from such a file."""
    drawings = session.our_drawings()
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
    st.file_uploader(
        "Add drawings from a file (.npz saved here)",
        type=["npz"],
        key=f"{page}_collect_upload",
        on_change=_add_uploaded,
        args=(f"{page}_collect_upload",),
    )
    st.caption(upload_limit_text())


def _collect(page: str) -> None:
    current = session.current_input()
    label = st.session_state.get(f"{page}_collect_label")
    if current is None or current.source not in OWN_SOURCES:
        return
    if label is None:
        st.session_state[session.COLLECT_ERROR] = "Pick which digit you meant first, then press Keep."
        return
    try:
        session.set_our_drawings(session.our_drawings().add(current.pixels, int(label)))
    except ValueError as exc:
        st.session_state[session.COLLECT_ERROR] = str(exc)


def _add_uploaded(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    try:
        session.set_our_drawings(session.our_drawings().extend(load_collection(uploaded.getvalue())))
    except ValueError as exc:
        st.session_state[session.COLLECT_ERROR] = str(exc)
