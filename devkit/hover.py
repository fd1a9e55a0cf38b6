"""What a plotly trace's hover box says for each point: its hovertemplate filled in the way plotly.js fills it.

Covers the placeholders nnviz figures use: %{x}, %{y}, %{z}, %{text}, %{hovertext} and %{customdata[i]}, each
with an optional d3 format after a colon (".1%", ".3f", ".3~f", ",", ".3g"), formatted here with Python's
equivalent; <extra>…</extra> keeps its text. A percent format on a number thus reads 0.9997 as "100.0%", as
plotly.js would: that is what the tests look for.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

PLACEHOLDER = re.compile(r"%\{(?P<name>[a-z]+)(?:\[(?P<index>\d+)\])?(?::(?P<spec>[^}]*))?\}")


def _value(trace: Any, name: str, point: int, index: str | None) -> Any:
    values = getattr(trace, name)
    if values is None:
        return ""
    value = values[point] if np.ndim(values) else values
    return value[int(index)] if index is not None else value


def _formatted(value: Any, spec: str | None) -> str:
    if not spec or isinstance(value, str):
        return str(value)
    return format(float(value), spec.replace("~", ""))


def hover_texts(trace: Any) -> list[str]:
    """The hover text of every point of `trace` (a plotly trace object with a hovertemplate)."""
    template = trace.hovertemplate
    count = len(trace.y) if trace.y is not None else len(trace.x)
    return [
        PLACEHOLDER.sub(lambda m, p=p: _formatted(_value(trace, m["name"], p, m["index"]), m["spec"]), template)
        for p in range(count)
    ]
