"""Preprocessing: canvas and uploads → the 784 inputs, MNIST-style (crop, 20 px box, centre of mass)."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from nnviz.model.mnist import MnistData
from nnviz.model.preprocess import (
    MNIST_CENTRE,
    canvas_ink,
    canvas_to_input,
    image_to_input,
    ink_to_input,
)

CANVAS = 280


# --- drawing helpers ------------------------------------------------------------------------------


def draw_seven(size: int = CANVAS, left: int = 60, top: int = 40, scale: float = 1.0, pen: int = 20) -> np.ndarray:
    """A hand-drawn-looking 7 as an ink map (size, size) uint8 0..255, like strokes on the canvas."""
    image = Image.new("L", (size, size), 0)
    pen_width = max(1, round(pen * scale))
    points = [(0, 0), (150, 0), (60, 200)]
    xy = [(left + x * scale, top + y * scale) for x, y in points]
    ImageDraw.Draw(image).line(xy, fill=255, width=pen_width, joint="curve")
    return np.asarray(image)


def transparent_canvas(ink: np.ndarray, pen_rgb: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """The canvas's default: strokes in the alpha channel over a transparent background."""
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[..., :3] = pen_rgb
    rgba[..., 3] = ink
    return rgba


def opaque_canvas(ink: np.ndarray, dark_pen_on_white: bool = False) -> np.ndarray:
    """An opaque canvas: white pen on black, or black pen on white."""
    grey = 255 - ink if dark_pen_on_white else ink
    return np.dstack([grey, grey, grey, np.full_like(ink, 255)]).astype(np.uint8)


def centre_of_mass(x: np.ndarray) -> np.ndarray:
    return np.array(ndimage.center_of_mass(x.reshape(28, 28)))


def bounding_box(x: np.ndarray) -> tuple[int, int]:
    grid = x.reshape(28, 28) > 0
    rows, cols = np.flatnonzero(grid.any(axis=1)), np.flatnonzero(grid.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def png_bytes(array: np.ndarray, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=format)
    return buffer.getvalue()


# --- blank, speck, bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "rgba",
    [
        np.zeros((CANVAS, CANVAS, 4), np.uint8),  # transparent, nothing drawn
        opaque_canvas(np.zeros((CANVAS, CANVAS), np.uint8)),  # black background, nothing drawn
    ],
    ids=["transparent", "black"],
)
def test_blank_canvas_is_none(rgba: np.ndarray) -> None:
    assert canvas_to_input(rgba) is None


@pytest.mark.parametrize("radius", [0, 3, 10], ids=["pixel", "small dot", "pen tap"])
def test_a_speck_is_none(radius: int) -> None:
    image = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(image).ellipse((200 - radius, 50 - radius, 200 + radius, 50 + radius), fill=255)
    assert canvas_to_input(transparent_canvas(np.asarray(image))) is None


@pytest.mark.parametrize(
    "bad",
    [
        None,
        np.zeros((0, 0, 4), np.uint8),
        np.zeros((CANVAS, CANVAS), np.uint8),
        np.zeros((CANVAS, CANVAS, 2), np.uint8),
        np.zeros((2, CANVAS, CANVAS, 4), np.uint8),
        np.full((CANVAS, CANVAS, 4), "x", dtype=object),
        [[[0, 0, 0, 255]]],
    ],
    ids=["None", "empty", "2-D", "2 channels", "4-D", "object dtype", "a list"],
)
def test_wrong_input_is_none(bad: object) -> None:
    assert canvas_to_input(bad) is None  # type: ignore[arg-type]


# --- the MNIST recipe -----------------------------------------------------------------------------


def test_mnist_itself_centres_mass_within_half_a_pixel_of_our_centre(mnist: MnistData) -> None:
    # Oracle for the convention: the real test digits, not our own choice.
    centres = np.array([ndimage.center_of_mass(image) for image in mnist.x_test[:1000].reshape(-1, 28, 28)])
    assert np.abs(centres - MNIST_CENTRE).max() <= 0.5


def test_off_centre_small_digit_comes_out_centred_and_scaled() -> None:
    ink = draw_seven(left=10, top=8, scale=0.35, pen=20)  # a small 7 in the top-left corner
    x = canvas_to_input(transparent_canvas(ink))
    assert x is not None
    assert x.shape == (784,) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0 and x.max() > 0.9
    assert np.abs(centre_of_mass(x) - MNIST_CENTRE).max() <= 0.5
    assert max(bounding_box(x)) in (19, 20, 21)


def test_position_does_not_matter_and_size_hardly_does() -> None:
    here = canvas_to_input(transparent_canvas(draw_seven(left=10, top=10)))
    there = canvas_to_input(transparent_canvas(draw_seven(left=100, top=60)))
    assert here is not None and there is not None
    np.testing.assert_array_equal(here, there)
    smaller = canvas_to_input(transparent_canvas(draw_seven(left=30, top=30, scale=0.5)))
    assert smaller is not None
    assert np.corrcoef(here, smaller)[0, 1] > 0.95


def test_a_one_keeps_its_aspect_ratio() -> None:
    image = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(image).line([(150, 30), (150, 250)], fill=255, width=20)
    x = canvas_to_input(transparent_canvas(np.asarray(image)))
    assert x is not None
    height, width = bounding_box(x)
    assert height == 20 and width <= 4  # 220×20 px scaled to 20×2 (±LANCZOS's soft edge)


def test_alpha_and_opaque_canvases_give_the_same_input() -> None:
    ink = draw_seven(left=70, top=20)
    reference = canvas_to_input(transparent_canvas(ink))
    assert reference is not None
    for rgba in (
        transparent_canvas(ink, pen_rgb=(0, 0, 0)),  # the canvas's default black pen on transparent
        opaque_canvas(ink),  # white pen on a black background (the app's canvas)
        opaque_canvas(ink)[..., :3],  # plain RGB
    ):
        np.testing.assert_array_equal(canvas_to_input(rgba), reference)


def test_a_canvas_scribbled_mostly_white_is_not_inverted() -> None:
    """More than half white ink is still white ink on black, never a photo's paper."""
    ink = np.zeros((CANVAS, CANVAS), np.uint8)
    ink[:200, :] = 255  # the top 71 % scribbled white; a black band stays at the bottom
    x = canvas_to_input(opaque_canvas(ink))
    assert x is not None
    grid = x.reshape(28, 28)
    # The white block is the digit: lots of ink, and the black band is no ink. Inverted, the input
    # would be the thin band alone (a horizontal line).
    assert (grid > 0.5).sum() > 200
    inverted = canvas_to_input(opaque_canvas(255 - ink))
    assert inverted is not None and (inverted.reshape(28, 28) > 0.5).sum() < (grid > 0.5).sum()


def test_an_all_white_canvas_is_a_full_square_of_ink() -> None:
    x = canvas_to_input(opaque_canvas(np.full((CANVAS, CANVAS), 255, np.uint8)))
    assert x is not None and (x.reshape(28, 28) > 0.5).sum() >= 20 * 20 - 40


def test_real_mnist_digits_round_trip_through_a_big_canvas(mnist: MnistData) -> None:
    correlations = []
    for original in mnist.x_test[:100]:
        # Each MNIST pixel becomes a 10×10 block: the digit drawn large on a 280×280 canvas.
        big = np.kron(original.reshape(28, 28), np.ones((10, 10), np.float32))
        x = canvas_to_input(transparent_canvas(np.round(big * 255).astype(np.uint8)))
        assert x is not None
        correlations.append(np.corrcoef(x, original)[0, 1])
    correlations = np.array(correlations)
    # A few digits land one pixel off where MNIST's own centre of mass was on a rounding edge.
    assert np.median(correlations) > 0.95
    assert (correlations > 0.8).mean() >= 0.95


def test_real_mnist_digit_smaller_and_off_centre_round_trips(mnist: MnistData) -> None:
    original = mnist.x_test[0]  # a 7
    small = Image.fromarray(original.reshape(28, 28)).resize((140, 140), Image.Resampling.LANCZOS)
    ink = np.zeros((CANVAS, CANVAS), np.float32)
    ink[120:260, 10:150] = np.clip(np.asarray(small), 0, 1)
    x = canvas_to_input(transparent_canvas(np.round(ink * 255).astype(np.uint8)))
    assert x is not None
    assert np.corrcoef(x, original)[0, 1] > 0.8


# --- the shared pipeline --------------------------------------------------------------------------


def test_ink_to_input_clips_and_rejects_junk() -> None:
    ink = draw_seven().astype(np.float32) / 255
    reference = ink_to_input(ink)
    assert reference is not None
    np.testing.assert_array_equal(ink_to_input(ink * 3.0 - 1.0), ink_to_input(np.clip(ink * 3.0 - 1.0, 0, 1)))
    with_nan = ink.copy()
    with_nan[0, 0] = np.nan
    np.testing.assert_array_equal(ink_to_input(with_nan), reference)
    assert ink_to_input(np.zeros((0, 5))) is None
    assert ink_to_input(np.zeros((28, 28, 1))) is None
    assert ink_to_input(np.zeros((28, 28))) is None


def test_canvas_ink_reads_alpha_on_transparent_canvases() -> None:
    ink = draw_seven()
    np.testing.assert_allclose(canvas_ink(transparent_canvas(ink, pen_rgb=(255, 0, 0))), ink / 255, atol=1e-6)


# --- uploads --------------------------------------------------------------------------------------


def test_black_on_white_png_matches_the_canvas() -> None:
    ink = draw_seven(left=50, top=30)
    expected = canvas_to_input(transparent_canvas(ink))
    x = image_to_input(png_bytes(255 - ink))
    assert x.shape == (784,) and x.dtype == np.float32 and x.min() >= 0.0 and x.max() <= 1.0
    np.testing.assert_allclose(x, expected, atol=1e-6)


def test_photo_like_jpeg_with_grey_paper() -> None:
    ink = draw_seven(size=600, left=150, top=120, scale=1.6, pen=30)
    rng = np.random.default_rng(0)
    paper = 200 + rng.normal(0, 6, ink.shape)  # grey, slightly noisy paper with dark-grey ink
    photo = np.clip(paper - ink * (150 / 255), 0, 255).astype(np.uint8)
    x = image_to_input(png_bytes(np.dstack([photo] * 3), format="JPEG"))
    expected = canvas_to_input(transparent_canvas(ink))  # the same 7, drawn cleanly
    assert np.corrcoef(x, expected)[0, 1] > 0.98
    assert np.abs(centre_of_mass(x) - MNIST_CENTRE).max() <= 0.5


def test_opaque_rgba_photo_of_dark_ink_on_paper_is_inverted() -> None:
    """A photo with an alpha channel but an opaque white background is still dark ink on paper."""
    ink = draw_seven(left=50, top=30)
    expected = canvas_to_input(transparent_canvas(ink))
    np.testing.assert_allclose(
        image_to_input(png_bytes(opaque_canvas(ink, dark_pen_on_white=True))), expected, atol=1e-6
    )


def test_transparent_png_upload_reads_like_the_canvas() -> None:
    ink = draw_seven()
    rgba = transparent_canvas(ink, pen_rgb=(0, 0, 0))
    np.testing.assert_allclose(image_to_input(png_bytes(rgba)), canvas_to_input(rgba), atol=1e-6)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size but holds no pixels: what a decompression bomb looks like at first."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"hello, I am a text file", "not an image"),
        (b"", "not an image"),
        (png_bytes(draw_seven())[:200], "not an image"),
        (png_header_only(8000, 8000), "too large"),
        (png_header_only(40000, 40000), "too large"),
        (png_bytes(np.full((100, 100), 255, np.uint8)), "No digit"),
        (png_bytes(np.full((100, 100), 90, np.uint8)), "No digit"),
        (png_bytes(np.pad(np.full((3, 3), 0, np.uint8), 200, constant_values=255)), "No digit"),
    ],
    ids=["text", "empty", "truncated png", "too many pixels", "bomb", "white", "flat grey", "speck"],
)
def test_bad_uploads_give_a_friendly_value_error(payload: bytes, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        image_to_input(payload)
