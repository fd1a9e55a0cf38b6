"""MNIST's preparation as numbers the browser's mirror reads, taken from nnviz.model.preprocess itself.

The JavaScript mirror (live_draw.js) reads these values instead of repeating them, so a change
to the numpy pipeline's constants reaches the browser; its steps (crop, Pillow's LANCZOS to 20 px,
centre of mass to (14, 14) by whole pixels) are held to the numpy pipeline by the browser tests.
"""

from __future__ import annotations

import numpy as np

from nnviz.model import preprocess
from nnviz.model.network import IMAGE_SIDE

CANVAS_SIDE = 280  # 10 screen pixels per input pixel, as the other pages' canvas
PEN_WIDTH = 20  # thick like MNIST's strokes once scaled to 28 × 28


def preparation_parameters() -> dict:
    """The numbers of MNIST's preparation for the browser: every threshold as the float32 numpy compares with.

    numpy compares a float32 ink map with a Python float in float32 (NEP 50), so the thresholds
    are sent as their float32 values.
    """
    return {
        "side": IMAGE_SIDE,
        "digitBox": preprocess.DIGIT_BOX,
        "centre": list(preprocess.MNIST_CENTRE),
        "inkThreshold": float(np.float32(preprocess.INK_THRESHOLD)),
        "greyLevel": float(np.float32(preprocess.GREY_LEVEL)),
        "minExtent": preprocess.MIN_CANVAS_EXTENT,
        "minExtentPixels": preprocess.MIN_EXTENT_PIXELS,
        "canvasSide": CANVAS_SIDE,
        "penWidth": PEN_WIDTH,
    }
