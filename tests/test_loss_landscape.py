"""Loss against one weight and the 2-D slice, against brute force (a full forward pass per point)."""

from __future__ import annotations

import numpy as np
import pytest

from devkit.anatomy import random_network
from nnviz.explain.loss_landscape import (
    CURVE_POINTS,
    SLICE_POINTS,
    OneWeightLoss,
    WeightRef,
    filter_normalised_direction,
    largest_gradient_weight,
    loss_slice,
    weight_curve,
)
from nnviz.model.backprop import LOSSES, network_params, params_loss_and_gradients, params_mean_loss
from nnviz.model.forward import forward_pass
from nnviz.model.network import ACTIVATIONS, NetworkConfig


def mnist_like(n: int, seed: int) -> np.ndarray:
    """(n, 784) in 0..1 with most pixels exactly 0, like MNIST (so some examples skip a weight entirely)."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 784))
    x[rng.random((n, 784)) < 0.8] = 0.0
    return x


def brute_force(params, activation, x, labels, loss, ref: WeightRef, value: float) -> float:
    changed = [(w.copy(), b.copy()) for w, b in params]
    changed[ref.layer][0][ref.row, ref.column] = value
    return params_mean_loss(changed, activation, x, labels, loss)


@pytest.fixture(scope="module")
def batch() -> tuple[np.ndarray, np.ndarray]:
    return mnist_like(60, seed=1), np.random.default_rng(2).integers(0, 10, 60)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_curve_matches_brute_force_in_every_layer(activation: str, loss: str, batch) -> None:
    network = random_network((12, 8), activation, seed=4)
    params = network_params(network)
    x, labels = batch
    for ref in (WeightRef(0, 300, 5), WeightRef(1, 3, 2), WeightRef(2, 7, 9)):
        curve = weight_curve(params, activation, x, labels, loss, ref)
        assert len(curve.values) == CURVE_POINTS
        for i in (0, 13, CURVE_POINTS - 1):
            expected = brute_force(params, activation, x, labels, loss, ref, curve.values[i])
            assert curve.losses[i] == pytest.approx(expected, rel=1e-10), (ref, i)


def test_the_curve_at_the_current_value_is_the_forward_pass_loss(batch) -> None:
    network = random_network((16,), "relu", seed=8)
    params = network_params(network)
    x, labels = batch
    ref = WeightRef(0, 350, 3)
    curve = weight_curve(params, "relu", x, labels, "crossentropy", ref)
    probabilities = forward_pass(network, x).probabilities
    forward_loss = float(-np.log(probabilities[np.arange(len(labels)), labels]).mean())
    assert curve.current == pytest.approx(float(network.layers[0].weights[350, 3]))
    assert curve.current_loss == pytest.approx(forward_loss, rel=1e-5)
    at_current = OneWeightLoss(params, "relu", x, labels, "crossentropy", ref).losses(np.array([curve.current]))[0]
    assert at_current == pytest.approx(forward_loss, rel=1e-5)
    # The tangent's slope is the gradient: it matches the curve's own central difference.
    step = 1e-5
    around = OneWeightLoss(params, "relu", x, labels, "crossentropy", ref).losses(
        np.array([curve.current - step, curve.current + step])
    )
    assert curve.slope == pytest.approx((around[1] - around[0]) / (2 * step), rel=1e-4)


def test_the_range_shows_the_valley(batch) -> None:
    network = random_network((16,), "tanh", seed=9)
    params = network_params(network)
    x, labels = batch
    gradients = params_loss_and_gradients(params, "tanh", x, labels, "crossentropy")
    ref = largest_gradient_weight(gradients.weights)
    assert abs(gradients.weights[ref.layer][ref.row, ref.column]) == max(
        float(np.abs(g).max()) for g in gradients.weights
    )
    # The output layer's steepest weight: the loss is convex in it, with a valley for these labels.
    output = WeightRef(1, *np.unravel_index(int(np.abs(gradients.weights[1]).argmax()), gradients.weights[1].shape))
    curve = weight_curve(params, "tanh", x, labels, "crossentropy", output, gradients=gradients)
    assert curve.has_valley
    lowest = int(curve.losses.argmin())
    assert 0 < lowest < CURVE_POINTS - 1, "the lowest point is inside the range, not at an edge"
    assert curve.values[0] < curve.current < curve.values[-1]
    # Downhill from the current value is the way the gradient says.
    assert np.sign(curve.best_value - curve.current) == -np.sign(curve.slope)
    # A saturating tanh weight has no valley in reach: the curve then stays near the current value.
    flat = weight_curve(params, "tanh", x, labels, "crossentropy", ref, gradients=gradients)
    assert not flat.has_valley
    assert flat.values[-1] - flat.values[0] <= 2 * max(3 * abs(flat.current), 0.5) + 1e-9


def test_a_weight_no_example_uses_gives_a_flat_curve(batch) -> None:
    network = random_network((4,), "relu", seed=1)
    x, labels = batch
    x = x.copy()
    x[:, 0] = 0.0  # pixel 0 is blank in every image
    curve = weight_curve(network_params(network), "relu", x, labels, "crossentropy", WeightRef(0, 0, 1), span=1.0)
    np.testing.assert_allclose(curve.losses, curve.current_loss, rtol=1e-12)
    assert curve.slope == 0.0


def test_weight_ref_words_and_fit() -> None:
    config = NetworkConfig(hidden_sizes=(8,), digits=(7, 8, 9))
    assert WeightRef(0, 28 * 12 + 15, 3).describe(config) == (
        "the weight from pixel (row 12, column 15) to neuron 3 of hidden layer 1"
    )
    assert (
        WeightRef(1, 2, 1).describe(config)
        == "the weight from neuron 2 of hidden layer 1 to the output neuron of digit 8"
    )
    assert WeightRef(0, 28 * 12 + 15, 3).short(config) == "pixel (12, 15) → hidden 1 #3"
    assert WeightRef(1, 2, 1).short(config) == "hidden 1 #2 → digit 8"
    assert (
        WeightRef(1, 7, 2).fits(config) and not WeightRef(1, 8, 2).fits(config) and not WeightRef(2, 0, 0).fits(config)
    )


def test_filter_normalised_directions_have_each_neurons_norm() -> None:
    params = network_params(random_network((10,), "relu", seed=3))
    direction = filter_normalised_direction(params, np.random.default_rng(0))
    for (w, _), (d, db) in zip(params, direction):
        np.testing.assert_allclose(np.linalg.norm(d, axis=0), np.linalg.norm(w, axis=0), rtol=1e-10)
        assert not db.any()


def test_slice_centre_is_the_model_and_corners_match_brute_force(batch) -> None:
    network = random_network((12, 6), "sigmoid", seed=5)
    params = network_params(network)
    x, labels = batch
    path = [[(w * 0.5, b) for w, b in params], params]
    result = loss_slice(params, "sigmoid", x, labels, "mse", seed=3, path=path)
    assert result.losses.shape == (SLICE_POINTS, SLICE_POINTS)
    centre = SLICE_POINTS // 2
    assert result.losses[centre, centre] == pytest.approx(params_mean_loss(params, "sigmoid", x, labels, "mse"))
    rng = np.random.default_rng(3)
    d1, d2 = filter_normalised_direction(params, rng), filter_normalised_direction(params, rng)
    corner = [(w + a + c, b) for (w, b), (a, _), (c, _) in zip(params, d1, d2)]  # alpha = beta = +1
    assert result.losses[-1, -1] == pytest.approx(params_mean_loss(corner, "sigmoid", x, labels, "mse"), rel=1e-9)
    np.testing.assert_allclose(result.path[-1], [0.0, 0.0], atol=1e-12)  # the final weights are the centre
