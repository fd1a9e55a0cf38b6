"""Which images a training run uses: digit subset, label mapping, seeded train/validation split.

Pure numpy (no Keras), so the UI can also tell how many images a run will see.

A network that learns only some digits has one output neuron per learnt digit:
digit ``digits[i]`` is output index ``i`` (for the 7-8-9 lab example, 7 -> 0,
8 -> 1, 9 -> 2), and `nnviz.model.forward.predict_digits` maps back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

VALIDATION_FRACTION = 0.1
MAX_VALIDATION = 5_000


class Dataset(Protocol):
    """What training needs from `nnviz.model.mnist.MnistData`."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class SplitData:
    """The images of one run. x_*: (n, 784) float32 in 0..1; y_*: (n,) int32 output indices 0..len(digits)-1."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def digits_to_indices(labels: np.ndarray, digits: tuple[int, ...]) -> np.ndarray:
    """Map digit labels to output indices (digit ``digits[i]`` -> ``i``); digits not learnt -> -1."""
    lookup = np.full(10, -1, dtype=np.int32)
    lookup[list(digits)] = np.arange(len(digits), dtype=np.int32)
    return lookup[np.asarray(labels, dtype=np.int64)]


def validation_size(kept: int) -> int:
    """Images held out for validation from `kept` training images of the run's digits (10%, 1 to 5,000)."""
    return min(MAX_VALIDATION, max(1, round(VALIDATION_FRACTION * kept)))


def split_data(data: Dataset, digits: tuple[int, ...], train_size: int | None, seed: int) -> SplitData:
    """Keep only `digits`, then split the training images into validation and training sets.

    Validation: 10% of the kept training images (at most 5,000, at least 1), chosen with `seed`
    and kept the same whatever `train_size` is, so curves of different sizes are comparable.
    Training: `train_size` of the remaining images (None or more than available = all), also
    chosen with `seed`. Test: every test image of those digits. Raises ValueError (a message
    for the page) if there are too few images.
    """
    train_idx = digits_to_indices(data.y_train, digits)
    keep = np.flatnonzero(train_idx >= 0)
    if len(keep) < 2:
        raise ValueError(f"There are only {len(keep)} training images of the digits {list(digits)}: too few to train.")
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 1]))
    keep = rng.permutation(keep)
    n_val = validation_size(len(keep))
    val, rest = keep[:n_val], keep[n_val:]
    if train_size is not None:
        rest = rest[: int(train_size)]
    # Sorted so the subset does not depend on the order of a permutation we reshuffle anyway.
    rest = np.sort(rest)
    test_idx = digits_to_indices(data.y_test, digits)
    test_keep = np.flatnonzero(test_idx >= 0)
    return SplitData(
        x_train=np.ascontiguousarray(data.x_train[rest], dtype=np.float32),
        y_train=train_idx[rest],
        x_val=np.ascontiguousarray(data.x_train[val], dtype=np.float32),
        y_val=train_idx[val],
        x_test=np.ascontiguousarray(data.x_test[test_keep], dtype=np.float32),
        y_test=test_idx[test_keep],
    )
