"""The live view's sentences, in the same words as every other page (nnviz.lesson.wording)."""

from __future__ import annotations

from nnviz.lesson.wording import sure


def prediction_sentence(digit: int, probability: float) -> str:
    """What a screen reader says for the live answer: "Prediction 7, 98% sure", "Prediction 3, 99.97% sure"."""
    return f"Prediction {int(digit)}, {sure(probability)}"
