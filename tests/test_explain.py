"""Explanation maps against oracles: central finite differences for gradient × input, a direct loop for occlusion."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.explain.maps import PATCH, SATURATED, STRIDE, gradient_times_input, occlusion, occlusion_measure
from nnviz.model.forward import ACTIVATION_FUNCTIONS, forward_pass
from nnviz.model.network import IMAGE_SIDE


def output_sums(network, x: np.ndarray) -> np.ndarray:
    """z of the output layer (pre-softmax) for one input, all in float64 (the app's pass is float32)."""
    a = np.asarray(x, dtype=np.float64)
    for layer in network.layers[:-1]:
        a = ACTIVATION_FUNCTIONS[layer.activation](a @ layer.weights.astype(np.float64) + layer.bias)
    last = network.layers[-1]
    return a @ last.weights.astype(np.float64) + last.bias


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("versus", [None, 3])
def test_gradient_times_input_matches_central_finite_differences(activation: str, versus: int | None) -> None:
    network = random_network(hidden=(24, 12), activation=activation, seed=5)
    x = digit_like_input(seed=2).astype(np.float64)
    winner = int(output_sums(network, x).argmax())

    def score(image: np.ndarray) -> float:
        z = output_sums(network, image)
        return z[winner] - (z[versus] if versus is not None else 0.0)

    saliency = gradient_times_input(network, x, winner, versus)
    step = 1e-5
    inked = np.flatnonzero(x)[:40]
    for pixel in inked:
        up, down = x.copy(), x.copy()
        up[pixel] += step
        down[pixel] -= step
        slope = (score(up) - score(down)) / (2 * step)
        assert saliency[pixel] == pytest.approx(slope * x[pixel], rel=1e-4, abs=1e-6)
    assert np.all(saliency[x == 0] == 0)


def occlusion_by_loop(x: np.ndarray, score: Callable[[np.ndarray], float]) -> np.ndarray:
    """The oracle: blank every PATCH × PATCH square (STRIDE apart) by hand; each pixel gets the mean drop in score."""
    base = score(x)
    total = np.zeros((IMAGE_SIDE, IMAGE_SIDE))
    count = np.zeros((IMAGE_SIDE, IMAGE_SIDE))
    for top in range(0, IMAGE_SIDE - PATCH + 1, STRIDE):
        for left in range(0, IMAGE_SIDE - PATCH + 1, STRIDE):
            erased = x.reshape(IMAGE_SIDE, IMAGE_SIDE).copy()
            erased[top : top + PATCH, left : left + PATCH] = 0.0
            total[top : top + PATCH, left : left + PATCH] += base - score(erased.ravel())
            count[top : top + PATCH, left : left + PATCH] += 1
    return (total / count).ravel()


def test_occlusion_matches_a_direct_loop_over_patches() -> None:
    network = random_network(hidden=(32,), seed=7)
    x = digit_like_input(seed=4)
    output = int(forward_pass(network, x).probabilities[0].argmax())
    expected = occlusion_by_loop(x, lambda image: float(forward_pass(network, image).probabilities[0, output]))
    np.testing.assert_allclose(occlusion(network, x, output), expected, atol=1e-6)


def test_occlusion_in_log_odds_matches_a_direct_loop_in_float64() -> None:
    network = random_network(hidden=(32,), seed=7)
    x = digit_like_input(seed=4)
    output = int(forward_pass(network, x).probabilities[0].argmax())

    def log_odds(image: np.ndarray) -> float:  # the oracle: log(p / (1 - p)) from float64 softmax sums
        a = image.astype(np.float64)
        for layer in network.layers[:-1]:
            a = ACTIVATION_FUNCTIONS[layer.activation](a @ layer.weights.astype(np.float64) + layer.bias)
        z = a @ network.layers[-1].weights.astype(np.float64) + network.layers[-1].bias
        others = np.delete(z, output)
        return float(z[output] - np.log(np.exp(others).sum()))

    np.testing.assert_allclose(occlusion(network, x, output, "log_odds"), occlusion_by_loop(x, log_odds), atol=1e-4)


def test_a_saturated_answer_is_occluded_in_log_odds() -> None:
    assert occlusion_measure(0.9999999) == "log_odds"
    assert occlusion_measure(SATURATED) == "log_odds"
    assert occlusion_measure(0.97) == "probability"


def test_occlusion_of_a_blank_image_is_zero_everywhere() -> None:
    network = random_network(hidden=(8,), seed=1)
    assert not occlusion(network, np.zeros(784, np.float32), 0).any()
