"""Backpropagation through the MLP in numpy: the one gradient implementation of nnviz.

The server shows gradients (which weight to nudge, saliency "why a 7?") without
TensorFlow. Everything is computed in float64 from the network's float32 weights,
so the tests can hold it to 1e-5 relative against central finite differences and
against TensorFlow's `tf.GradientTape` on the same weights.

The losses are exactly the training's (`nnviz.training.fit`):
- "crossentropy": mean over the batch of −log softmax(z)[label], from the output
  layer's weighted sums z (logits), so a sure-and-wrong answer is not clipped;
- "mse": mean over the batch *and the outputs* of (softmax(z) − one_hot(label))².

Shapes: n examples, 784 inputs, layer k has weights (n_in, n_out) and bias (n_out,).
Labels are output indices 0..n_outputs-1 (index i stands for digit network.digits[i]).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.model.forward import ACTIVATION_FUNCTIONS
from nnviz.model.network import Network
from nnviz.training.config import LOSSES

Params = Sequence[tuple[np.ndarray, np.ndarray]]  # [(weights (n_in, n_out), bias (n_out,)), ...] in layer order


@dataclass
class LossGradients:
    """The mean loss over a batch and its gradient with respect to everything.

    loss: mean over the batch (what training minimises). weights[k]: dL/dW of weight
    layer k, shape (n_in, n_out); biases[k]: dL/db, shape (n_out,); inputs: dL/dx,
    shape (n, 784). All float64.
    """

    loss: float
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    inputs: np.ndarray


@dataclass
class ForwardCache:
    """A float64 forward pass kept for the backward pass.

    activations[0] = x (n, 784); activations[k] = output of weight layer k (the last
    one is the softmax probabilities); logits = the output layer's weighted sums (n, n_outputs).
    """

    activations: list[np.ndarray]
    logits: np.ndarray


def network_params(network: Network) -> list[tuple[np.ndarray, np.ndarray]]:
    """The network's [(W, b), ...] as float64 copies (float32 -> float64 is exact)."""
    return [(layer.weights.astype(np.float64), layer.bias.astype(np.float64)) for layer in network.layers]


def as_batch(x: np.ndarray) -> np.ndarray:
    """(784,) or (n, 784) -> (n, 784) float64."""
    batch = np.asarray(x, dtype=np.float64)
    return batch[np.newaxis, :] if batch.ndim == 1 else batch


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log of softmax along the last axis, without overflow."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def forward_cache(params: Params, activation: str, x: np.ndarray) -> ForwardCache:
    """Run x (n, 784) through params with hidden `activation`; softmax output."""
    hidden = ACTIVATION_FUNCTIONS[activation]
    a = as_batch(x)
    activations = [a]
    for w, b in params[:-1]:
        a = hidden(a @ w + b)
        activations.append(a)
    w, b = params[-1]
    logits = a @ w + b
    activations.append(np.exp(log_softmax(logits)))
    return ForwardCache(activations=activations, logits=logits)


def losses_from_logits(logits: np.ndarray, labels: np.ndarray, loss: str) -> np.ndarray:
    """(n,) loss of each example from its logits (n, n_outputs); its mean is the training loss."""
    if loss not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")
    labels = np.asarray(labels, dtype=np.int64)
    log_probs = log_softmax(np.asarray(logits, dtype=np.float64))
    rows = np.arange(len(labels))
    if loss == "crossentropy":
        return -log_probs[rows, labels] + 0.0  # + 0.0 turns −0.0 (a certain right answer) into 0.0
    one_hot = np.zeros_like(log_probs)
    one_hot[rows, labels] = 1.0
    return ((np.exp(log_probs) - one_hot) ** 2).mean(axis=1)


def logits_delta(probabilities: np.ndarray, labels: np.ndarray, loss: str) -> np.ndarray:
    """dL/dz for the mean batch loss L, with z the logits: (n, n_outputs)."""
    n, n_outputs = probabilities.shape
    one_hot = np.zeros_like(probabilities)
    one_hot[np.arange(n), np.asarray(labels, dtype=np.int64)] = 1.0
    if loss == "crossentropy":
        return (probabilities - one_hot) / n
    if loss == "mse":
        # dL/dp = 2 (p − y) / (n · K); through softmax: dz = p ⊙ (g − Σ g p).
        g = 2.0 * (probabilities - one_hot) / (n * n_outputs)
        return probabilities * (g - (g * probabilities).sum(axis=1, keepdims=True))
    raise ValueError(f"Unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")


def activation_derivative(activation: str, a: np.ndarray) -> np.ndarray:
    """d activation / dz, written from the activation's output a (same shape)."""
    if activation == "relu":
        return (a > 0).astype(a.dtype)  # Keras/TensorFlow also use 0 at z = 0
    if activation == "sigmoid":
        return a * (1.0 - a)
    if activation == "tanh":
        return 1.0 - a * a
    raise ValueError(f"Unknown activation {activation!r}.")


def backward(
    params: Params, activation: str, cache: ForwardCache, delta: np.ndarray, with_params: bool = True
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Propagate delta = dL/d(logits) (n, n_outputs) back: (dW per layer, db per layer, dL/dx (n, 784)).

    with_params=False skips dW and db (empty lists): an input gradient alone is ~2x cheaper.
    """
    weight_grads: list[np.ndarray] = [np.empty(0)] * len(params) if with_params else []
    bias_grads: list[np.ndarray] = [np.empty(0)] * len(params) if with_params else []
    for k in range(len(params) - 1, -1, -1):
        layer_input = cache.activations[k]
        if with_params:
            weight_grads[k] = layer_input.T @ delta
            bias_grads[k] = delta.sum(axis=0)
        delta = delta @ params[k][0].T  # dL/d(layer input)
        if k > 0:  # below the first layer is the image itself: no activation to undo
            delta = delta * activation_derivative(activation, layer_input)
    return weight_grads, bias_grads, delta


def params_loss_and_gradients(
    params: Params, activation: str, x: np.ndarray, labels: np.ndarray, loss: str
) -> LossGradients:
    """`loss_and_gradients` for raw float64 params (what the finite-difference tests perturb)."""
    cache = forward_cache(params, activation, x)
    value = float(losses_from_logits(cache.logits, labels, loss).mean())
    weights, biases, inputs = backward(params, activation, cache, logits_delta(cache.activations[-1], labels, loss))
    return LossGradients(loss=value, weights=weights, biases=biases, inputs=inputs)


def params_mean_loss(params: Params, activation: str, x: np.ndarray, labels: np.ndarray, loss: str) -> float:
    """The mean batch loss for raw params (no gradients)."""
    return float(losses_from_logits(forward_cache(params, activation, x).logits, labels, loss).mean())


def loss_and_gradients(network: Network, x: np.ndarray, labels: np.ndarray, loss: str) -> LossGradients:
    """Mean loss of images x (n, 784) in 0..1 with output indices `labels` (n,), and its gradients.

    loss: "crossentropy" or "mse", defined exactly as the training defines them.
    """
    return params_loss_and_gradients(network_params(network), network.config.activation, x, labels, loss)


def per_example_loss(network: Network, x: np.ndarray, labels: np.ndarray, loss: str) -> np.ndarray:
    """(n,) loss of each image x (n, 784) or (784,) for its output index; the mean is the batch loss."""
    cache = forward_cache(network_params(network), network.config.activation, x)
    return losses_from_logits(cache.logits, np.atleast_1d(labels), loss)


def output_gradient(network: Network, x: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Gradient of direction · z with respect to the input, z the output layer's weighted sums (pre-softmax).

    x: (784,) or (n, 784); direction: (n_outputs,), e.g. one-hot for "toward 7", or
    e7 − e9 for "7 rather than 9". Returns float64 of the same shape as x: how much
    brightening each pixel would raise that score.
    """
    params = network_params(network)
    direction = np.asarray(direction, dtype=np.float64)
    if direction.shape != (params[-1][0].shape[1],):
        raise ValueError(f"direction must have one value per output ({params[-1][0].shape[1]}), got {direction.shape}.")
    cache = forward_cache(params, network.config.activation, x)
    delta = np.broadcast_to(direction, cache.logits.shape)
    _, _, inputs = backward(params, network.config.activation, cache, delta, with_params=False)
    return inputs.reshape(np.shape(x))
