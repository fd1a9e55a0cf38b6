"""Draw page: draw a digit and watch it travel through the network to a prediction."""

import streamlit as st

from nnviz.figures_draw import input_figure, layer_figure, output_figure
from nnviz.forward import forward_pass
from nnviz.glossary import explain
from nnviz.network import ACTIVATION_LABELS
from pages import _guess as guess
from pages import _session as session
from pages._view import chart
from pages._widgets import drawing_canvas, input_caption, model_badge

PLOT_CONFIG = {"displayModeBar": False}

session.route_through_app()
st.title("Draw a digit")
st.markdown("Draw any digit from 0 to 9 with your mouse or finger. The network reads it instantly.")


@st.fragment
def draw_and_classify() -> None:
    # A fragment: a stroke reruns only this part of the page, which keeps the prediction quick.
    network = session.active_network()
    canvas_col, input_col, output_col = st.columns([1.2, 1, 1.4], gap="medium")
    with canvas_col:
        st.subheader("1 · Draw")
        current = drawing_canvas("draw")
    if current is None:
        with input_col:
            st.subheader("2 · Pixels")
            st.info("Draw a digit on the black square to start.", icon=":material/draw:")
        return
    result = forward_pass(network, current.pixels)
    probabilities = result.probabilities[0]
    winner = int(probabilities.argmax())
    revealed = guess.draw_revealed(output_col, network.digits, network.digits[winner])  # guess first covers it
    if revealed:
        with output_col:
            # The answer is drawn first so it reaches the browser before the bigger figures.
            st.subheader("4 · Answer")
            st.metric("Prediction", str(network.digits[winner]), help=explain("prediction"))
            st.caption(f"{probabilities[winner]:.0%} sure. One bar per output neuron: the tallest wins.")
            chart(output_figure(probabilities, network.digits), config=PLOT_CONFIG, key="draw_output")
            if network.digits != tuple(range(10)):
                known = ", ".join(str(d) for d in network.digits)
                st.info(
                    f"This network only knows {known}. Whatever you draw, it must pick one of them.",
                    icon=":material/info:",
                )
    with input_col:
        st.subheader("2 · Pixels", help=explain("input_layer"))
        chart(input_figure(current.pixels), config=PLOT_CONFIG, key="draw_input")
        st.caption(
            f"What the network sees: 28 × 28 = 784 input neurons, from 0 (black) to 1 (white). {input_caption(current)}"
        )

    if not revealed:
        return
    st.subheader("3 · Inside: the hidden layers", help=explain("hidden_layer"))
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


model_badge()
draw_and_classify()
