"""Guess first: the loss curve's shape is read correctly from synthetic histories, and the tally counts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.figures.guess import guess_figure
from nnviz.lesson.guess import CURVE_SHAPES, Tally, classify_curve, curve_verdict, digit_verdict, sketch

STEPS = np.arange(300)
RNG = np.random.default_rng(0)


def noisy(curve: np.ndarray, amount: float = 0.03) -> np.ndarray:
    """Batch losses wobble: multiplicative noise of a few per cent."""
    return curve * (1 + amount * RNG.standard_normal(curve.size))


@pytest.mark.parametrize(
    ("losses", "shape"),
    [
        (noisy(0.15 + 2.15 * np.exp(-STEPS / 12)), "fast"),  # Adam on MNIST: most of the fall in the first batches
        (noisy(2.3 - 1.3 * STEPS / STEPS[-1]), "slow"),  # plain SGD with a tiny step: a steady slope
        (noisy(2.3 - 0.8 * (1 - np.exp(-STEPS / 400))), "slow"),  # still falling at the end
        (noisy(np.full(STEPS.size, 2.3026)), "stuck"),  # all-zero weights: the loss stays at ln 10
        (noisy(2.3 - 0.1 * STEPS / STEPS[-1]), "stuck"),  # a 4 % fall is not learning
        (noisy(2.3 * np.exp(STEPS / 100)), "blows_up"),  # too large a learning rate
        (np.array([2.3, 5.0, 40.0, math.inf]), "blows_up"),
        (np.array([2.3, 2.0, math.nan]), "blows_up"),
    ],
)
def test_synthetic_curves_are_classified(losses: np.ndarray, shape: str) -> None:
    assert classify_curve(list(losses)) == shape


def test_a_diverged_run_blew_up_whatever_its_points() -> None:
    assert classify_curve([2.3, 1.0, 0.5], diverged=True) == "blows_up"


def test_too_few_points_did_not_move() -> None:
    assert classify_curve([]) == "stuck" and classify_curve([2.3]) == "stuck"


@pytest.mark.parametrize("shape", list(CURVE_SHAPES))
def test_each_sketch_is_classified_as_itself(shape: str) -> None:
    assert classify_curve(sketch(shape)[1]) == shape


def test_unknown_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown curve shape"):
        sketch("wiggles")


def test_the_tally_and_the_verdicts() -> None:
    tally = Tally().add(True).add(False).add(True)
    assert (tally.right, tally.total) == (2, 3)
    assert tally.describe() == "2 of 3 guesses right (67%)."
    assert Tally().describe() == "No guesses yet."
    assert digit_verdict(7, 9) == "You guessed 7, it said 9. Not this time."
    assert digit_verdict(3, 3).endswith("Right!")
    assert curve_verdict("fast", "stuck").startswith("You guessed “falls fast”; the loss gets stuck")


def test_the_guess_figure_scales_both_curves_to_start_at_one() -> None:
    losses = [2.0, 1.0, math.inf, 0.5]
    figure = guess_figure("slow", [0.25, 0.5, 0.75, 1.0], losses)
    guess, real = figure.data
    assert guess.line.dash == "dash" and guess.y[0] == pytest.approx(1.0)
    assert list(real.y[:2]) == [1.0, 0.5] and math.isnan(real.y[2])
    assert guess.x[-1] == pytest.approx(1.0)  # the guess spans the real run's epochs
