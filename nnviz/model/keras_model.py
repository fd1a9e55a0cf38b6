"""Keras models built from a `NetworkConfig`, and conversion to and from `Network`.

Imports Keras (and so TensorFlow): only the training worker, offline scripts and
tests may import this module, never the Streamlit server.

Reproducibility: every layer's initializer gets its own integer seed derived from
the run's seed, so building a model never touches `keras.utils.set_random_seed`
(process-global) and two trainings in one process cannot disturb each other.
"""

from __future__ import annotations

import keras
import numpy as np

from nnviz.model.network import INPUT_SIZE, SMALL_RANDOM_STDDEV, TOO_LARGE_STDDEV, Network, NetworkConfig


def layer_seed(seed: int, layer_index: int) -> int:
    """A distinct, reproducible 31-bit seed for weight layer `layer_index` (0-based) of a run seeded `seed`."""
    return int(np.random.SeedSequence([int(seed), int(layer_index)]).generate_state(1)[0] & 0x7FFFFFFF)


def make_initializer(name: str, seed: int) -> keras.initializers.Initializer:
    """The Keras weight initializer for a NetworkConfig.initializer name, with a fixed seed."""
    if name == "zeros":
        return keras.initializers.Zeros()
    if name == "small_random":
        return keras.initializers.RandomNormal(mean=0.0, stddev=SMALL_RANDOM_STDDEV, seed=seed)
    if name == "glorot":
        return keras.initializers.GlorotUniform(seed=seed)
    if name == "he":
        return keras.initializers.HeNormal(seed=seed)
    if name == "too_large":
        return keras.initializers.RandomNormal(mean=0.0, stddev=TOO_LARGE_STDDEV, seed=seed)
    raise ValueError(f"Unknown initializer {name!r}.")


def build_model(config: NetworkConfig, seed: int) -> keras.Model:
    """An uncompiled Keras model for `config`: Input(784) -> Dense hidden layers -> Dense softmax.

    Layers are named `config.dense_names` ("hidden_1", ..., "output"). Biases start at zero.
    Same config + same seed = the same initial weights, whatever else runs in the process.
    """
    config.validate()
    inputs = keras.Input(shape=(INPUT_SIZE,), name="input")
    x = inputs
    n_layers = len(config.dense_names)
    for i, (name, units) in enumerate(zip(config.dense_names, config.layer_sizes[1:])):
        x = keras.layers.Dense(
            units,
            activation="softmax" if i == n_layers - 1 else config.activation,
            kernel_initializer=make_initializer(config.initializer, layer_seed(seed, i)),
            bias_initializer="zeros",
            name=name,
        )(x)
    return keras.Model(inputs, x, name="nnviz")


def model_weights(model: keras.Model, config: NetworkConfig) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(weights (n_in, n_out), bias (n_out,)), ...] as float32 numpy copies, in layer order."""
    arrays = []
    for name in config.dense_names:
        kernel, bias = model.get_layer(name).get_weights()
        arrays.append((np.array(kernel, dtype=np.float32), np.array(bias, dtype=np.float32)))
    return arrays


def model_to_network(model: keras.Model, config: NetworkConfig, label: str = "Network") -> Network:
    """The model's current weights as a numpy `Network` (raises ValueError if any weight is NaN/inf)."""
    return Network.from_arrays(config, model_weights(model, config), label=label)


def network_to_model(network: Network) -> keras.Model:
    """A Keras model with exactly the network's weights (the oracle in the forward-pass tests)."""
    model = build_model(network.config, seed=0)
    for layer in network.layers:
        model.get_layer(layer.name).set_weights([layer.weights, layer.bias])
    return model


def all_layers_model(model: keras.Model, config: NetworkConfig) -> keras.Model:
    """A model sharing `model`'s layers that outputs every weight layer's activations, in order."""
    return keras.Model(model.input, [model.get_layer(name).output for name in config.dense_names])
