"""The Draw page's live view under AppTest: read what it is mounted with, and report a drawing as the browser would.

AppTest runs no JavaScript: the view is an unknown `bidi_component` element whose data can be
read from its proto, and whose state (what the browser reports when a stroke ends) can be set
through session state under the view's key.
"""

from __future__ import annotations

import base64
import io
import itertools
import json

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

from devkit.canvas_injection import canvas_rgba

REPORT_NUMBERS = itertools.count(1)  # the view numbers its reports; the server echoes the last one it read
A_STROKE = [[60.0, 60.0, 220.0, 60.0, 130.0, 250.0]]  # what the strokes say; the picture is what counts


def live_key_in(at: AppTest, page: str = "draw") -> str:
    """The live view's key on `page` in the last run."""
    for element in at.get("bidi_component"):
        if element.proto.component_name == "nnviz.live_draw" and element.proto.id.endswith(f"-{page}_live"):
            return element.proto.id.rsplit("-", 1)[1]
    raise AssertionError(f"no live view on {page!r} in this run")


def live_data(at: AppTest, page: str = "draw") -> dict:
    """The data the live view was mounted with in the last run."""
    key = live_key_in(at, page)
    element = next(e for e in at.get("bidi_component") if e.proto.id.endswith(f"-{key}"))
    return json.loads(element.proto.json)


def png_data_url(rgba: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def report_drawing(
    at: AppTest, image28: np.ndarray, *, page: str = "draw", strokes: list | None = None, model: str | None = None
) -> AppTest:
    """Make the live view report a drawing of `image28` (784 values 0..1) as when a stroke ends; rerun."""
    return report_picture(at, canvas_rgba(image28), page=page, strokes=strokes, model=model)


def report_picture(
    at: AppTest, rgba: np.ndarray, *, page: str = "draw", strokes: list | None = None, model: str | None = None
) -> AppTest:
    """Make the live view report the 280 × 280 RGBA canvas picture `rgba` when a stroke ends; rerun.

    strokes: what the report says was drawn (default A_STROKE; [] is the view's Undo of its last stroke).
    model: the model id the browser says it holds (default: the one it was sent, as after decoding it).
    """
    drawing = {
        "strokes": A_STROKE if strokes is None else strokes,
        "image": png_data_url(rgba),
        "n": next(REPORT_NUMBERS),
    }
    held = model if model is not None else live_data(at, page)["modelId"]
    at.session_state[live_key_in(at, page)] = {"drawing": drawing, "model": held}
    return at.run()


def say_model_held(at: AppTest, page: str = "draw") -> AppTest:
    """The browser says it holds the model it was sent (as the view does once it has decoded it); rerun."""
    key = live_key_in(at, page)
    at.session_state[key] = {"drawing": None, "model": live_data(at, page)["modelId"]}
    return at.run()
