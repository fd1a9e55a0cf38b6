"""A model whose numbers overflow (finite weights of 3e38 → inf, NaN) gets a friendly message, never "nan %".

Every page that shows a prediction (Draw, Network) says the model
overflowed instead of "Prediction 0 · nan% sure" with empty bars.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devkit.app_kit import APP_PATH
from devkit.app_state import put_concern
from devkit.canvas_injection import canvas_rgba, inject_drawing
from devkit.live_injection import live_data, report_drawing
from nnviz.explain.features import latent_map
from nnviz.model.forward import OVERFLOW_MESSAGE, forward_pass
from nnviz.model.network import Network, NetworkConfig
from nnviz.session.state.training import TrainingState, with_network

HUGE = 3e38  # finite in float32, but a sum of a few of them is inf


def overflowing_network() -> Network:
    config = NetworkConfig(hidden_sizes=(8,), activation="relu")
    rng = np.random.default_rng(0)
    arrays = [
        (np.full((784, 8), HUGE, np.float32), np.zeros(8, np.float32)),
        (rng.normal(0, 1, (8, 10)).astype(np.float32), np.zeros(10, np.float32)),
    ]
    return Network.from_arrays(config, arrays, label="Huge weights")


def a_drawn_bar() -> np.ndarray:
    image = np.zeros((28, 28), np.float32)
    image[4:24, 12:16] = 1.0
    return image


def test_the_forward_pass_knows_it_overflowed() -> None:
    assert not forward_pass(overflowing_network(), a_drawn_bar().ravel()).is_finite
    assert forward_pass(overflowing_network(), np.zeros(784, np.float32)).is_finite  # no ink: no overflow


@pytest.mark.parametrize("page", ["draw", "network"])
def test_an_overflowing_model_gets_a_message_not_nan(page: str) -> None:
    at = AppTest.from_file(APP_PATH, default_timeout=60)
    put_concern(at, with_network(TrainingState(), overflowing_network()))
    at.run()
    if page != "draw":
        at.switch_page(f"pages/screens/{page}.py").run()
    assert not at.exception
    if page == "draw":  # the live view finds the overflow in the browser and says so in the server's words
        report_drawing(at, a_drawn_bar().ravel())
        assert live_data(at)["words"]["overflow"] == OVERFLOW_MESSAGE and live_data(at)["reveal"]
    else:
        inject_drawing(at, page, canvas_rgba(a_drawn_bar()))
        assert [e.value for e in at.error] == [OVERFLOW_MESSAGE]
    assert not at.exception
    assert not [m for m in at.metric if m.label == "Prediction"]
    shown = " ".join(str(e.value) for e in (*at.markdown, *at.caption, *at.subheader, *at.info))
    assert "nan" not in shown.lower().replace("nanny", "")


def test_the_latent_map_of_an_overflowing_model_says_so(mnist) -> None:
    with pytest.raises(ValueError, match="overflowed"):
        latent_map(overflowing_network(), mnist.x_test[:50], mnist.y_test[:50], 1)
