"""Put a drawing into a page's canvas under AppTest.

AppTest does not run the canvas's JavaScript: the canvas is an unknown
`bidi_component` element. What the browser would send on mouse-up can be
injected through session state under the canvas's key. That payload is
streamlit-drawable-canvas 0.13's internal format, so it is built only here.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

CANVAS_SIDE = 280


def canvas_rgba(image28: np.ndarray, *, background: int = 0) -> np.ndarray:
    """A 28×28 digit (0..1, white ink on black) drawn as the 280×280 RGBA the canvas returns."""
    grey = Image.fromarray((np.asarray(image28).reshape(28, 28) * 255).astype(np.uint8))
    big = np.asarray(grey.resize((CANVAS_SIDE, CANVAS_SIDE), Image.Resampling.BILINEAR))
    rgba = np.zeros((CANVAS_SIDE, CANVAS_SIDE, 4), dtype=np.uint8)
    rgba[..., :3] = np.maximum(big, background)[..., None]
    rgba[..., 3] = 255
    return rgba


def blank_rgba() -> np.ndarray:
    return canvas_rgba(np.zeros((28, 28)))


def canvas_key_in(at: AppTest, page: str) -> str:
    """The canvas's current widget key on `page` (it changes when the canvas is cleared)."""
    prefix = f"{page}_canvas_"
    # AppTest's session-state view offers keys() but no iteration.
    keys = [k for k in at.session_state.keys() if isinstance(k, str) and k.startswith(prefix)]  # noqa: SIM118
    if not keys:
        raise AssertionError(f"no canvas with a key starting {prefix!r} in this run")
    return max(keys, key=lambda k: int(k.rsplit("_", 1)[1]))


def inject_drawing(at: AppTest, page: str, rgba: np.ndarray, n_strokes: int = 1) -> AppTest:
    """Make the canvas on `page` report `rgba` as its drawing, then rerun the app.

    The Draw page draws in its live view instead: there the view reports the picture.
    """
    if page == "draw":
        from devkit.live_injection import report_picture  # it builds on this module

        return report_picture(at, rgba)
    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    objects = [{"type": "path", "path": [["M", 0, 0], ["L", 1, 1]]} for _ in range(n_strokes)]
    at.session_state[canvas_key_in(at, page)] = {"drawing": {"raw": {"objects": objects}, "data": data_url}}
    return at.run()


def draw_image(at: AppTest, page: str, image28: np.ndarray) -> AppTest:
    """Make the canvas on `page` report the 28 × 28 image `image28` (0..1) as a drawing; the run must not fail."""
    inject_drawing(at, page, canvas_rgba(image28))
    assert not at.exception
    return at
