"""Page pieces shared by several pages: the drawing canvas, the Prediction block and the model badge."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from nnviz.lesson.glossary import explain
from nnviz.lesson.wording import sure
from nnviz.model.forward import OVERFLOW_MESSAGE, ForwardPass
from nnviz.model.network import Network
from nnviz.session.plain_text import escape_markdown
from nnviz.session.state import input as inputs
from nnviz.session.state.input import CurrentInput, InputState
from nnviz.session.state.test import TestState, keep_ink
from pages.ui import resources, state, training

CANVAS_SIDE = 280  # 10 screen pixels per input pixel
CANVAS_BLOCK_WIDTH = CANVAS_SIDE + 12  # the canvas and its border: never squeezed below its 280 px
PEN_WIDTH = 20  # thick like MNIST's strokes once scaled to 28 × 28
CANVAS_LOOK = {"stroke_width": PEN_WIDTH, "stroke_color": "#FFFFFF", "background_color": "#000000"}


def drawing_canvas(page: str) -> CurrentInput | None:
    """The drawing canvas with its buttons; returns the session's current input.

    A new stroke replaces the input with the drawing; a blank canvas or a speck
    empties it. The drawing is kept so the canvas comes back after a page switch.
    """
    st.space(24)  # room for the canvas's floating toolbar (undo, redo, clear)
    now = inputs.mount_canvas(state.load(InputState))
    state.save(now)
    key = inputs.canvas_key(now, page)
    on_change = partial(_on_canvas_report, key)
    size = {"width": CANVAS_SIDE, "height": CANVAS_SIDE, "drawing_mode": "freedraw", "return_image_data": True}
    result = st_canvas(**CANVAS_LOOK, **size, initial_drawing=now.mount.drawing, key=key, on_change=on_change)
    image = result.image_bytes, result.image_data, result.json_data
    drawn, ink, changed = inputs.canvas_image(state.load(InputState), *image)
    if changed:  # once per stroke: the input and the Test page's preparation steps share the ink
        state.save(drawn)
        state.save(keep_ink(state.load(TestState), ink))
    input_buttons(page)
    return state.load(InputState).current


def input_buttons(page: str) -> None:
    """Test digit, Clear and Photo, in one row, then why the last test digit or photo failed (once)."""
    # Short labels, so they fit beside each other under the 280 px canvas; the tooltips say the rest.
    buttons = st.container(horizontal=True, gap="small")
    dice = ":material/casino:"
    buttons.button("Test digit", key=f"{page}_test_digit", icon=dice, on_click=random_test_digit, help=explain("mnist"))
    buttons.button("Clear", key=f"{page}_clear", icon=":material/delete:", on_click=_clear, help=explain("canvas"))
    with buttons.popover("Photo", icon=":material/photo_camera:", help=explain("photo_input")):
        st.file_uploader(
            "A photo or scan of one handwritten digit (dark ink on light paper is fine)",
            key=f"{page}_upload",
            on_change=_use_uploaded_photo,
            args=(f"{page}_upload",),
        )
        st.caption(upload_limit_text())
    input_error()


def input_error() -> None:
    """Why the last test digit or photo could not become the input, once."""
    left, error = inputs.take_error(state.load(InputState))
    if error:
        state.save(left)
        st.warning(error, icon=":material/warning:")


def random_test_digit() -> None:
    """A button's callback: a random MNIST test digit becomes the input."""
    rng = np.random.default_rng()
    state.save(inputs.use_random_test_digit(state.load(InputState), resources.test_digits_or_message(), rng))


def wrap_below_when_narrower(key: str, min_width: int) -> None:
    """Give the container keyed `key` (a stretching child of a horizontal container) a minimum width.

    Streamlit lets a horizontal container wrap its children, but a stretching child has no
    minimum width, so it would be squeezed instead of wrapping. This one CSS rule (no
    user text in it) makes it wrap below its neighbours when the row is narrower.
    """
    # The flex item is the wrapper Streamlit puts around the keyed container, hence :has().
    width = int(min_width)
    st.html(f"<style>div:has(> .st-key-{key}) {{ min-width: {width}px; flex: 1 1 {width}px; }}</style>")


def upload_limit_text() -> str:
    """The upload size limit in words, read from the server's config (server.maxUploadSize, in MB).

    A bigger file is refused by Streamlit before the app sees it, with only a red icon:
    this sentence next to every uploader says why.
    """
    return f"Files up to {st.get_option('server.maxUploadSize')} MB."


def _clear() -> None:
    state.save(inputs.clear(state.load(InputState)))


def _on_canvas_report(key: str) -> None:
    state.save(inputs.canvas_report(state.load(InputState), inputs.reported_drawing(state.widget_value(key))))


def _use_uploaded_photo(key: str) -> None:
    uploaded = state.widget_value(key)
    if uploaded is not None:
        state.save(inputs.use_photo(state.load(InputState), uploaded.getvalue()))


def prediction_block(network: Network, forward: ForwardPass, *, note: str = "") -> bool:
    """The "Prediction" metric and how sure the network is; note: one more sentence (e.g. a true label).

    Returns False, after a friendly message instead of "nan %", when the pass overflowed
    (see `ForwardPass.is_finite`): the caller then shows nothing that depends on it.
    """
    if not forward.is_finite:
        st.error(OVERFLOW_MESSAGE, icon=":material/error:")
        return False
    probabilities = forward.probabilities[0]
    winner = int(probabilities.argmax())
    st.metric("Prediction", str(network.digits[winner]), help=explain("prediction"))
    st.caption(f"{sure(probabilities[winner])}. {note}".strip())
    return True


def model_badge() -> None:
    """Which model is active, with a way back to the default one."""
    network = training.active_network()
    # The label can hold an uploaded file's name: untrusted text, escaped so it shows as typed.
    text = f"**Model:** {escape_markdown(network.label)} · {network.config.describe()}"
    if training.is_default_network():
        st.caption(text, help=explain("session_model"))
        return
    # A wrapping row sized to its contents: the button's label is never cut short on a projector.
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.caption(text, width="content")
    back = training.use_network
    row.button("Back to the default model", key="back_to_default", icon=":material/undo:", on_click=back, args=(None,))
