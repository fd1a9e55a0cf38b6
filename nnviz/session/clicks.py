"""The one decoder of chart clicks: what a plotly point selection says was clicked.

A selection is what Streamlit reports for a chart with `on_select` (the widget's state
{"selection": {"points": [...]}}, its "selection", or its "points" list). Click targets carry
customdata rows that end in their kind (nnviz.figures.clickable.Click), so each function reads
only the kind it asks for: a click on a confusion-matrix cell is never taken for a neuron.

A browser reports customdata that was sent as a numpy array as {"0": a, "1": b, ...} (plotly
decodes it into a typed array, which JSON turns into an object): both shapes are read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nnviz.figures.clickable import Click
from nnviz.model.network import INPUT_SIZE


def _points(selection: object) -> list:
    if isinstance(selection, Mapping) and "selection" in selection:
        selection = selection["selection"]
    if isinstance(selection, Mapping):
        selection = selection.get("points")
    return list(selection) if isinstance(selection, Sequence) and not isinstance(selection, str) else []


def _row(data: object) -> list | None:
    """A customdata value as a list, whichever shape it came in; None if it is not a row."""
    if isinstance(data, Mapping):
        keys = [str(i) for i in range(len(data))]
        if sorted(data) != sorted(keys):
            return None
        data = [data[key] for key in keys]
    return list(data) if isinstance(data, (list, tuple)) else None


def _clicked(selection: object, kind: Click, size: int) -> tuple[int, ...] | None:
    """The first selected point whose customdata is `size` integers followed by `kind`, without the tag."""
    for point in _points(selection):
        row = _row(point.get("customdata")) if isinstance(point, Mapping) else None
        if row is None or len(row) != size + 1:
            continue
        try:
            values = [int(value) for value in row]
        except (TypeError, ValueError):
            continue
        if values[-1] == kind and all(float(v) == int(v) for v in row):
            return tuple(values[:-1])
    return None


def clicked_neuron(selection: object) -> tuple[int, int] | None:
    """(layer index, neuron) of a clicked diagram node or weight tile (layer 1), or None."""
    return _clicked(selection, Click.NEURON, 2)


def clicked_edge(selection: object) -> tuple[int, int, int] | None:
    """(weight layer, source, target) of a clicked diagram edge, or None.

    The weight is `network.layers[weight layer].weights[source, target]` (weight layer 0 comes
    from the pixels: source = pixel r * 28 + c).
    """
    return _clicked(selection, Click.EDGE, 3)


def clicked_cell(selection: object) -> tuple[int, int] | None:
    """(true digit, predicted digit) of a clicked confusion-matrix cell, or None."""
    return _clicked(selection, Click.CELL, 2)


def clicked_image(selection: object) -> int | None:
    """The key (a test-set index, a drawing's number) of a clicked gallery image, or None."""
    picked = _clicked(selection, Click.IMAGE, 1)
    return None if picked is None else picked[0]


def clicked_pixel(selection: object) -> int | None:
    """The pixel index r * 28 + c (0..783) of a clicked pixel of the Learn page's pixel picker, or None.

    Its click targets carry the bare pixel index as customdata.
    """
    for point in _points(selection):
        data = point.get("customdata") if isinstance(point, Mapping) else None
        row = _row(data)
        if row is not None and len(row) == 1:  # a browser may report a heatmap cell's customdata as a row
            data = row[0]
        if isinstance(data, bool) or not isinstance(data, (int, float)) or float(data) != int(data):
            continue
        if 0 <= int(data) < INPUT_SIZE:
            return int(data)
    return None
