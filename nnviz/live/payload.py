"""What the browser needs to run a network: its weights as float32 base64, keyed by the model's fingerprint.

The weights travel once per model (a 784-512-512-10 network is ~2.6 MB of float32, ~3.5 MB as
base64); the browser keeps them by fingerprint and says which one it holds, so a stroke's rerun
sends only the fingerprint.
"""

from __future__ import annotations

import base64
from functools import cache

import numpy as np
from plotly.colors import get_colorscale

from nnviz.figures.draw import grid_shape
from nnviz.figures.style import VALUE_SCALE
from nnviz.model.network import ACTIVATION_LABELS, BOUNDED_ACTIVATION_RANGES, Network


def float32_base64(values: np.ndarray) -> str:
    """Any array as little-endian float32 bytes (row-major), base64: what `Float32Array` reads back."""
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode("ascii")


def model_payload(network: Network, fingerprint: str) -> dict:
    """The network as the browser runs it.

    Returns {"id": fingerprint, "digits": [...], "layers": [{"inputs", "outputs", "activation",
    "weights" (base64 float32 (inputs, outputs) row-major), "bias" (base64 float32 (outputs,)),
    "title", "label", "grid" ([rows, cols] of its squares), "range" ([low, high] or None: ReLU
    is scaled to each drawing's largest value)}, ...]}, the last layer being the softmax output.
    """
    layers = []
    for index, layer in enumerate(network.layers, start=1):
        n_in, n_out = layer.weights.shape
        layers.append(
            {
                "inputs": int(n_in),
                "outputs": int(n_out),
                "activation": layer.activation,
                "weights": float32_base64(layer.weights),
                "bias": float32_base64(layer.bias),
                "title": network.config.layer_title(index),
                "label": ACTIVATION_LABELS.get(layer.activation, layer.activation),
                "grid": list(grid_shape(int(n_out))),
                "range": list(BOUNDED_ACTIVATION_RANGES.get(layer.activation, ())) or None,
            }
        )
    return {"id": fingerprint, "digits": list(network.digits), "layers": layers}


@cache
def value_colours() -> list[list]:
    """The hidden layers' colour scale as the figures use it: [[position 0..1, "#rrggbb"], ...]; never mutate it."""
    return [[float(position), colour] for position, colour in get_colorscale(VALUE_SCALE)]
