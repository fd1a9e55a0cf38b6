"""The Draw page under AppTest: what its live view is mounted with, and what a finished stroke changes.

The view itself runs in the browser (tests/browser/test_live_draw_browser.py); here the server's
side: the drawing becomes the shared input, test digits and photos reach the view, Clear empties it.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from devkit.app_kit import APP_PATH, mnist_image
from devkit.app_state import concern
from devkit.live_injection import live_data, live_key_in, report_drawing, say_model_held
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import predict_digits
from nnviz.session.state.input import InputState

TIMEOUT = 30


def current(at: AppTest):
    return concern(at, InputState).current


def said(at: AppTest) -> int | None:
    """The digit numpy's network says for the session's input (what the view's answer mirrors), or None."""
    now = current(at)
    return None if now is None else int(predict_digits(load_default_network(), now.pixels)[0])


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def test_a_fresh_page_mounts_an_empty_view_with_the_network(app: AppTest) -> None:
    data = live_data(app)
    assert data["strokes"] == [] and data["pixels"] is None
    assert data["model"]["id"] == data["modelId"]
    assert [layer["outputs"] for layer in data["model"]["layers"]] == [128, 64, 10]
    assert current(app) is None


def test_the_weights_travel_once_per_model(app: AppTest, mnist_dir) -> None:
    say_model_held(app)
    assert not app.exception
    assert live_data(app)["model"] is None, "the browser holds the model: only its id is sent"
    app.button(key="draw_test_digit").click().run()
    assert live_data(app)["model"] is None, "a new drawing is not a new model"


def test_a_blank_canvas_or_a_speck_is_no_input(app: AppTest) -> None:
    report_drawing(app, np.zeros(784))
    assert not app.exception and current(app) is None
    speck = np.zeros((28, 28))
    speck[14, 14] = 1.0
    report_drawing(app, speck.ravel())
    assert not app.exception and current(app) is None


@pytest.mark.parametrize("digit", [0, 3, 7])
def test_a_finished_stroke_becomes_the_shared_input_and_builds_no_figure(app: AppTest, mnist, digit: int) -> None:
    report_drawing(app, mnist_image(mnist, digit))
    assert not app.exception
    assert current(app).source == "drawing" and said(app) == digit
    assert len(app.get("plotly_chart")) == 0, "the browser drew the answer, the pixels and the layers"
    assert live_data(app)["pixels"] is None, "the view shows its own drawing"


def test_a_test_digit_reaches_the_view_with_its_label(app: AppTest, mnist_dir) -> None:
    app.button(key="draw_test_digit").click().run()
    assert not app.exception
    data = live_data(app)
    pixels = np.frombuffer(base64.b64decode(data["pixels"]), dtype="<f4")
    np.testing.assert_array_equal(pixels, current(app).pixels)
    assert "true label" in data["words"]["current"]


def test_clear_empties_the_input_and_mounts_a_fresh_view(app: AppTest, mnist) -> None:
    report_drawing(app, mnist_image(mnist, 7))
    before = live_data(app)["generation"]
    app.button(key="draw_clear").click().run()
    assert not app.exception
    assert current(app) is None
    assert live_data(app)["generation"] != before and live_data(app)["strokes"] == []


def test_undoing_the_last_stroke_is_clear_and_undoing_one_of_two_keeps_the_first(app: AppTest, mnist) -> None:
    one, two = [[50.0, 50.0, 200.0, 60.0]], [[50.0, 50.0, 200.0, 60.0], [120.0, 40.0, 120.0, 240.0]]
    report_drawing(app, mnist_image(mnist, 7), strokes=one)
    report_drawing(app, mnist_image(mnist, 3), strokes=two)
    generation = live_data(app)["generation"]
    report_drawing(app, mnist_image(mnist, 7), strokes=one)  # Undo: the first stroke's drawing again
    assert not app.exception and said(app) == 7
    assert live_data(app)["generation"] == generation, "the pad keeps its drawing"
    report_drawing(app, np.zeros(784), strokes=[])  # Undo of the last stroke
    assert not app.exception and current(app) is None
    assert concern(app, InputState).drawing is None
    assert live_data(app)["generation"] == generation + 1 and live_data(app)["strokes"] == [], "as Clear does"
    app.run()  # a rerun from another widget hands back the same report
    assert live_data(app)["generation"] == generation + 1, "the same report clears once"


def test_the_drawing_survives_a_trip_to_another_page(app: AppTest, mnist) -> None:
    strokes = [[50.0, 50.0, 200.0, 60.0], [120.0, 40.0, 120.0, 240.0]]
    report_drawing(app, mnist_image(mnist, 3), strokes=strokes)
    app.switch_page("pages/screens/train.py").run()
    app.switch_page("pages/screens/draw.py").run()
    assert not app.exception
    assert live_data(app)["strokes"] == strokes
    assert said(app) == 3


def png_bytes(image28: np.ndarray, *, dark_on_light: bool) -> bytes:
    grey = (np.asarray(image28).reshape(28, 28) * 255).astype(np.uint8)
    photo = Image.fromarray(255 - grey if dark_on_light else grey).resize((200, 200))
    buffer = io.BytesIO()
    photo.save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_uploaded_photo_of_a_digit_reaches_the_view(app: AppTest, mnist) -> None:
    photo = png_bytes(mnist_image(mnist, 3), dark_on_light=True)
    app.file_uploader(key="draw_upload").upload("three.png", photo, "image/png").run()
    assert not app.exception
    assert said(app) == 3
    assert "Your photo" in live_data(app)["words"]["current"]


def test_a_non_image_upload_is_refused_kindly_and_loses_nothing(app: AppTest, mnist) -> None:
    report_drawing(app, mnist_image(mnist, 7))
    app.file_uploader(key="draw_upload").upload("notes.txt", b"just some text", "text/plain").run()
    assert not app.exception
    assert any("not an image we can read" in w.value for w in app.warning)
    assert said(app) == 7, "the drawing is still the input"


def test_a_report_that_is_not_a_drawing_changes_nothing(app: AppTest, mnist) -> None:
    report_drawing(app, mnist_image(mnist, 7))
    app.session_state[live_key_in(app)] = {"drawing": {"strokes": "nonsense", "image": 3}, "model": None}
    app.run()
    assert not app.exception
    assert said(app) == 7


def test_the_photo_uploader_says_the_upload_limit_in_words(app: AppTest) -> None:
    import tomllib

    from devkit.data_dir import PROJECT_ROOT

    limit = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert any(f"up to {limit} MB" in c.value for c in app.caption)
