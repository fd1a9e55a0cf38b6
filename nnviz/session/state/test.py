"""The test concern: the Test page's clicked confusion cell, our own drawings, the latest drawing's ink.

Also the inputs the Test page makes up to fool the network, which replace the session's input.
Every function returns a new value; nothing here touches Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from nnviz.classroom.collection import EMPTY, Collection, load_collection
from nnviz.explain.fooling import LETTERS, corner_input, letter_input, noise_input, white_input
from nnviz.session.state.input import NO_TEST_DIGITS, CurrentInput, InputState, use, with_error

OWN_SOURCES = ("drawing", "photo")  # what counts as our handwriting (not MNIST digits, not made-up inputs)
DIGIT_SOURCES = ("drawing", "test digit", "photo")  # inputs that show a digit (a corner digit can move it)
PICK_A_LABEL = "Pick which digit you meant first, then press Keep."


@dataclass(frozen=True, eq=False)
class TestState:
    """cell: (true digit, predicted digit) of the confusion-matrix cell clicked last, or None.

    drawings: the drawings the class labelled with Collect (our own test set). ink: uint8 (H, W)
    ink of the latest drawing, to show it prepared step by step (280 × 280 is 78 kB a session).
    collect_error: why the last Collect or upload of drawings did not work, shown once.
    """

    __test__ = False  # not a test class, though its name starts with "Test"

    cell: tuple[int, int] | None = None
    drawings: Collection = EMPTY
    ink: np.ndarray | None = None
    collect_error: str | None = None


def select_cell(test: TestState, cell: tuple[int, int] | None) -> TestState:
    return replace(test, cell=None if cell is None else (int(cell[0]), int(cell[1])))


def keep_ink(test: TestState, ink: np.ndarray | None) -> TestState:
    """Keep the latest drawing's ink map (H, W, 0..1) as uint8."""
    return replace(test, ink=None if ink is None else np.round(np.clip(ink, 0.0, 1.0) * 255).astype(np.uint8))


def drawing_ink(test: TestState) -> np.ndarray | None:
    """(H, W) float32 0..1 ink of the latest drawing, or None."""
    return None if test.ink is None else test.ink.astype(np.float32) / 255.0


def collect(test: TestState, current: CurrentInput | None, label: int | None) -> TestState:
    """Keep our own drawing or photo `current` with the digit the student says it is (`label`)."""
    if current is None or current.source not in OWN_SOURCES:
        return test
    if label is None:
        return replace(test, collect_error=PICK_A_LABEL)
    try:
        return replace(test, drawings=test.drawings.add(current.pixels, int(label)))
    except ValueError as exc:
        return replace(test, collect_error=str(exc))


def add_file(test: TestState, data: bytes) -> TestState:
    """Add the drawings of a saved .npz collection; a bad file sets the error."""
    try:
        return replace(test, drawings=test.drawings.extend(load_collection(data)))
    except ValueError as exc:
        return replace(test, collect_error=str(exc))


def take_collect_error(test: TestState) -> tuple[TestState, str | None]:
    return replace(test, collect_error=None), test.collect_error


def use_our_drawing(state: InputState, test: TestState, index: int) -> InputState:
    """Our drawing `index` becomes the input, with the label the class gave it (an index out of range: no change)."""
    if not 0 <= index < len(test.drawings):
        return state
    return use(state, CurrentInput(test.drawings.images[index], "drawing", true_label=int(test.drawings.labels[index])))


def fool(
    state: InputState, source: str, rng: np.random.Generator, test_digits: tuple[np.ndarray, np.ndarray] | str
) -> InputState:
    """Make the input something that is not a proper digit (a source of nnviz.explain.fooling.FOOLING_SOURCES).

    "corner digit" moves the current digit into a corner, or a random test digit when the input is
    not a digit; test_digits: (x_test, y_test) or the message why they are missing (kept as the error).
    """
    label = index = None
    if source == "noise":
        pixels = noise_input(rng)
    elif source == "white square":
        pixels = white_input()
    elif source == "letter":
        pixels = letter_input(str(rng.choice(list(LETTERS))))
    elif state.current is not None and state.current.source in DIGIT_SOURCES:
        current = state.current
        pixels, label, index = corner_input(current.pixels), current.true_label, current.test_index
    elif isinstance(test_digits, str):
        return with_error(state, f"{NO_TEST_DIGITS} {test_digits}")
    else:
        x_test, y_test = test_digits
        index = int(rng.integers(len(x_test)))
        pixels, label = corner_input(x_test[index]), int(y_test[index])
    return use(state, CurrentInput(pixels, source, true_label=label, test_index=index))
