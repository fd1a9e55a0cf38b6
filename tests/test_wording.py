"""The one percentage formatter: never "100%" below 1, never "0%" above 0."""

from __future__ import annotations

import pytest

from nnviz.lesson.wording import percent, probability, sure


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.97, "97%"),
        (0.9975, "99.8%"),
        (0.9998, "99.98%"),
        (0.99997, "> 99.99%"),
        (1.0, "100%"),
        (0.0, "0%"),
        (0.004, "0.4%"),
        (0.00004, "< 0.01%"),
        (float("nan"), "–"),
    ],
)
def test_percent_never_rounds_into_a_falsehood(share: float, text: str) -> None:
    assert percent(share) == text


def test_decimals_are_a_minimum() -> None:
    assert percent(0.9731, 1) == "97.3%"
    assert percent(0.99996, 1) == "> 99.99%"
    assert percent(1.0, 1) == "100.0%"


def test_no_share_below_one_reads_one_hundred() -> None:
    for k in range(1, 2000):
        share = 1 - k * 1e-7
        assert not percent(share).startswith("100"), share
        assert not percent(1 - share).startswith("0%")


def test_sure() -> None:
    assert sure(0.9998) == "99.98% sure"
    assert sure(0.97) == "97% sure"


def test_a_probability_is_never_certain_or_impossible_even_when_float32_rounds_it_there() -> None:
    import numpy as np

    logits = np.array([40.0, 0.0, -3.0], dtype=np.float32)  # a bold 7: float32's softmax gives exactly 1 and 0
    probabilities = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    assert probabilities[0] == 1.0 and probabilities[2] < 1e-17  # what the pages would have called 100 % and 0 %
    assert sure(float(probabilities[0])) == "> 99.99% sure" and sure(probabilities[0]) == "> 99.99% sure"
    assert probability(float(probabilities[1])) == "< 0.01%" and probability(0.0) == "< 0.01%"
    assert probability(0.5) == "50%" and probability(0.9998, 1) == "99.98%"  # inside (0, 1) as percent() says it
    assert percent(1.0) == "100%"  # a share that is all (3 of 3 right) is still all
    assert probability(float("nan")) == "–"
