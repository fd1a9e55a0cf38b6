"""How sure the live answer says the network is: whole percents, never a rounded-up 100 %."""

from __future__ import annotations

import math

import pytest

from nnviz.live.words import prediction_sentence, sure_percent


@pytest.mark.parametrize(
    ("probability", "said"),
    [(0.0, 0), (0.004, 0), (0.005, 1), (0.5, 50), (0.984, 98), (0.985, 99), (0.994, 99), (0.9997, 99), (1.0, 99)],
)
def test_whole_percents_rounded_half_up_and_never_100(probability: float, said: int) -> None:
    assert sure_percent(probability) == said


def test_the_sentence_a_screen_reader_hears() -> None:
    assert prediction_sentence(7, 0.9812) == "Prediction 7, 98 % sure"
    assert prediction_sentence(3, 0.9997) == "Prediction 3, 99 % sure"


@pytest.mark.parametrize("nonsense", [math.nan, math.inf])
def test_a_probability_that_is_not_a_number_is_refused(nonsense: float) -> None:
    with pytest.raises(ValueError):
        sure_percent(nonsense)
