"""What a click on a figure reports: customdata rows that end in a kind tag.

Several figures carry click targets whose customdata are short rows of integers. Two
[layer, neuron] and [true digit, predicted digit] rows look alike, so every clickable row
ends in its kind, and nnviz.session.clicks reads a click only as the kind it asks for.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Click(IntEnum):
    """The kind tag that ends a click target's customdata row (values no layer or digit takes)."""

    NEURON = 9001  # [layer index, neuron, NEURON]: a diagram node or a weight tile (layer 1)
    EDGE = 9002  # [weight layer, source, target, EDGE]: network.layers[weight layer].weights[source, target]
    CELL = 9003  # [true digit, predicted digit, CELL]: a confusion-matrix cell
    IMAGE = 9004  # [key, IMAGE]: a gallery image (a test-set index, a drawing's number)


def tagged(kind: Click, *columns: np.ndarray) -> np.ndarray:
    """(n, len(columns) + 1) int64 customdata: the columns side by side, then `kind` in every row."""
    n = len(columns[0]) if columns else 0
    parts = [np.asarray(column, dtype=np.int64).reshape(n) for column in columns]
    return np.column_stack([*parts, np.full(n, int(kind), dtype=np.int64)]).reshape(n, len(columns) + 1)
