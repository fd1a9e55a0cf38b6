"""How sure the live answer says the network is: the same words as every page, never a rounded-up 100 %."""

from __future__ import annotations

import pytest

from nnviz.live.words import prediction_sentence


@pytest.mark.parametrize(
    ("digit", "probability", "said"),
    [
        (7, 0.9812, "Prediction 7, 98% sure"),
        (3, 0.9997, "Prediction 3, 99.97% sure"),
        (1, 0.999999, "Prediction 1, > 99.99% sure"),
        (4, 0.5, "Prediction 4, 50% sure"),
    ],
)
def test_the_sentence_a_screen_reader_hears(digit: int, probability: float, said: str) -> None:
    assert prediction_sentence(digit, probability) == said
