"""Guess first: what the class expects before it looks, and whether it was right.

Students who predict before they see understand better (Crouch et al., Am. J. Phys.
2004). Draw asks which digit the network will say; Train asks which of four shapes
the loss curve will take, and `classify_curve` reads the real shape from the loss
history so the guess can be marked automatically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CURVE_SHAPES: dict[str, str] = {
    "fast": "Falls fast",
    "slow": "Falls slowly",
    "stuck": "Gets stuck",
    "blows_up": "Blows up",
}
CURVE_HINTS: dict[str, str] = {
    "fast": "most of the fall happens in the first quarter of the run",
    "slow": "it keeps falling, but steadily, all the way to the end",
    "stuck": "it hardly moves from where it started",
    "blows_up": "it ends higher than it started, or becomes too large to count",
}

EDGE_SHARE = 0.1  # the start and the end of a curve: the mean of its first / last 10 % of points (noise)
STUCK_BELOW = 0.1  # a fall of under 10 % of the starting loss is "stuck"
BLOWN_UP_ABOVE = 1.2  # ending 20 % above the start (or ever 3× above it) is "blows up"
FAST_BY = 0.25  # "fast": half of the whole fall is done within the first quarter of the run
FAST_MIN_FALL = 0.5  # ... and the loss fell by at least half overall


def classify_curve(losses: Sequence[float], diverged: bool = False) -> str:
    """The shape of a training-loss curve: a key of CURVE_SHAPES.

    losses: the training loss in order (any number of points, batch by batch);
    diverged: the trainer stopped the run because the loss became NaN/infinite.
    """
    values = np.asarray(losses, dtype=float)
    if diverged or (values.size and not np.all(np.isfinite(values))):
        return "blows_up"
    if values.size < 2:
        return "stuck"
    edge = max(1, round(values.size * EDGE_SHARE))
    start, end = float(values[:edge].mean()), float(values[-edge:].mean())
    if start <= 0:
        return "stuck"  # a perfect start has nowhere to fall
    if end > start * BLOWN_UP_ABOVE or float(values.max()) > start * 3:
        return "blows_up"
    fall = (start - end) / start
    if fall < STUCK_BELOW:
        return "stuck"
    halfway = start - (start - end) / 2
    first_below = int(np.argmax(values <= halfway))  # the curve must cross halfway, since end < halfway
    if fall >= FAST_MIN_FALL and first_below <= FAST_BY * (values.size - 1):
        return "fast"
    return "slow"


def sketch(shape: str, points: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """An idealised curve of `shape` on 0..1 × 0..~1.6: what the student picked, drawn as a line."""
    x = np.linspace(0.0, 1.0, points)
    if shape == "fast":
        y = 0.12 + 0.88 * np.exp(-x * 12)
    elif shape == "slow":
        y = 1.0 - 0.6 * x
    elif shape == "stuck":
        y = 1.0 - 0.04 * x
    elif shape == "blows_up":
        y = 1.0 + 0.6 * x**3
    else:
        raise ValueError(f"Unknown curve shape {shape!r}; choose one of {', '.join(CURVE_SHAPES)}.")
    return x, y


@dataclass(frozen=True)
class Tally:
    """Right guesses out of all guesses, for one session."""

    right: int = 0
    total: int = 0

    def add(self, correct: bool) -> Tally:
        return Tally(self.right + int(correct), self.total + 1)

    def describe(self) -> str:
        if not self.total:
            return "No guesses yet."
        return f"{self.right} of {self.total} guesses right ({self.right / self.total:.0%})."


def digit_verdict(guess: int, said: int) -> str:
    """'You guessed 7, it said 9.' with a verdict, in plain words."""
    verdict = "Right!" if guess == said else "Not this time."
    return f"You guessed {guess}, it said {said}. {verdict}"


def curve_verdict(guess: str, real: str) -> str:
    verdict = "Right!" if guess == real else "Not this time."
    return (
        f"You guessed “{CURVE_SHAPES[guess].lower()}”; the loss {CURVE_SHAPES[real].lower()}: "
        f"{CURVE_HINTS[real]}. {verdict}"
    )
