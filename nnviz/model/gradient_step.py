"""One step of gradient descent on one example: which weights move most, and the updated network.

w ← w − η · ∂L/∂w for every weight and bias, with the gradient from `nnviz.model.backprop`.
The page applies it to a copy of the session's model; nothing here mutates a network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.explain.loss_landscape import WeightRef
from nnviz.model.backprop import LossGradients, loss_and_gradients
from nnviz.model.network import Network, NetworkConfig

TOP_WEIGHTS = 5
# One example's gradient is large (every weight on its path points the same way): at 0.002 the default
# 784-128-64-10 network goes from a sure 3 to a sure 8 in one to three steps; from ~0.1 up the steps wreck
# the other digits.
LEARNING_RATE_OPTIONS = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
DEFAULT_LEARNING_RATE = 0.002


@dataclass(frozen=True)
class WeightUpdate:
    """One weight's step: value now, its gradient, and its value after w − η·gradient."""

    ref: WeightRef
    value: float
    gradient: float
    learning_rate: float

    @property
    def new_value(self) -> float:
        return self.value - self.learning_rate * self.gradient


def steepest_weights(
    network: Network, gradients: LossGradients, learning_rate: float, count: int = TOP_WEIGHTS
) -> list[WeightUpdate]:
    """The `count` weights with the largest |∂L/∂w| over all layers, largest first."""
    flat = np.concatenate([np.abs(g).ravel() for g in gradients.weights])
    order = np.argsort(-flat, kind="stable")[:count]
    starts = np.cumsum([0] + [g.size for g in gradients.weights])
    updates = []
    for position in order:
        layer = int(np.searchsorted(starts, position, side="right") - 1)
        row, column = np.unravel_index(int(position - starts[layer]), gradients.weights[layer].shape)
        ref = WeightRef(layer, int(row), int(column))
        updates.append(
            WeightUpdate(
                ref=ref,
                value=float(network.layers[layer].weights[row, column]),
                gradient=float(gradients.weights[layer][row, column]),
                learning_rate=learning_rate,
            )
        )
    return updates


def update_table(updates: list[WeightUpdate], config: NetworkConfig) -> dict[str, list]:
    """The updates as table columns: weight (short name), w now, ∂L/∂w and w − η·∂L/∂w (rounded to 4 places)."""
    return {
        "weight": [u.ref.short(config) for u in updates],
        "w now": [round(u.value, 4) for u in updates],
        "∂L/∂w": [round(u.gradient, 4) for u in updates],
        "w − η·∂L/∂w": [round(u.new_value, 4) for u in updates],
    }


def gradient_step(network: Network, gradients: LossGradients, learning_rate: float, label: str) -> Network:
    """A new network with every weight and bias moved by −learning_rate × its gradient.

    Raises ValueError if the step makes a weight infinite (an absurdly large rate).
    """
    arrays = [
        (layer.weights - learning_rate * dw, layer.bias - learning_rate * db)
        for layer, dw, db in zip(network.layers, gradients.weights, gradients.biases)
    ]
    with np.errstate(over="ignore", invalid="ignore"):
        stepped = [(w.astype(np.float32), b.astype(np.float32)) for w, b in arrays]
    return Network.from_arrays(network.config, stepped, label=label)


@dataclass(frozen=True, eq=False)
class SteppedModel:
    """The copy of a session's model that one-step gradient descent changes.

    base_id: fingerprint of the model it was copied from (a new session model starts over).
    network: the copy after all the steps so far. steps: (loss before, loss after) of each
    step, on the input it was taken on, to tell a fall from an overshoot.
    Equal only to itself: comparing two copies weight by weight is never what a caller means.
    """

    base_id: str
    network: Network
    steps: tuple[tuple[float, float], ...] = ()

    @property
    def overshot(self) -> bool:
        """The last step raised the loss instead of lowering it."""
        return bool(self.steps) and self.steps[-1][1] > self.steps[-1][0]

    @property
    def version(self) -> str:
        """Tells this copy from any other: the base model and every step's losses."""
        return f"{self.base_id}+{self.steps}"


def step_on_input(
    stepped: SteppedModel, pixels: np.ndarray, true_index: int, loss: str, learning_rate: float, label: str
) -> SteppedModel:
    """`stepped` after one more step w ← w − η·∂L/∂w on one input.

    pixels: (784,) in 0..1; true_index: the true digit's output index; loss: "crossentropy" or "mse".
    The step's (loss before, loss after) is recorded. Raises ValueError if a weight became infinite.
    """
    x, labels = pixels[np.newaxis], np.array([true_index])
    gradients = loss_and_gradients(stepped.network, x, labels, loss)
    after = gradient_step(stepped.network, gradients, learning_rate, label=label)
    new_loss = loss_and_gradients(after, x, labels, loss).loss
    return SteppedModel(stepped.base_id, after, (*stepped.steps, (gradients.loss, new_loss)))
