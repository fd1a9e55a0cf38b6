"""Why did the network decide that? Two maps over the 28 × 28 input for one answer.

- Gradient × input ("saliency"): for each pixel, how much its ink adds to the winning
  output's sum z — the sum's slope along that pixel times the pixel's value, so blank
  pixels get 0. With `versus`, the same for z_winner − z_runner_up: "7 rather than 9".
  The gradient comes from the one backpropagation in `nnviz.model.backprop`.
- Occlusion: slide a 4 × 4 patch of "no ink" over the image (stride 2) and record how
  much the winning probability (or, for a saturated answer, its log-odds) drops each
  time; a pixel gets the mean drop of the
  patches that cover it. The 169 patched images go through the network as one batch
  (only those that cover some ink: erasing blank pixels changes nothing).

Both maps are (784,) floats, positive = pushes toward the answer, negative = away.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from nnviz.model.backprop import output_gradient
from nnviz.model.forward import ACTIVATION_FUNCTIONS
from nnviz.model.network import IMAGE_SIDE, INPUT_SIZE, Network

PATCH = 4  # occlusion patch side in pixels: about a stroke's width in MNIST
STRIDE = 2
SATURATED = 0.999  # from this probability up, occlusion measures log-odds (see `occlusion_measure`)
Measure = Literal["probability", "log_odds"]


def gradient_times_input(network: Network, x: np.ndarray, output: int, versus: int | None = None) -> np.ndarray:
    """(784,) pixel value × ∂(z_output − z_versus)/∂pixel (z_versus left out when `versus` is None).

    x: (784,) in 0..1. output, versus: output-neuron positions (0..n_outputs-1), not digits.
    """
    x = np.asarray(x, dtype=np.float32).reshape(INPUT_SIZE)
    direction = np.zeros(len(network.digits), dtype=np.float32)
    direction[output] = 1.0
    if versus is not None:
        direction[versus] -= 1.0
    gradient = np.asarray(output_gradient(network, x, direction), dtype=np.float32).reshape(INPUT_SIZE)
    return gradient * x


def occlusion_patches(patch: int = PATCH, stride: int = STRIDE) -> np.ndarray:
    """(n_patches, 784) bool masks: True where a patch covers the pixel (13 × 13 = 169 for 4 × 4 at stride 2)."""
    starts = range(0, IMAGE_SIDE - patch + 1, stride)
    masks = np.zeros((len(starts), len(starts), IMAGE_SIDE, IMAGE_SIDE), dtype=bool)
    for i, top in enumerate(starts):
        for j, left in enumerate(starts):
            masks[i, j, top : top + patch, left : left + patch] = True
    return masks.reshape(-1, INPUT_SIZE)


_MASKS = occlusion_patches()
_COVER = _MASKS.sum(axis=0)  # how many patches cover each pixel (every pixel: at least one)
_PATCH_PIXELS = np.array([np.flatnonzero(mask) for mask in _MASKS])  # (169, 16) pixel indices of each patch


def occlusion_measure(probability: float) -> Measure:
    """What occlusion should measure for an answer given with `probability` (0..1).

    Past SATURATED the probability hardly moves whatever is covered (99.9999 % → 99.998 % is a
    drop of 0.002): the log-odds, log(p / (1 − p)), still show which ink mattered.
    """
    return "log_odds" if probability >= SATURATED else "probability"


def occlusion(network: Network, x: np.ndarray, output: int, measure: Measure = "probability") -> np.ndarray:
    """(784,) mean drop of output `output`'s probability (or log-odds) when a 4 × 4 patch around the pixel
    loses its ink.

    x: (784,) in 0..1; output: an output-neuron position. measure: "probability" (0..1) or "log_odds"
    (log(p / (1 − p)), computed from the output sums without rounding p). A patch over blank pixels
    changes nothing (drop 0); a negative drop means the ink there held the answer back.
    """
    x = np.asarray(x, dtype=np.float32).reshape(INPUT_SIZE)
    # Only patches over some ink change the image; the others drop nothing and are not run.
    inked = np.flatnonzero(x[_PATCH_PIXELS].any(axis=1))
    first = network.layers[0]
    z = x @ first.weights + first.bias
    # The first layer is linear in x: erasing a patch subtracts just its 16 pixels' share from z.
    # That is 16 rows of weights per patch instead of all 784, and it keeps the batch's big
    # matrix product (169 × 784 × n_hidden) out of a multi-threaded BLAS, which stalls on a busy server.
    pixels = _PATCH_PIXELS[inked]
    z_erased = z - np.einsum("pk,pkh->ph", x[pixels], first.weights[pixels])
    stacked = np.vstack([z, z_erased])
    if len(network.layers) == 1:
        logits = stacked
    else:
        values = ACTIVATION_FUNCTIONS[first.activation](stacked)
        for layer in network.layers[1:-1]:
            values = ACTIVATION_FUNCTIONS[layer.activation](values @ layer.weights + layer.bias)
        logits = values @ network.layers[-1].weights + network.layers[-1].bias
    logits = logits.astype(np.float64)
    if measure == "log_odds":
        # log(p / (1 - p)) = z_output - log Σ_{others} exp(z): exact even when p rounds to 1.
        others = np.delete(logits, output, axis=1)
        top = others.max(axis=1)
        scores = logits[:, output] - (top + np.log(np.exp(others - top[:, None]).sum(axis=1)))
    else:
        scores = ACTIVATION_FUNCTIONS["softmax"](logits)[:, output]
    drops = np.zeros(len(_MASKS), dtype=np.float32)
    drops[inked] = scores[0] - scores[1:]
    return (drops @ _MASKS) / _COVER
