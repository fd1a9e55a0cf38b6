"""The one percentage formatter: never "100%" below 1, never "0%" above 0."""

from __future__ import annotations

import pytest

from nnviz.lesson.wording import percent, sure


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
