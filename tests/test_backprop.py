"""numpy backpropagation against two oracles: central finite differences and TensorFlow's GradientTape.

Same weights everywhere. Every hidden activation, both training losses, 0 to 3
hidden layers and a 3-digit subset network; agreement within 1e-5 relative.
The TensorFlow side runs the Keras model from nnviz.model.keras_model in float64 and the
training's own loss formulas (logits -> sparse softmax cross-entropy, or softmax MSE).
"""

from __future__ import annotations

import numpy as np
import pytest

from devkit.ci import require_module

keras = require_module("keras")
tf = require_module("tensorflow")

from devkit.anatomy import oracle_network, random_inputs  # noqa: E402
from nnviz.model.backprop import (  # noqa: E402
    LOSSES,
    loss_and_gradients,
    network_params,
    output_gradient,
    params_mean_loss,
    per_example_loss,
)
from nnviz.model.forward import forward_pass  # noqa: E402
from nnviz.model.keras_model import network_to_model  # noqa: E402
from nnviz.model.network import ACTIVATIONS, Network, NetworkConfig  # noqa: E402
from nnviz.training.fit import evaluate  # noqa: E402

HIDDEN_BY_DEPTH = {0: (), 1: (12,), 2: (10, 6), 3: (9, 5, 7)}
RTOL = 1e-5
FD_STEP = 1e-6
FD_SAMPLES = 12  # coordinates checked per weight matrix / bias / input (every one would cost 2 passes each)


def float64_keras_model(network: Network) -> keras.Model:
    """The network as a Keras model (nnviz.model.keras_model) whose variables are float64, for a precise oracle."""
    # The dtype policy, not only floatx: Keras fixes its global policy the first time any model is built
    # in this process (e.g. by an earlier test), after which set_floatx alone changes nothing.
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float64")
    try:
        return network_to_model(network)
    finally:
        keras.config.set_dtype_policy(previous)


def tensorflow_gradients(network: Network, x: np.ndarray, labels: np.ndarray, loss: str, direction=None):
    """(loss, [dW], [db], dx) from tf.GradientTape; with `direction`, of direction · logits instead of the loss."""
    model = float64_keras_model(network)
    dense = [model.get_layer(name) for name in network.config.dense_names]
    variables = [v for layer in dense for v in (layer.kernel, layer.bias)]
    x_tensor = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x_tensor)
        a = x_tensor
        for layer in dense[:-1]:
            a = layer(a)
        logits = tf.matmul(a, dense[-1].kernel) + dense[-1].bias  # the training's loss starts from the logits
        if direction is not None:
            value = tf.reduce_sum(logits * tf.constant(direction, dtype=tf.float64))
        elif loss == "crossentropy":
            value = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        else:
            value = tf.reduce_mean(
                tf.square(tf.nn.softmax(logits) - tf.one_hot(labels, logits.shape[1], dtype=tf.float64))
            )
    grads = tape.gradient(value, [*variables, x_tensor])
    as_np = [np.asarray(g) for g in grads]
    return float(value), as_np[0:-1:2], as_np[1:-1:2], as_np[-1]


def assert_close(ours: np.ndarray, theirs: np.ndarray, what: str) -> None:
    # Relative to each array's largest entry: entries near zero are compared at that scale.
    scale = max(float(np.abs(theirs).max()), 1e-12)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=RTOL * scale, err_msg=what)


def network_for(activation: str, depth: int, digits=tuple(range(10))) -> Network:
    return oracle_network(NetworkConfig(hidden_sizes=HIDDEN_BY_DEPTH[depth], activation=activation, digits=digits), 3)


def labels_for(network: Network, n: int) -> np.ndarray:
    return np.random.default_rng(5).integers(0, len(network.digits), n)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", sorted(HIDDEN_BY_DEPTH))
def test_gradients_match_tensorflow(depth: int, activation: str, loss: str) -> None:
    network = network_for(activation, depth)
    x = random_inputs(6, seed=depth).astype(np.float64)
    labels = labels_for(network, len(x))
    ours = loss_and_gradients(network, x, labels, loss)
    tf_loss, tf_weights, tf_biases, tf_inputs = tensorflow_gradients(network, x, labels, loss)
    assert ours.loss == pytest.approx(tf_loss, rel=RTOL)
    for k, (mine, theirs) in enumerate(zip(ours.weights, tf_weights)):
        assert mine.shape == network.layers[k].weights.shape
        assert_close(mine, theirs, f"weights of layer {k}")
    for k, (mine, theirs) in enumerate(zip(ours.biases, tf_biases)):
        assert_close(mine, theirs, f"bias of layer {k}")
    assert ours.inputs.shape == x.shape
    assert_close(ours.inputs, tf_inputs, "inputs")


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_subset_outputs_match_tensorflow(activation: str, loss: str) -> None:
    network = network_for(activation, 2, digits=(7, 8, 9))
    x = random_inputs(5, seed=9).astype(np.float64)
    labels = labels_for(network, len(x))
    ours = loss_and_gradients(network, x, labels, loss)
    _, tf_weights, tf_biases, tf_inputs = tensorflow_gradients(network, x, labels, loss)
    assert ours.weights[-1].shape == (6, 3)
    for mine, theirs in zip([*ours.weights, *ours.biases, ours.inputs], [*tf_weights, *tf_biases, tf_inputs]):
        assert_close(mine, theirs, "subset network")


def central_difference(f, array: np.ndarray, index: tuple[int, ...]) -> float:
    original = array[index]
    array[index] = original + FD_STEP
    up = f()
    array[index] = original - FD_STEP
    down = f()
    array[index] = original
    return (up - down) / (2 * FD_STEP)


def sampled_indices(shape: tuple[int, ...], rng: np.random.Generator) -> list[tuple[int, ...]]:
    return [tuple(int(rng.integers(0, s)) for s in shape) for _ in range(FD_SAMPLES)]


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", sorted(HIDDEN_BY_DEPTH))
def test_gradients_match_finite_differences(depth: int, activation: str, loss: str) -> None:
    network = network_for(activation, depth, digits=(7, 8, 9) if depth == 2 else tuple(range(10)))
    params = [(w.copy(), b.copy()) for w, b in network_params(network)]
    x = random_inputs(4, seed=depth + 20).astype(np.float64)
    labels = labels_for(network, len(x))
    ours = loss_and_gradients(network, x, labels, loss)
    rng = np.random.default_rng(depth)

    def value() -> float:
        return params_mean_loss(params, activation, x, labels, loss)

    checks = [(x, ours.inputs)]
    for (w, b), dw, db in zip(params, ours.weights, ours.biases):
        checks += [(w, dw), (b, db)]
    for array, analytic in checks:
        scale = max(float(np.abs(analytic).max()), 1e-12)
        for index in sampled_indices(array.shape, rng):
            numeric = central_difference(value, array, index)
            assert abs(numeric - analytic[index]) <= RTOL * max(abs(numeric), scale), (index, numeric, analytic[index])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_output_gradient_matches_tensorflow(activation: str) -> None:
    network = network_for(activation, 2)
    x = random_inputs(3, seed=2).astype(np.float64)
    toward_7_not_9 = np.zeros(10)
    toward_7_not_9[7], toward_7_not_9[9] = 1.0, -1.0
    *_, tf_inputs = tensorflow_gradients(network, x, np.zeros(3, dtype=np.int64), "crossentropy", toward_7_not_9)
    assert_close(output_gradient(network, x, toward_7_not_9), tf_inputs, "batch")
    single = output_gradient(network, x[1], toward_7_not_9)
    assert single.shape == (784,)
    assert_close(single, tf_inputs[1], "single input")


def test_output_gradient_rejects_wrong_direction_length() -> None:
    with pytest.raises(ValueError, match="one value per output"):
        output_gradient(network_for("relu", 1), random_inputs(1, 0)[0], np.ones(3))


@pytest.mark.parametrize("loss", LOSSES)
def test_losses_match_the_training_and_the_forward_pass(loss: str) -> None:
    network = network_for("tanh", 2)
    x = random_inputs(50, seed=4)
    labels = labels_for(network, len(x))
    each = per_example_loss(network, x, labels, loss)
    assert each.shape == (50,)
    assert loss_and_gradients(network, x, labels, loss).loss == pytest.approx(each.mean(), rel=1e-12)
    assert each.mean() == pytest.approx(evaluate(network.arrays(), "tanh", loss, x, labels)[0], rel=1e-5)
    probabilities = forward_pass(network, x).probabilities
    if loss == "crossentropy":
        np.testing.assert_allclose(each, -np.log(probabilities[np.arange(50), labels]), rtol=1e-5)
    else:
        np.testing.assert_allclose(each, ((probabilities - np.eye(10)[labels]) ** 2).mean(axis=1), rtol=1e-4)
