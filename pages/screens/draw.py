"""Draw page: draw a digit and watch it travel through the network to a prediction, live under the pen."""

import numpy as np
import streamlit as st

from nnviz.model.forward import forward_pass
from pages.ui import guess, training
from pages.ui.collect import collect_control
from pages.ui.live_draw import live_view, take_report
from pages.ui.widgets import input_buttons, model_badge

st.title("Draw a digit")
st.markdown("Draw any digit from 0 to 9 with your mouse or finger. The network reads it as your pen moves.")


@st.fragment
def draw_and_classify() -> None:
    # A fragment: a finished stroke reruns only this part. The browser has already drawn the answer,
    # the pixels and the hidden layers; this run keeps the drawing for the other pages and asks the
    # guess. The badge comes after a finished training run is collected, so it names the live model.
    network = training.active_network()
    model_badge()
    current = take_report("draw")  # first: Collect offers the drawing this run has just heard of
    with st.container(horizontal=True, gap="small"):
        input_buttons("draw")
        with st.container(width=170):  # beside the buttons on a 1024 px projector, not stretched under them
            collect_control("draw")
    view = st.container()
    revealed = True
    if current is not None:
        result = forward_pass(network, current.pixels)
        # Guess first covers the answer until the class has picked a digit (an overflowed pass has nothing to guess).
        said = network.digits[int(np.nan_to_num(result.probabilities[0], nan=-1.0).argmax())]
        revealed = not result.is_finite or guess.draw_revealed(network.digits, said)
    with view:
        live_view("draw", reveal=revealed)


draw_and_classify()
