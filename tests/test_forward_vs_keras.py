"""The numpy forward pass against Keras (the oracle), and the Keras model builder.

Same weights in both: every layer's activations must agree within 1e-5 for every
activation, 0 to 4 hidden layers, subset outputs, one input and a batch.
"""

from __future__ import annotations

import numpy as np
import pytest

from devkit.ci import require_module

keras = require_module("keras")

from devkit.anatomy import oracle_network, random_inputs  # noqa: E402
from nnviz.model.forward import forward_pass  # noqa: E402
from nnviz.model.keras_model import (  # noqa: E402
    SMALL_RANDOM_STDDEV,
    TOO_LARGE_STDDEV,
    all_layers_model,
    build_model,
    model_to_network,
    model_weights,
    network_to_model,
)
from nnviz.model.network import ACTIVATIONS, INITIALIZERS, Network, NetworkConfig  # noqa: E402

HIDDEN_BY_DEPTH = {0: (), 1: (24,), 2: (32, 16), 3: (40, 1, 12), 4: (64, 32, 16, 8)}
TOLERANCE = 1e-5


def assert_matches_keras(network: Network, x: np.ndarray) -> None:
    keras_outputs = all_layers_model(network_to_model(network), network.config)(x, training=False)
    if not isinstance(keras_outputs, (list, tuple)):
        keras_outputs = [keras_outputs]
    ours = forward_pass(network, x)
    batch = 1 if x.ndim == 1 else len(x)
    assert len(ours.activations) == len(network.config.layer_sizes)
    np.testing.assert_array_equal(ours.activations[0], x.reshape(batch, -1))
    for name, mine, theirs in zip(network.config.dense_names, ours.activations[1:], keras_outputs):
        theirs = np.asarray(theirs)
        assert mine.shape == theirs.shape, name
        np.testing.assert_allclose(mine, theirs, atol=TOLERANCE, rtol=0, err_msg=name)
    np.testing.assert_allclose(ours.probabilities.sum(axis=1), 1.0, atol=1e-6)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", sorted(HIDDEN_BY_DEPTH))
def test_every_layer_matches_keras(activation: str, depth: int) -> None:
    config = NetworkConfig(hidden_sizes=HIDDEN_BY_DEPTH[depth], activation=activation)
    network = oracle_network(config, seed=depth)
    assert_matches_keras(network, random_inputs(16, seed=depth))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_subset_outputs_match_keras(activation: str) -> None:
    config = NetworkConfig(hidden_sizes=(20, 10), activation=activation, digits=(7, 8, 9))
    network = oracle_network(config, seed=7)
    assert network.config.layer_sizes[-1] == 3
    assert_matches_keras(network, random_inputs(8, seed=1))


def test_single_input_matches_keras_and_batch_row() -> None:
    config = NetworkConfig(hidden_sizes=(128, 64), activation="relu")
    network = oracle_network(config, seed=3)
    batch = random_inputs(5, seed=4)
    single = forward_pass(network, batch[2])
    assert single.probabilities.shape == (1, 10)
    keras_probs = np.asarray(network_to_model(network)(batch[2:3], training=False))
    np.testing.assert_allclose(single.probabilities, keras_probs, atol=TOLERANCE, rtol=0)
    for mine, row in zip(single.activations, forward_pass(network, batch).activations):
        np.testing.assert_allclose(mine[0], row[2], atol=1e-6, rtol=0)


def test_largest_layers_match_keras() -> None:
    config = NetworkConfig(hidden_sizes=(512, 512), activation="tanh")
    assert_matches_keras(oracle_network(config, seed=11), random_inputs(4, seed=12))


def test_build_model_names_shapes_and_outputs() -> None:
    config = NetworkConfig(hidden_sizes=(16, 8), activation="sigmoid", digits=(7, 8, 9))
    model = build_model(config, seed=0)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.name for layer in dense] == ["hidden_1", "hidden_2", "output"]
    assert [layer.units for layer in dense] == [16, 8, 3]
    assert [layer.activation.__name__ for layer in dense] == ["sigmoid", "sigmoid", "softmax"]
    assert model.count_params() == config.param_count
    assert model.output_shape == (None, 3)


def test_model_network_round_trip() -> None:
    config = NetworkConfig(hidden_sizes=(12,), activation="relu")
    model = build_model(config, seed=5)
    network = model_to_network(model, config, label="round trip")
    assert network.label == "round trip"
    for (w, b), (w2, b2) in zip(model_weights(model, config), model_weights(network_to_model(network), config)):
        np.testing.assert_array_equal(w, w2)
        np.testing.assert_array_equal(b, b2)
        assert w.dtype == np.float32 and b.dtype == np.float32


@pytest.mark.parametrize("initializer", INITIALIZERS)
def test_initializers_are_seeded_per_layer(initializer: str) -> None:
    config = NetworkConfig(hidden_sizes=(64, 64, 64), initializer=initializer)
    first = model_weights(build_model(config, seed=1), config)
    again = model_weights(build_model(config, seed=1), config)
    other = model_weights(build_model(config, seed=2), config)
    for (w, b), (w_again, _), (w_other, _) in zip(first, again, other):
        np.testing.assert_array_equal(w, w_again)
        assert not b.any(), "biases start at zero"
        if initializer != "zeros":
            assert not np.array_equal(w, w_other), "a different seed gives different weights"
    if initializer != "zeros":
        # hidden_2 and hidden_3 have the same shape: each layer needs its own seed, or they would be equal.
        assert not np.array_equal(first[1][0], first[2][0])


def test_initializer_scales() -> None:
    def stds(initializer: str) -> list[float]:
        config = NetworkConfig(hidden_sizes=(256, 128), initializer=initializer)
        return [float(w.std()) for w, _ in model_weights(build_model(config, seed=0), config)]

    assert stds("zeros") == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(stds("small_random"), SMALL_RANDOM_STDDEV, rtol=0.05)
    np.testing.assert_allclose(stds("too_large"), TOO_LARGE_STDDEV, rtol=0.05)
    # Glorot uniform: std sqrt(2 / (n_in + n_out)); He normal: sqrt(2 / n_in) (truncated, so a bit less).
    np.testing.assert_allclose(stds("glorot"), [np.sqrt(2 / (784 + 256)), np.sqrt(2 / 384), np.sqrt(2 / 138)], rtol=0.1)
    np.testing.assert_allclose(stds("he"), [np.sqrt(2 / 784), np.sqrt(2 / 256), np.sqrt(2 / 128)], rtol=0.15)


def test_build_model_rejects_invalid_config() -> None:
    with pytest.raises(ValueError, match="At most 4 hidden layers"):
        build_model(NetworkConfig(hidden_sizes=(8, 8, 8, 8, 8)), seed=0)
