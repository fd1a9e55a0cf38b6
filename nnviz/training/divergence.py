"""Why a training run blew up: its starting weights, its learning rate, or either, told from the run's own numbers.

A loss that explodes in the first steps from weights far larger than Glorot's is the start's
fault, whatever the step size; from weights of a sensible size it is the step size. When both
are large the message names both, since one run cannot tell them apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# Starting weights this many times Glorot's spread make the first weighted sums huge.
TOO_LARGE_RATIO = 10.0
# A learning rate from this size up can overshoot on its own (Adam's steps are already normalised).
LARGE_LEARNING_RATE = {"sgd": 1.0, "momentum": 0.1, "adam": 0.01}
WHAT_HUGE_SUMS_DO = {
    "relu": "ReLU passes them on unchanged, so the values explode",
    "sigmoid": "sigmoid neurons saturate (stuck at 0 or 1) and the output is certain and wrong",
    "tanh": "tanh neurons saturate (stuck at -1 or 1) and the output is certain and wrong",
}


def start_size_ratio(start_weights: Sequence[tuple[np.ndarray, np.ndarray]]) -> float:
    """How many times Glorot's spread the largest layer's starting weights have (0 for all zeros).

    start_weights: [(weights (n_in, n_out), bias (n_out,)), ...] before the first step. Glorot's
    spread (standard deviation) for a layer is sqrt(2 / (n_in + n_out)).
    """
    ratios = [float(np.std(w)) / math.sqrt(2.0 / (w.shape[0] + w.shape[1])) for w, _ in start_weights]
    return max(ratios, default=0.0)


def diverged_message(
    epoch: int, start_weights: Sequence[tuple[np.ndarray, np.ndarray]], activation: str, optimizer: str, lr: float
) -> str:
    """One or three plain sentences on why the loss blew up at `epoch` (1-based), and what to try."""
    ratio = start_size_ratio(start_weights)
    large_step = lr >= LARGE_LEARNING_RATE.get(optimizer, 1.0)
    if ratio < TOO_LARGE_RATIO:
        return (
            f"The learning rate is too high: the steps overshoot and the loss blew up (at epoch {epoch}). "
            "Try a smaller learning rate."
        )
    start = (
        f"The starting weights are about {ratio:.0f} times larger than Glorot's, so the first weighted sums are "
        f"huge: {WHAT_HUGE_SUMS_DO.get(activation, 'the values explode')}."
    )
    if large_step:
        return (
            f"The loss blew up (at epoch {epoch}), and two settings can do that here. {start} "
            f"And a learning rate of {lr:g} takes big steps. Try Glorot starting weights first, then a smaller "
            "learning rate."
        )
    return (
        f"The loss blew up (at epoch {epoch}) because of the starting weights, not the learning rate of {lr:g}. "
        f"{start} Try Glorot or He starting weights."
    )
