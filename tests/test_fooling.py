"""Inputs that are not digits, and the MNIST preparation with each step switched off."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.explain.fooling import LETTERS, corner_input, letter_input, noise_input, step_variants, white_input
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass
from nnviz.model.preprocess import MNIST_STEPS, PreprocessSteps, ink_to_input


def extent(pixels: np.ndarray) -> tuple[int, int]:
    """(height, width) of the ink's bounding box in a 784-value image."""
    grid = pixels.reshape(28, 28) > 0.1
    rows, cols = np.flatnonzero(grid.any(axis=1)), np.flatnonzero(grid.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def centre_of_mass(pixels: np.ndarray) -> np.ndarray:
    grid = pixels.reshape(28, 28)
    rows, cols = np.indices(grid.shape)
    return np.array([(grid * rows).sum(), (grid * cols).sum()]) / grid.sum()


@pytest.fixture(scope="module")
def small_off_centre_ink() -> np.ndarray:
    """A 200 × 200 picture with a lopsided stroke shape in its top-left quarter."""
    ink = np.zeros((200, 200), dtype=np.float32)
    ink[20:90, 30:40] = 1.0  # a vertical bar
    ink[20:30, 30:70] = 1.0  # a top bar to the right: the centre of mass is off the box's centre
    return ink


def test_every_step_switched_off_changes_only_its_own_part(small_off_centre_ink: np.ndarray) -> None:
    full = ink_to_input(small_off_centre_ink)
    assert np.array_equal(full, ink_to_input(small_off_centre_ink, steps=MNIST_STEPS))
    assert max(extent(full)) == 20

    no_crop = ink_to_input(small_off_centre_ink, steps=PreprocessSteps(crop=False))
    assert max(extent(no_crop)) < 10  # the whole picture was fitted in 20 px, so the strokes are small

    no_box = ink_to_input(small_off_centre_ink, steps=PreprocessSteps(scale_to_box=False))
    assert max(extent(no_box)) > 20  # fitted to 28 px (centring may then push an edge out of the field)

    no_centre = ink_to_input(small_off_centre_ink, steps=PreprocessSteps(centre=False))
    np.testing.assert_allclose(centre_of_mass(full), (14, 14), atol=0.5)
    assert np.abs(centre_of_mass(no_centre) - (14, 14)).max() > 1.0
    assert extent(no_centre) == extent(full)  # the same glyph, only not shifted

    variants = step_variants(small_off_centre_ink)
    assert variants[0].label == "All MNIST steps"
    assert np.array_equal(variants[0].pixels, full)
    assert all(v.pixels is not None and v.pixels.shape == (784,) for v in variants)


def test_made_up_inputs_are_valid_inputs_and_still_get_an_answer() -> None:
    network = load_default_network()
    inputs = [noise_input(np.random.default_rng(0)), white_input(), *(letter_input(c) for c in LETTERS)]
    for pixels in inputs:
        assert pixels.shape == (784,) and pixels.dtype == np.float32
        assert pixels.min() >= 0.0 and pixels.max() <= 1.0
        probabilities = forward_pass(network, pixels).probabilities[0]
        assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)  # always an answer: no "I don't know"
    assert np.all(white_input() == 1.0)
    # Some of them are answered with high confidence (the lesson of the tab).
    sure = [forward_pass(network, p).probabilities[0].max() for p in inputs]
    assert max(sure) > 0.9


def test_a_digit_pushed_into_the_corner_keeps_its_ink(mnist) -> None:
    digit = mnist.x_test[0]
    moved = corner_input(digit)
    grid = moved.reshape(28, 28)
    assert grid[0].any() and grid[:, 0].any()
    assert moved.sum() == pytest.approx(digit.sum())
    assert extent(moved) == extent(digit)
    assert not corner_input(np.zeros(784)).any()
