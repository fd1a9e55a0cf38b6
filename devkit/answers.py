"""The answer a page must show for a canvas picture, by numpy: the browser tests' oracle for what the server read."""

from __future__ import annotations

import base64
import math

import numpy as np

from nnviz.lesson.wording import sure
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass
from nnviz.model.preprocess import canvas_ink, ink_to_input


def rgba_of(pixels: str) -> np.ndarray:
    """A square canvas's RGBA pixels as read in the browser (base64 of getImageData's bytes) → (side, side, 4)."""
    rgba = np.frombuffer(base64.b64decode(pixels), dtype=np.uint8)
    side = math.isqrt(rgba.size // 4)
    return rgba.reshape(side, side, 4)


def default_answer(pixels: str) -> tuple[str, str]:
    """(Prediction, "… sure") the default network gives the canvas picture `pixels` (see rgba_of), as pages say it.

    Raises ValueError for a picture with no digit in it (a page then shows no Prediction).
    """
    inputs = ink_to_input(canvas_ink(rgba_of(pixels)))
    if inputs is None:
        raise ValueError("the picture holds no digit")
    network = load_default_network()
    probabilities = forward_pass(network, inputs).probabilities[0]
    winner = int(probabilities.argmax())
    return str(network.digits[winner]), sure(float(probabilities[winner]))
