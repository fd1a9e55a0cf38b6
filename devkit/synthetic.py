"""A small synthetic stand-in for MNIST: training tests run in a fraction of a second on it, offline.

Ten noisy clusters in 0..1 pixel space, one per digit, with the same fields as nnviz's MnistData
(x_train (n, 784) float32, y_train (n,) int64 in 0..9, x_test, y_test), so `train()` takes it as is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SyntheticData:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def make_synthetic(n_train: int = 1200, n_test: int = 300, seed: int = 0) -> SyntheticData:
    """Ten noisy clusters in 0..1 pixel space, one per digit; pixel 0 holds label/10 so rows can be traced."""
    rng = np.random.default_rng(seed)
    prototypes = (rng.random((10, 784)) < 0.15).astype(np.float32)

    def sample(n: int) -> tuple[np.ndarray, np.ndarray]:
        y = rng.integers(0, 10, n)
        x = np.clip(prototypes[y] + rng.normal(0, 0.3, (n, 784)), 0, 1).astype(np.float32)
        x[:, 0] = y / 10
        return x, y.astype(np.int64)

    x_train, y_train = sample(n_train)
    x_test, y_test = sample(n_test)
    return SyntheticData(x_train, y_train, x_test, y_test)
