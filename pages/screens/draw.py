"""Draw page: draw a digit and watch it travel through the network to a prediction."""

import numpy as np
import streamlit as st

from nnviz.figures.draw import input_figure, layer_figure
from nnviz.figures.style import PLOT_CONFIG
from nnviz.lesson.glossary import explain
from nnviz.model.forward import forward_pass
from nnviz.model.network import ACTIVATION_LABELS, IMAGE_SIDE, INPUT_SIZE
from nnviz.session.state.input import caption
from pages.ui import guess, session
from pages.ui.collect import collect_control
from pages.ui.view import chart
from pages.ui.widgets import CANVAS_BLOCK_WIDTH, drawing_canvas, model_badge, prediction_block

# The blocks sit side by side when the window is wide enough and wrap below each other when
# it is not, so the canvas never gets squeezed under its 280 px. The answer comes right after
# the canvas: on a 1024 × 768 projector (sidebar shown) those two fit in the first row.
ANSWER_BLOCK_WIDTH = 215
PIXELS_BLOCK_WIDTH = 200
BARS_HEIGHT = 250

st.title("Draw a digit")
st.markdown("Draw any digit from 0 to 9 with your mouse or finger. The network reads it instantly.")


@st.fragment
def draw_and_classify() -> None:
    # A fragment: a stroke reruns only this part of the page, which keeps the prediction quick.
    # The badge is drawn here, after the fragment has collected a finished training run, so it
    # names the model the prediction below comes from.
    network = session.active_network()
    model_badge()
    row = st.container(horizontal=True, gap="small")
    canvas_block = row.container(width=CANVAS_BLOCK_WIDTH)
    answer_block = row.container(width=ANSWER_BLOCK_WIDTH)
    pixels_block = row.container(width=PIXELS_BLOCK_WIDTH)
    with canvas_block:
        st.subheader("1 · Draw")
        current = drawing_canvas("draw")
        collect_control("draw")
    if current is None:
        with answer_block:
            st.subheader("2 · Answer")
            st.info("Draw a digit on the black square to start.", icon=":material/draw:")
        return
    result = forward_pass(network, current.pixels)
    said = network.digits[int(np.nan_to_num(result.probabilities[0], nan=-1.0).argmax())]
    # Guess first covers the answer until the class has picked a digit (an overflowed pass has nothing to guess).
    with answer_block:
        revealed = not result.is_finite or guess.draw_revealed(network.digits, said)
    shown = False
    if revealed:
        with answer_block:
            # The answer is drawn first so it reaches the browser before the bigger figures.
            st.subheader("2 · Answer")
            shown = prediction_block(network, result, bars_key="draw_output", bars_height=BARS_HEIGHT, narrow_bars=True)
            if shown and network.digits != tuple(range(10)):
                known = ", ".join(str(d) for d in network.digits)
                st.info(
                    f"This network only knows {known}. Whatever you draw, it must pick one of them.",
                    icon=":material/info:",
                )
    with pixels_block:
        st.subheader("3 · Pixels", help=explain("input_layer"))
        chart(input_figure(current.pixels, height=PIXELS_BLOCK_WIDTH + 40), config=PLOT_CONFIG, key="draw_input")
        st.caption(
            f"What the network sees: {IMAGE_SIDE} × {IMAGE_SIDE} = {INPUT_SIZE} input neurons, "
            f"0 (black) to 1 (white). {caption(current)}"
        )
    if not shown:
        return

    st.subheader("4 · Inside: the hidden layers", help=explain("hidden_layer"))
    hidden = network.layers[:-1]
    if not hidden:
        st.caption("This network has no hidden layers: the pixels go straight to the output neurons.")
        return
    st.caption(
        "Each square is one neuron: the brighter, the more it fires for your drawing. "
        "These are the features the network learned to look for; the output neurons add them up."
    )
    for column, (index, layer) in zip(st.columns(max(len(hidden), 2)), enumerate(hidden, start=1)):
        with column:
            st.markdown(
                f"**{network.config.layer_title(index)}** · {ACTIVATION_LABELS[layer.activation]}",
                help=explain(layer.activation),
            )
            chart(
                layer_figure(result.activations[index][0], layer.activation, width=900 // max(len(hidden), 2)),
                config=PLOT_CONFIG,
                key=f"draw_hidden_{index}",
            )


draw_and_classify()
