"""Inputs the network should refuse but cannot, and the preprocessing's part in what it sees.

The output layer is a softmax: its ten values always add up to 1, so the network
always names a digit, often with high confidence, even for noise, a blank white
square or a letter. And it only knows digits that look like MNIST's: cropped,
scaled to 20 px and centred. Without those steps the same drawing can get
another answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from nnviz.lesson.wording import probability
from nnviz.model.forward import forward_pass
from nnviz.model.network import IMAGE_SIDE, INPUT_SIZE, Network
from nnviz.model.preprocess import MNIST_STEPS, PreprocessSteps, ink_to_input

NO_DONT_KNOW = (
    "The ten outputs always add up to 100 %, so the network must pick a digit: "
    'it has no output for "I don\'t know", and it never saw anything but digits while training.'
)
LETTERS = "AEFHKMRWX"  # letters that are clearly not digits (no O, I, S, Z, B, G that look like 0, 1, 5, 2, 8, 6)
LETTER_CANVAS = 200  # pixels: the letter is drawn this big, then made MNIST-like like any drawing
LETTER_FONT_SIZE = 160

# Where each kind of made-up input comes from, as the pages name it (CurrentInput.source) and explain it.
FOOLING_SOURCES = {
    "noise": "Random noise: every pixel a random grey. No digit at all.",
    "white square": "An all-white square: every input neuron at 1. No digit at all.",
    "letter": "A letter, drawn by the computer and prepared like a drawing (cropped, scaled, centred).",
    "corner digit": "A test digit pushed into the top-left corner, without centring it again.",
}
# The Test page's buttons that make each of them: (source, a label short enough for a quarter of a 1024 px page,
# its Material icon).
FOOL_BUTTONS = (
    ("noise", "Noise", ":material/grain:"),
    ("white square", "All white", ":material/check_box_outline_blank:"),
    ("letter", "A letter", ":material/title:"),
    ("corner digit", "Corner", ":material/north_west:"),
)


def noise_input(rng: np.random.Generator) -> np.ndarray:
    """(784,) float32 uniform in 0..1: television snow."""
    return rng.uniform(0.0, 1.0, INPUT_SIZE).astype(np.float32)


def white_input() -> np.ndarray:
    """(784,) float32 all ones: full ink everywhere."""
    return np.ones(INPUT_SIZE, dtype=np.float32)


def letter_ink(letter: str) -> np.ndarray:
    """A big capital `letter` as an ink map (LETTER_CANVAS², float32 0..1), in Pillow's built-in font."""
    image = Image.new("L", (LETTER_CANVAS, LETTER_CANVAS), 0)
    font = ImageFont.load_default(size=LETTER_FONT_SIZE)
    ImageDraw.Draw(image).text(
        (LETTER_CANVAS / 2, LETTER_CANVAS / 2),
        letter,
        fill=255,
        font=font,
        anchor="mm",
        stroke_width=6,
        stroke_fill=255,
    )
    return np.asarray(image, dtype=np.float32) / 255.0


def letter_input(letter: str) -> np.ndarray:
    """(784,) float32: `letter` made MNIST-like exactly as a drawing is (crop, 20 px, centre)."""
    pixels = ink_to_input(letter_ink(letter))
    if pixels is None:  # only for a blank glyph, which LETTERS never holds
        raise ValueError(f"Could not draw the letter {letter!r}.")
    return pixels


def corner_input(pixels: np.ndarray) -> np.ndarray:
    """(784,) float32: the image's ink moved up and left until it touches the top-left corner."""
    grid = np.asarray(pixels, dtype=np.float32).reshape(IMAGE_SIDE, IMAGE_SIDE)
    rows = np.flatnonzero(grid.any(axis=1))
    cols = np.flatnonzero(grid.any(axis=0))
    if rows.size == 0:
        return grid.ravel().copy()
    moved = np.zeros_like(grid)
    crop = grid[rows[0] :, cols[0] :]
    moved[: crop.shape[0], : crop.shape[1]] = crop
    return moved.ravel()


@dataclass(frozen=True)
class StepVariant:
    """One way of preparing the same ink: label for the page, the steps taken, the 784 inputs (None: nothing left)."""

    label: str
    steps: PreprocessSteps
    pixels: np.ndarray | None


STEP_VARIANTS = (
    ("All MNIST steps", MNIST_STEPS),
    ("No crop", PreprocessSteps(crop=False)),
    ("No 20 px box", PreprocessSteps(scale_to_box=False)),
    ("No centring", PreprocessSteps(centre=False)),
    ("None of them", PreprocessSteps(crop=False, scale_to_box=False, centre=False)),
)


def preview(pixels: np.ndarray, zoom: int) -> np.ndarray:
    """784 inputs as a (28·zoom, 28·zoom) picture in 0..1, each input pixel a crisp zoom × zoom block."""
    return np.clip(np.kron(pixels.reshape(IMAGE_SIDE, IMAGE_SIDE), np.ones((zoom, zoom), dtype=np.float32)), 0.0, 1.0)


def answer_line(network: Network, pixels: np.ndarray) -> str:
    """The network's answer to 784 inputs in markdown: "→ **7** · 93%" (the digit it says, how sure)."""
    probabilities = forward_pass(network, pixels).probabilities[0]
    return f"→ **{network.digits[int(probabilities.argmax())]}** · {probability(probabilities.max())}"


def step_variants(ink: np.ndarray) -> list[StepVariant]:
    """The same ink map (H, W, 0..1) prepared with all MNIST steps, then with each switched off, then with none."""
    return [StepVariant(label, steps, ink_to_input(ink, steps=steps)) for label, steps in STEP_VARIANTS]
