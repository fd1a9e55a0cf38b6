"""The forward pass in numpy: every layer's activations for one or many inputs.

This is what the pages run on every stroke. It takes ~0.03 ms per input where
Keras's `model.predict` takes ~60-100 ms, and it keeps TensorFlow out of the
Streamlit server. Keras is the oracle in the tests: same weights, same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnviz.model.network import Network


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def sigmoid(z: np.ndarray) -> np.ndarray:
    # Split by sign so exp never overflows for large |z|.
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def softmax(z: np.ndarray) -> np.ndarray:
    """Probabilities along the last axis; shifting by the max keeps exp finite."""
    shifted = z - z.max(axis=-1, keepdims=True)
    exp_z = np.exp(shifted)
    return exp_z / exp_z.sum(axis=-1, keepdims=True)


ACTIVATION_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
}


OVERFLOW_MESSAGE = (
    "This model's numbers overflowed: some of its weights are so huge that its sums became infinite, "
    "so it cannot make a prediction. Train a new model, or go back to the default one."
)


@dataclass
class ForwardPass:
    """Every layer's values for a batch of inputs.

    activations[0] is the input (n, 784) in 0..1; activations[k] for k >= 1 is
    layer k's output (n, size_k); the last one holds the output probabilities
    (rows sum to 1). pre_activations[k-1] is layer k's weighted sum z = x @ W + b
    before squashing, same shape as activations[k].
    """

    activations: list[np.ndarray]
    pre_activations: list[np.ndarray]

    @property
    def probabilities(self) -> np.ndarray:
        """(n, n_outputs) output probabilities."""
        return self.activations[-1]

    @property
    def is_finite(self) -> bool:
        """False when some value overflowed to inf or NaN (weights near float32's limit, ~3e38).

        Such a pass has no meaningful prediction: pages say so instead of showing "nan%".
        """
        return all(bool(np.isfinite(a).all()) for a in (*self.activations, *self.pre_activations))


def forward_pass(network: Network, inputs: np.ndarray) -> ForwardPass:
    """Run `inputs` of shape (784,) or (n, 784), values 0..1, through `network`.

    Always returns batched arrays (n, size); a single input gives n = 1.
    """
    x = np.asarray(inputs, dtype=np.float32)
    if x.ndim == 1:
        x = x[np.newaxis, :]
    activations = [x]
    pre_activations = []
    # Huge weights may overflow to inf/NaN: that is reported by `is_finite`, not as a warning per stroke.
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in network.layers:
            z = x @ layer.weights + layer.bias
            x = ACTIVATION_FUNCTIONS[layer.activation](z)
            pre_activations.append(z)
            activations.append(x)
    return ForwardPass(activations=activations, pre_activations=pre_activations)


def predict_probabilities(network: Network, inputs: np.ndarray, batch_size: int = 2048) -> np.ndarray:
    """(n, n_outputs) probabilities for many inputs, in batches to bound memory."""
    x = np.asarray(inputs, dtype=np.float32).reshape(-1, network.config.layer_sizes[0])
    parts = [forward_pass(network, x[i : i + batch_size]).probabilities for i in range(0, len(x), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, len(network.digits)), dtype=np.float32)


def predict_digits(network: Network, inputs: np.ndarray) -> np.ndarray:
    """(n,) predicted digit per input (mapped through the network's digit subset)."""
    digits = np.asarray(network.digits)
    return digits[predict_probabilities(network, inputs).argmax(axis=1)]
