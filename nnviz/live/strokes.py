"""A drawing as the live view reports it: its strokes and its picture, checked, and as Fabric.js JSON.

The browser reports a drawing when a stroke ends: {"strokes": [[x0, y0, x1, y1, ...], ...] in
canvas pixels (0..280), "image": "data:image/png;base64,..."} (the canvas as a PNG). The other
pages' canvas (streamlit-drawable-canvas) keeps drawings as Fabric.js JSON, so strokes are
converted both ways: a drawing made on any page shows on every page.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from nnviz.live.preparation import CANVAS_SIDE, PEN_WIDTH

MAX_STROKES = 200  # far more than a digit needs; the view keeps its reports within these limits
MAX_POINTS = 4000  # per stroke
MAX_IMAGE_BYTES = 2_000_000
PNG_PREFIX = "data:image/png;base64,"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

Stroke = tuple[float, ...]  # x0, y0, x1, y1, ... in canvas pixels


@dataclass(frozen=True)
class DrawingReport:
    """A checked report: strokes (each a flat tuple of x, y pairs) and the canvas picture as PNG bytes."""

    strokes: tuple[Stroke, ...]
    png: bytes

    def rgba(self) -> np.ndarray | None:
        """The 280 × 280 picture as (H, W, 4) uint8, or None when it is not one (it then counts as a blank canvas).

        The size is checked before a pixel is decoded: a small PNG can claim a huge picture.
        """
        try:
            with Image.open(io.BytesIO(self.png)) as image:
                return np.asarray(image.convert("RGBA")) if image.size == (CANVAS_SIDE, CANVAS_SIDE) else None
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            return None


def read_report(value: object) -> DrawingReport | None:
    """The browser's report → a DrawingReport, or None for anything that is not a well-formed one."""
    if not isinstance(value, dict):
        return None
    strokes, image = value.get("strokes"), value.get("image")
    if not isinstance(strokes, list) or len(strokes) > MAX_STROKES or not isinstance(image, str):
        return None
    checked = tuple(_stroke(stroke) for stroke in strokes)
    if any(stroke is None for stroke in checked) or not image.startswith(PNG_PREFIX):
        return None
    encoded = image[len(PNG_PREFIX) :]
    if len(encoded) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        return None
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return DrawingReport(checked, png) if png.startswith(PNG_SIGNATURE) else None


def _stroke(points: object) -> Stroke | None:
    if not isinstance(points, list) or not 2 <= len(points) <= 2 * MAX_POINTS or len(points) % 2:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in points):
        return None
    return tuple(min(max(float(v), -CANVAS_SIDE), 2.0 * CANVAS_SIDE) for v in points)


def to_fabric(strokes: tuple[Stroke, ...]) -> dict | None:
    """Strokes → the Fabric.js JSON streamlit-drawable-canvas restores (white round pen of 20 px); None if none."""
    if not strokes:
        return None
    objects = []
    for stroke in strokes:
        xs, ys = stroke[0::2], stroke[1::2]
        path = [["M", xs[0], ys[0]]] + [["L", x, y] for x, y in zip(xs[1:], ys[1:])]
        if len(path) == 1:  # a tap: a dot, drawn as a line of length zero with round caps
            path.append(["L", xs[0], ys[0]])
        objects.append(
            {
                "type": "path",
                "originX": "left",
                "originY": "top",
                "left": min(xs) - PEN_WIDTH / 2,
                "top": min(ys) - PEN_WIDTH / 2,
                "width": max(xs) - min(xs),
                "height": max(ys) - min(ys),
                "fill": None,
                "stroke": "#FFFFFF",
                "strokeWidth": PEN_WIDTH,
                "strokeLineCap": "round",
                "strokeLineJoin": "round",
                "path": path,
            }
        )
    return {"version": "4.4.0", "objects": objects, "background": "#000000"}


def from_fabric(drawing: dict | None) -> list[list[float]]:
    """A Fabric.js drawing's paths → strokes [[x0, y0, x1, y1, ...], ...] for the live view.

    Each path command's points are kept in order (a quadratic curve's control point too: with a
    20 px round pen the difference from the curve is a fraction of a pixel).
    """
    objects = drawing.get("objects") if isinstance(drawing, dict) else None
    strokes = []
    for item in objects if isinstance(objects, list) else []:
        path = item.get("path") if isinstance(item, dict) else None
        points: list[float] = []
        for command in path if isinstance(path, list) else []:
            if isinstance(command, list) and command and command[0] in ("M", "L", "Q", "C"):
                numbers = [v for v in command[1:] if isinstance(v, int | float) and math.isfinite(v)]
                points.extend(float(v) for v in numbers[: len(numbers) // 2 * 2])
        if points:
            strokes.append(points[: 2 * MAX_POINTS])
    return strokes[:MAX_STROKES]
