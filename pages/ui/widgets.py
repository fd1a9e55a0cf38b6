"""Page pieces shared by several pages: the drawing canvas, the Prediction block and the model badge."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from nnviz.explain.fooling import FOOLING_SOURCES
from nnviz.figures.draw import output_figure
from nnviz.figures.style import PLOT_CONFIG
from nnviz.lesson.glossary import explain
from nnviz.model.forward import OVERFLOW_MESSAGE, ForwardPass
from nnviz.model.mnist import DataUnavailableError
from nnviz.model.network import Network
from nnviz.model.preprocess import canvas_ink, image_to_input, ink_to_input
from nnviz.session.plain_text import escape_markdown
from pages.ui import session
from pages.ui.view import chart

CANVAS_SIDE = 280  # 10 screen pixels per input pixel
CANVAS_BLOCK_WIDTH = CANVAS_SIDE + 12  # the canvas and its border: never squeezed below its 280 px
PEN_WIDTH = 20  # thick like MNIST's strokes once scaled to 28 × 28


def drawing_canvas(page: str) -> session.CurrentInput | None:
    """The drawing canvas with its buttons; returns the session's current input.

    A new stroke replaces the input with the drawing; a blank canvas or a speck
    empties it. The drawing is saved so the canvas comes back after a page switch.
    """
    st.space(24)  # room for the canvas's floating toolbar (undo, redo, clear)
    key = session.canvas_key(page)
    result = st_canvas(
        stroke_width=PEN_WIDTH,
        stroke_color="#FFFFFF",
        background_color="#000000",
        width=CANVAS_SIDE,
        height=CANVAS_SIDE,
        drawing_mode="freedraw",
        initial_drawing=session.canvas_initial_drawing(),
        return_image_data=True,
        key=key,
        on_change=lambda: _on_canvas_report(key),
    )
    image_bytes = result.image_bytes
    if image_bytes is not None:
        # Reruns from other widgets hand back the same image: skip decoding it again.
        digest = hashlib.blake2b(image_bytes, digest_size=16).digest()
        if st.session_state.get(session.LAST_CANVAS_IMAGE) != digest:
            st.session_state[session.LAST_CANVAS_IMAGE] = digest
            session.save_drawing(result.json_data)
            ink = canvas_ink(result.image_data)  # once per stroke: the input and the Test page's steps share it
            session.keep_canvas_ink(ink)
            pixels = None if ink is None else ink_to_input(ink)
            session.set_current_input(None if pixels is None else session.CurrentInput(pixels, "drawing"))

    # Short labels, so they fit beside each other under the 280 px canvas; the tooltips say the rest.
    buttons = st.container(horizontal=True, gap="small")
    buttons.button(
        "Test digit",
        key=f"{page}_test_digit",
        icon=":material/casino:",
        on_click=_show_test_digit,
        help="Show me a test digit: a random handwritten digit from the MNIST test set, "
        "the kind of images the network learned from.",
    )
    buttons.button(
        "Clear",
        key=f"{page}_clear",
        icon=":material/delete:",
        on_click=session.clear_canvas,
        help="Empty the canvas and the input.",
    )
    with buttons.popover("Photo", icon=":material/photo_camera:", help="Upload a photo of a handwritten digit."):
        st.file_uploader(
            "A photo or scan of one handwritten digit (dark ink on light paper is fine)",
            key=f"{page}_upload",
            on_change=_use_uploaded_photo,
            args=(f"{page}_upload",),
        )
        st.caption(upload_limit_text())
    if error := st.session_state.pop(session.INPUT_ERROR, None):
        st.warning(error, icon=":material/warning:")
    return session.current_input()


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


def _on_canvas_report(key: str) -> None:
    state = st.session_state.get(key)
    drawing = state.get("drawing") if state is not None else None
    session.note_canvas_report(drawing.get("raw") if isinstance(drawing, dict) else None)


def _use_uploaded_photo(key: str) -> None:
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    try:
        pixels = image_to_input(uploaded.getvalue())
    except ValueError as exc:
        st.session_state[session.INPUT_ERROR] = str(exc)
        return
    session.clear_canvas()
    session.set_current_input(session.CurrentInput(pixels, "photo"))


def _show_test_digit() -> None:
    try:
        x_test, y_test = session.test_digits()
    except DataUnavailableError as exc:
        st.session_state[session.INPUT_ERROR] = f"No test digits available. {exc}"
        return
    index = int(np.random.default_rng().integers(len(x_test)))
    session.clear_canvas()
    session.set_current_input(
        session.CurrentInput(x_test[index], "test digit", true_label=int(y_test[index]), test_index=index)
    )


def input_caption(current: session.CurrentInput) -> str:
    """Where the current input came from, in one line."""
    if current.source == "test digit":
        return f"MNIST test digit #{current.test_index}. Its true label is **{current.true_label}**."
    if current.source in FOOLING_SOURCES:  # made up on the Test page to fool the network
        return FOOLING_SOURCES[current.source]
    if current.source == "photo":
        return "Your photo, turned into white ink on black, cropped, scaled to 20 px and centred like MNIST."
    return "Your drawing, cropped, scaled to 20 px and centred the way MNIST digits were made."


def prediction_block(
    network: Network,
    forward: ForwardPass,
    *,
    note: str = "",
    bars_key: str | None = None,
    bars_height: int = 300,
    narrow_bars: bool = False,
) -> bool:
    """The "Prediction" metric and how sure the network is, with one bar per output if `bars_key` is given.

    note: one more sentence for the caption (e.g. a test digit's true label).
    Returns False, after a friendly message instead of "nan %", when the pass overflowed
    (see `ForwardPass.is_finite`): the caller then shows nothing that depends on it.
    """
    if not forward.is_finite:
        st.error(OVERFLOW_MESSAGE, icon=":material/error:")
        return False
    probabilities = forward.probabilities[0]
    winner = int(probabilities.argmax())
    st.metric("Prediction", str(network.digits[winner]), help=explain("prediction"))
    bars = " One bar per output neuron: the tallest wins." if bars_key else ""
    st.caption(f"{probabilities[winner]:.0%} sure.{bars} {note}".strip())
    if bars_key:
        figure = output_figure(probabilities, network.digits, height=bars_height, narrow=narrow_bars)
        chart(figure, config=PLOT_CONFIG, key=bars_key)
    return True


def model_badge() -> None:
    """Which model is active, with a way back to the default one."""
    network = session.active_network()
    # The label can hold an uploaded file's name: untrusted text, escaped so it shows as typed.
    text = f"**Model:** {escape_markdown(network.label)} · {network.config.describe()}"
    if session.is_default_network():
        st.caption(text, help="Train your own on the Train page; it then replaces this one for your session only.")
        return
    # A wrapping row sized to its contents: the button's label is never cut short on a projector.
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.caption(text, width="content")
    row.button(
        "Back to the default model",
        key="back_to_default",
        icon=":material/undo:",
        on_click=session.set_session_network,
        args=(None,),
    )
