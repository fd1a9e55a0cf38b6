"""The live view's sentences: how sure the network is, in whole percents that never round into a falsehood."""

from __future__ import annotations

import math


def sure_percent(probability: float) -> int:
    """`probability` (0..1) in whole percents, rounded half up, but never 100.

    99.97 % is "99 %", never "100 %": a softmax output is always short of 1 (float32 may round a
    very sure one to 1.0, which is still not certainty). The browser's mirror computes the same
    floor(100·p + 0.5), so both say the same number.
    """
    if not math.isfinite(probability):
        raise ValueError("a probability must be a finite number")
    whole = math.floor(100.0 * probability + 0.5)
    return max(0, min(99, whole))


def prediction_sentence(digit: int, probability: float) -> str:
    """What a screen reader says for the live answer: "Prediction 7, 98 % sure"."""
    return f"Prediction {int(digit)}, {sure_percent(probability)} % sure"
