"""Why a run blew up, told from its own starting weights and step size (contrary cases side by side)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from nnviz.training.divergence import TOO_LARGE_RATIO, diverged_message, start_size_ratio


def start(spread: float, sizes: tuple[int, ...] = (784, 64, 10), seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    return [(rng.normal(0, spread, (a, b)), np.zeros(b)) for a, b in itertools.pairwise(sizes)]


def glorot_spread(n_in: int, n_out: int) -> float:
    return math.sqrt(2 / (n_in + n_out))


def test_the_ratio_is_measured_against_glorot() -> None:
    ratio = start_size_ratio(start(3.0))
    assert ratio == pytest.approx(3.0 / glorot_spread(784, 64), rel=0.05)  # the widest layer has the biggest ratio
    assert start_size_ratio(start(glorot_spread(784, 64))) < 1.5
    assert start_size_ratio([(np.zeros((784, 10)), np.zeros(10))]) == 0


def test_sensible_weights_blame_the_learning_rate() -> None:
    message = diverged_message(2, start(0.05), "relu", "sgd", 10.0)
    assert message.startswith("The learning rate is too high") and "(at epoch 2)" in message
    assert "starting weights" not in message


@pytest.mark.parametrize(
    ("activation", "effect"), [("relu", "values explode"), ("sigmoid", "saturate"), ("tanh", "saturate")]
)
def test_huge_weights_blame_the_start_and_say_what_they_do(activation: str, effect: str) -> None:
    message = diverged_message(1, start(3.0), activation, "sgd", 0.1)
    assert "because of the starting weights, not the learning rate of 0.1" in message
    assert effect in message
    assert f"about {start_size_ratio(start(3.0)):.0f} times larger than Glorot's" in message
    assert start_size_ratio(start(3.0)) >= TOO_LARGE_RATIO


def test_huge_weights_and_a_huge_step_name_both() -> None:
    message = diverged_message(1, start(3.0), "relu", "sgd", 10.0)
    assert "two settings can do that here" in message
    assert "learning rate of 10" in message and "Glorot starting weights first" in message
    assert "not the learning rate" not in message
