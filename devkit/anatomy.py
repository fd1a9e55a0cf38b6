"""Random networks and digit-like inputs: for the anatomy, network-figure and oracle tests and the benches."""

from __future__ import annotations

import itertools

import numpy as np

from nnviz.model.network import Network, NetworkConfig


def random_arrays(config: NetworkConfig, seed: int, scale: float = 1.0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    sizes = config.layer_sizes
    return [
        (
            rng.normal(0.0, scale * np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out)).astype(np.float32),
            rng.normal(0.0, 0.1, n_out).astype(np.float32),
        )
        for n_in, n_out in itertools.pairwise(sizes)
    ]


def random_network(hidden=(64, 32), activation="relu", digits=tuple(range(10)), seed=0) -> Network:
    config = NetworkConfig(hidden_sizes=hidden, activation=activation, digits=digits)
    return Network.from_arrays(config, random_arrays(config, seed), label="random")


def digit_like_input(seed: int = 1) -> np.ndarray:
    """A sparse 0..1 image: mostly blank pixels, like a drawn digit."""
    rng = np.random.default_rng(seed)
    x = np.zeros(784, dtype=np.float32)
    ink = rng.choice(784, 160, replace=False)
    x[ink] = rng.uniform(0.05, 1.0, ink.size)
    return x


def oracle_network(config: NetworkConfig, seed: int) -> Network:
    """Random weights scaled like Glorot (so activations neither vanish nor saturate) and biases of std 0.3.

    For comparisons against Keras and finite differences: non-zero biases so that a bias bug shows.
    """
    rng = np.random.default_rng(seed)
    arrays = [
        (
            rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out)).astype(np.float32),
            rng.normal(0.0, 0.3, n_out).astype(np.float32),
        )
        for n_in, n_out in itertools.pairwise(config.layer_sizes)
    ]
    return Network.from_arrays(config, arrays, label="random")


def random_inputs(n: int, seed: int) -> np.ndarray:
    """(n, 784) float32 in 0..1, about 80 % of pixels 0 (mostly dark, like MNIST)."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 784), dtype=np.float32)
    x[rng.random((n, 784)) < 0.8] = 0.0
    return x
