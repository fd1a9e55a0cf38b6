"""devkit.answers, the browser tests' oracle: a canvas picture as the browser reads it → the page's answer."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from devkit.answers import default_answer, rgba_of
from devkit.app_kit import mnist_image
from devkit.canvas_injection import blank_rgba, canvas_rgba
from nnviz.lesson.wording import sure
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass
from nnviz.model.preprocess import canvas_ink, ink_to_input


def as_read(rgba: np.ndarray) -> str:
    """What the browser helpers hand back: getImageData's bytes, base64."""
    return base64.b64encode(np.ascontiguousarray(rgba, dtype=np.uint8).tobytes()).decode("ascii")


def test_the_pixels_come_back_as_the_square_picture_they_were() -> None:
    rgba = np.random.default_rng(1).integers(0, 256, (280, 280, 4), dtype=np.uint8)
    np.testing.assert_array_equal(rgba_of(as_read(rgba)), rgba)
    assert rgba_of(as_read(rgba[:28, :28])).shape == (28, 28, 4)


@pytest.mark.parametrize("digit", [1, 7])
def test_the_answer_is_the_networks_for_that_picture_in_the_pages_words(mnist, digit: int) -> None:
    rgba = canvas_rgba(mnist_image(mnist, digit))
    probabilities = forward_pass(load_default_network(), ink_to_input(canvas_ink(rgba))).probabilities[0]
    said, how_sure = default_answer(as_read(rgba))
    assert said == str(digit) == str(int(probabilities.argmax()))
    assert how_sure == sure(float(probabilities.max())) and how_sure.endswith("sure")


def test_two_different_digits_get_different_answers(mnist) -> None:
    answers = {default_answer(as_read(canvas_rgba(mnist_image(mnist, digit)))) for digit in (1, 7)}
    assert len(answers) == 2


def test_a_blank_picture_has_no_answer() -> None:
    with pytest.raises(ValueError, match="no digit"):
        default_answer(as_read(blank_rgba()))
