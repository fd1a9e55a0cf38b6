"""Turn a drawing or an uploaded picture into the 784 inputs, the way MNIST was made.

MNIST's recipe (LeCun et al.): size-normalise each digit to fit a 20×20 box
keeping its aspect ratio, with anti-aliasing, then place it in a 28×28 field so
that its centre of mass sits at the centre. We follow it step by step:

    ink map in [0, 1] → crop to the strokes' bounding box → scale the longer side
    to 20 px (Pillow LANCZOS) → place in 28×28 → shift by whole pixels so the
    centre of mass lands on pixel (14, 14) → float32 (784,) in [0, 1].

Why (14, 14) and whole pixels: that is what the real data shows. On all 10,000
MNIST test images the centre of mass (row, col in pixel indices, as
`scipy.ndimage.center_of_mass` reports it) lies within half a pixel of
(14, 14), never at the geometric centre (13.5, 13.5) exactly — MNIST was
centred by an integer shift towards (14, 14). Matching that keeps drawn digits
where the network learned to expect them, and integer shifts keep strokes sharp
(a sub-pixel shift would blur them).

`ink_to_input` is the shared pipeline; `canvas_to_input` (the drawing canvas)
and `image_to_input` (an uploaded photo or scan) only differ in how they find
the ink.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage

from nnviz.model.guard import plain_errors
from nnviz.model.network import IMAGE_SIDE, INPUT_SIZE

DIGIT_BOX = 20  # MNIST fits every digit's longer side to 20 px
MNIST_CENTRE = (14.0, 14.0)  # (row, col) where MNIST's centres of mass land, see the module docstring
INK_THRESHOLD = 0.1  # a pixel with more ink than this counts as part of the stroke's bounding box
GREY_LEVEL = 1 / 255  # less than one MNIST grey level is LANCZOS ringing, not ink
# A digit is "near-blank" if its bounding box's longer side is shorter than this
# fraction of the picture's longer side: a tap of the pen on a 280 px canvas
# (a dot as wide as the pen) is a speck, not a digit.
MIN_CANVAS_EXTENT = 0.1
MIN_UPLOAD_EXTENT = 0.04  # photos often show a smaller digit with paper around it
MIN_EXTENT_PIXELS = 3

MAX_UPLOAD_PIXELS = 40_000_000  # refuse before decoding: a bigger "photo" is a decompression bomb or a mistake
UPLOAD_WORKING_SIDE = 1024  # photos are shrunk to this first; the digit ends up 20 px anyway
MIN_UPLOAD_CONTRAST = 0.2  # the darkest and lightest parts of a photo must differ by this much
PAPER_NOISE = 0.2  # after stretching, fainter ink is paper texture or shadow
NOT_AN_IMAGE = "That file is not an image we can read. Try a PNG or JPEG photo or scan of a single digit."
TOO_LARGE = "That image is too large. Try a smaller photo (under 40 megapixels)."
NO_DIGIT = (
    "No digit found in that image. Try a photo of one dark digit on light paper "
    "(or a light digit on dark), filling most of the picture."
)


@dataclass(frozen=True)
class PreprocessSteps:
    """Which of MNIST's steps `ink_to_input` takes (all of them by default).

    crop: cut the picture down to the strokes' bounding box (off: the whole picture is the digit).
    scale_to_box: fit the longer side to 20 px (off: to the full 28 px field).
    centre: shift the centre of mass to (14, 14) (off: the box is only placed in the middle).
    Switching steps off shows the class how much the network relies on them.
    """

    crop: bool = True
    scale_to_box: bool = True
    centre: bool = True


MNIST_STEPS = PreprocessSteps()


def canvas_to_input(rgba: np.ndarray | None) -> np.ndarray | None:
    """The drawing canvas's image → the 784 input neurons, or None if there is no digit.

    rgba: (H, W, 4) uint8 from streamlit-drawable-canvas (``return_image_data=True``);
        (H, W, 3) is accepted as an opaque picture.
    Returns (784,) float32 in [0, 1] (28×28, row-major, white ink on black), or None
    for None, an empty or wrongly shaped array, a blank canvas or a mere speck.
    """
    ink = canvas_ink(rgba)
    return None if ink is None else ink_to_input(ink)


def canvas_ink(rgba: np.ndarray | None, *, light_background_is_paper: bool = False) -> np.ndarray | None:
    """How much ink each pixel of an RGBA (or RGB) picture holds: (H, W) float32 in [0, 1].

    The canvas hands back strokes in one of two ways, and we tell them apart by
    the background, which covers most of a digit drawing (so the median pixel
    is background):

    - transparent background (the canvas default): the strokes are the opaque
      pixels, so the ink is the alpha channel, whatever the pen's colour;
    - opaque background (e.g. ``background_color="#000"``): the ink is the
      luminance. The canvas is light ink on dark, always, even when a student
      scribbles most of it white, so it is never inverted. Only a photo
      (``light_background_is_paper=True``) is inverted when it is mostly light:
      dark ink on paper.

    Returns None for None or an array that is not (H, W, 3|4) with H, W ≥ 1.
    """
    if not isinstance(rgba, np.ndarray) or rgba.ndim != 3 or rgba.shape[2] not in (3, 4) or rgba.size == 0:
        return None
    if not (np.issubdtype(rgba.dtype, np.integer) or np.issubdtype(rgba.dtype, np.floating)):
        return None
    pixels = np.clip(np.nan_to_num(rgba), 0, 255).astype(np.uint8)
    if pixels.shape[2] == 4:
        alpha = pixels[..., 3].astype(np.float32) / 255.0
        if np.median(alpha) < 0.5:
            return alpha
    # ITU-R 601 luminance, as Pillow computes it for "L" images.
    luminance = np.asarray(Image.fromarray(np.ascontiguousarray(pixels[..., :3])).convert("L"), dtype=np.float32)
    return _light_on_dark(luminance / 255.0) if light_background_is_paper else luminance / 255.0


def ink_to_input(
    ink: np.ndarray, *, min_extent: float = MIN_CANVAS_EXTENT, steps: PreprocessSteps = MNIST_STEPS
) -> np.ndarray | None:
    """The shared MNIST pipeline: an ink map → the 784 inputs, or None if it holds no digit.

    ink: (H, W) values in [0, 1] (0 = background, 1 = full ink); anything else is clipped.
    min_extent: the digit's bounding box must span at least this fraction of the
        picture's longer side (and at least 3 pixels), else it is a speck → None.
    steps: which MNIST steps to take (see PreprocessSteps); all of them by default.
    Returns (784,) float32 in [0, 1]: the digit with its longer side scaled to 20 px
    and its centre of mass within half a pixel of (14, 14).
    """
    ink = np.asarray(ink, dtype=np.float32)
    if ink.ndim != 2 or ink.size == 0:
        return None
    ink = np.clip(np.nan_to_num(ink), 0.0, 1.0)
    rows = np.flatnonzero((ink > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((ink > INK_THRESHOLD).any(axis=0))
    if rows.size == 0:
        return None
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    extent = max(height, width)
    if extent < max(MIN_EXTENT_PIXELS, min_extent * max(ink.shape)):
        return None
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    if not steps.crop:
        crop = ink
        height, width = ink.shape
        extent = max(height, width)

    scale = (DIGIT_BOX if steps.scale_to_box else IMAGE_SIDE) / extent
    size = (max(1, round(width * scale)), max(1, round(height * scale)))  # Pillow wants (width, height)
    glyph = np.asarray(Image.fromarray(crop).resize(size, Image.Resampling.LANCZOS))
    # LANCZOS rings: it undershoots below 0 and overshoots above 1 next to sharp edges.
    glyph = np.clip(glyph, 0.0, 1.0)
    glyph[glyph < GREY_LEVEL] = 0.0
    if not glyph.any():
        return None

    field = np.zeros((IMAGE_SIDE, IMAGE_SIDE), dtype=np.float32)
    top, left = (IMAGE_SIDE - glyph.shape[0]) // 2, (IMAGE_SIDE - glyph.shape[1]) // 2
    field[top : top + glyph.shape[0], left : left + glyph.shape[1]] = glyph
    if not steps.centre:
        return field.reshape(INPUT_SIZE)
    shift = np.round(np.subtract(MNIST_CENTRE, ndimage.center_of_mass(field)))
    # A whole-pixel shift with order=0 moves values without interpolating them.
    centred = ndimage.shift(field, shift, order=0, mode="constant", cval=0.0)
    return centred.reshape(INPUT_SIZE).astype(np.float32)


@plain_errors(NOT_AN_IMAGE)
def image_to_input(data: bytes) -> np.ndarray:
    """An uploaded photo or scan of one digit → the 784 inputs.

    data: the file's bytes (PNG, JPEG, …). Pictures with transparency are read like
    the canvas; others as greyscale, inverted when the background is light (MNIST is
    white on black), then stretched so paper is 0 and the strongest ink is 1.
    Returns (784,) float32 in [0, 1].
    Raises ValueError with a message fit for the user if the bytes are not a readable
    image, the image is too large, or no digit can be found in it; any other failure of a
    decoder on crafted bytes becomes NOT_AN_IMAGE (nnviz.model.guard).
    """
    ink = _image_ink(data)
    background, peak = float(np.median(ink)), float(ink.max())
    if peak - background < MIN_UPLOAD_CONTRAST:
        raise ValueError(NO_DIGIT)
    ink = np.clip((ink - background) / (peak - background), 0.0, 1.0)
    ink[ink < PAPER_NOISE] = 0.0
    result = ink_to_input(ink, min_extent=MIN_UPLOAD_EXTENT)
    if result is None:
        raise ValueError(NO_DIGIT)
    return result


def _image_ink(data: bytes) -> np.ndarray:
    """Decode an upload into an ink map (H, W) float32 in [0, 1], shrunk to at most 1024 px a side."""
    if not isinstance(data, bytes | bytearray | memoryview) or len(data) == 0:
        raise ValueError(NOT_AN_IMAGE)
    try:
        with warnings.catch_warnings():
            # Pillow only warns about moderately oversized images; here that is a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(TOO_LARGE) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValueError(NOT_AN_IMAGE) from error
    with opened:
        # Checked before decoding a single pixel, so a bomb never gets inflated.
        if opened.width * opened.height > MAX_UPLOAD_PIXELS:
            raise ValueError(TOO_LARGE)
        try:
            image = ImageOps.exif_transpose(opened)  # phone photos are often stored sideways
            image.thumbnail((UPLOAD_WORKING_SIDE, UPLOAD_WORKING_SIDE), Image.Resampling.LANCZOS)
            if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
                ink = canvas_ink(np.asarray(image.convert("RGBA")), light_background_is_paper=True)
            else:
                ink = _light_on_dark(np.asarray(image.convert("L"), dtype=np.float32) / 255.0)
        except Exception as error:
            # Pillow's decoders fail on damaged files with many exception types
            # (OSError, SyntaxError, struct.error, ZeroDivisionError, ...); all mean "unreadable".
            raise ValueError(NOT_AN_IMAGE) from error
    if ink is None:
        raise ValueError(NOT_AN_IMAGE)
    return ink


def _light_on_dark(grey: np.ndarray) -> np.ndarray:
    """Greyscale in [0, 1] → ink, inverting a light background (MNIST is white ink on black)."""
    return 1.0 - grey if np.median(grey) > 0.5 else grey
