"""The Draw page under AppTest: blank prompt, prediction from a drawing, test digits, clearing."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from devkit.app_kit import APP_PATH, mnist_image
from devkit.canvas_injection import blank_rgba, canvas_rgba, inject_drawing

TIMEOUT = 30


def prediction(at: AppTest) -> str | None:
    metrics = [m for m in at.metric if m.label == "Prediction"]
    return metrics[0].value if metrics else None


def prompt_shown(at: AppTest) -> bool:
    return any("Draw a digit" in info.value for info in at.info)


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def test_blank_canvas_prompts_and_predicts_nothing(app: AppTest) -> None:
    assert prompt_shown(app)
    assert prediction(app) is None
    inject_drawing(app, "draw", blank_rgba())
    assert not app.exception
    assert prompt_shown(app) and prediction(app) is None


def test_a_speck_is_treated_like_a_blank_canvas(app: AppTest) -> None:
    rgba = blank_rgba()
    rgba[140:146, 140:146, :3] = 255
    inject_drawing(app, "draw", rgba)
    assert not app.exception
    assert prompt_shown(app) and prediction(app) is None


@pytest.mark.parametrize("digit", [0, 3, 7])
def test_a_drawn_digit_is_classified_and_every_layer_is_shown(app: AppTest, mnist, digit: int) -> None:
    inject_drawing(app, "draw", canvas_rgba(mnist_image(mnist, digit)))
    assert not app.exception
    assert prediction(app) == str(digit)
    # input image, two hidden layers of the default model, output bars
    assert len(app.get("plotly_chart")) == 4
    assert not prompt_shown(app)


def test_show_me_a_test_digit_loads_a_labelled_mnist_image(app: AppTest, mnist_dir) -> None:
    app.button(key="draw_test_digit").click().run()
    assert not app.exception
    assert prediction(app) in [str(d) for d in range(10)]
    assert any("true label" in caption.value for caption in app.caption)


def test_clear_empties_the_input(app: AppTest, mnist) -> None:
    inject_drawing(app, "draw", canvas_rgba(mnist_image(mnist, 7)))
    assert prediction(app) == "7"
    app.button(key="draw_clear").click().run()
    assert not app.exception
    assert prediction(app) is None and prompt_shown(app)


def test_the_drawing_survives_a_trip_to_another_page(app: AppTest, mnist) -> None:
    inject_drawing(app, "draw", canvas_rgba(mnist_image(mnist, 3)))
    assert prediction(app) == "3"
    app.switch_page("pages/screens/train.py").run()
    assert not app.exception
    app.switch_page("pages/screens/draw.py").run()
    assert not app.exception
    assert prediction(app) == "3"


def png_bytes(image28: np.ndarray, *, dark_on_light: bool) -> bytes:
    grey = (np.asarray(image28).reshape(28, 28) * 255).astype(np.uint8)
    photo = Image.fromarray(255 - grey if dark_on_light else grey).resize((200, 200))
    buffer = io.BytesIO()
    photo.save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_uploaded_photo_of_a_digit_is_classified(app: AppTest, mnist) -> None:
    photo = png_bytes(mnist_image(mnist, 3), dark_on_light=True)
    app.file_uploader(key="draw_upload").upload("three.png", photo, "image/png").run()
    assert not app.exception
    assert prediction(app) == "3"
    assert any("Your photo" in caption.value for caption in app.caption)


def test_a_non_image_upload_is_refused_kindly_and_loses_nothing(app: AppTest, mnist) -> None:
    inject_drawing(app, "draw", canvas_rgba(mnist_image(mnist, 7)))
    app.file_uploader(key="draw_upload").upload("notes.txt", b"just some text", "text/plain").run()
    assert not app.exception
    assert any("not an image we can read" in w.value for w in app.warning)
    assert prediction(app) == "7", "the drawing is still the input"


def test_the_sections_are_numbered_in_reading_order(app: AppTest, mnist) -> None:
    """Issue 7, item 11: 1, 2, 3, 4 from top left to bottom, never 1, 2, 4, 3."""
    inject_drawing(app, "draw", canvas_rgba(mnist_image(mnist, 3)))
    numbers = [s.value.split(" · ")[0] for s in app.subheader if " · " in s.value]
    assert numbers == ["1", "2", "3", "4"]


def test_the_photo_uploader_says_the_upload_limit_in_words(app: AppTest) -> None:
    import tomllib

    from devkit.data_dir import PROJECT_ROOT

    limit = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert any(f"up to {limit} MB" in c.value for c in app.caption)
