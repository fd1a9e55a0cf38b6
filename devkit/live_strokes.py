"""Synthetic pen strokes for the live view's browser tests and bench: smooth random curves on the 280 px canvas."""

from __future__ import annotations

import numpy as np

CANVAS_SIDE = 280


def random_drawing(rng: np.random.Generator) -> list[list[float]]:
    """One to three strokes, each a smooth random walk of 8–30 points ([[x0, y0, x1, y1, ...], ...])."""
    strokes = []
    for _ in range(int(rng.integers(1, 4))):
        x, y = rng.uniform(60, 220, size=2)
        heading = rng.uniform(0, 2 * np.pi)
        points = [x, y]
        for _ in range(int(rng.integers(8, 31))):
            heading += rng.normal(0, 0.45)
            step = rng.uniform(8, 15)
            x = float(np.clip(x + step * np.cos(heading), 12, CANVAS_SIDE - 12))
            y = float(np.clip(y + step * np.sin(heading), 12, CANVAS_SIDE - 12))
            points += [round(x, 1), round(y, 1)]
        strokes.append([round(float(v), 1) for v in points])
    return strokes


def stroke_moves(rng: np.random.Generator, n_points: int = 40) -> list[tuple[float, float]]:
    """One long stroke as (x, y) canvas positions, for a pointer to follow (a loop then a tail, like a 9)."""
    angles = np.linspace(0, 2 * np.pi, n_points // 2)
    loop = [(140 + 45 * np.cos(a), 90 + 45 * np.sin(a)) for a in angles]
    tail = [(185, 90 + 150 * t) for t in np.linspace(0, 1, n_points - len(loop))]
    jitter = rng.normal(0, 0.5, size=(n_points, 2))
    return [(float(x + dx), float(y + dy)) for (x, y), (dx, dy) in zip(loop + tail, jitter)]
