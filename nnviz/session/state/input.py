"""The input concern: what the network looks at, and the drawing canvas it came from.

One `InputState` per session. The Draw, Network, Learn and Test pages share it: a stroke, a
test digit, a photo or a made-up "fooling" input replaces `current`. The canvas part exists
because streamlit-drawable-canvas forgets its strokes when its page is left: the drawing is kept
here as Fabric.js JSON and the canvas is remounted with it, and a new `generation` gives the canvas
a new widget key, the only way to empty it from Python.

Every function returns a new value; nothing here touches Streamlit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import numpy as np

from nnviz.explain.fooling import FOOLING_SOURCES
from nnviz.model.preprocess import canvas_ink, image_to_input, ink_to_input

NO_TEST_DIGITS = "No test digits available."


@dataclass(frozen=True, eq=False)
class CurrentInput:
    """What the network looks at right now.

    pixels: (784,) float32 in 0..1. source: "drawing", "test digit", "photo" or a fooling source
    (see nnviz.explain.fooling.FOOLING_SOURCES). true_label: the digit it really is, when known;
    test_index: its index in the MNIST test set, for a test digit.
    """

    pixels: np.ndarray
    source: str
    true_label: int | None = None
    test_index: int | None = None


@dataclass(frozen=True, eq=False)
class CanvasMount:
    """What the canvas of one generation was mounted with: the drawing, and the input it stands for."""

    generation: int
    drawing: dict | None
    restored_input: CurrentInput | None


@dataclass(frozen=True, eq=False)
class InputState:
    """A session's input and canvas.

    current: the input, or None. drawing: the canvas's Fabric.js JSON, to restore it after a page
    switch. generation: bumped whenever the canvas is emptied from Python (a new widget key).
    mount: what the canvas was mounted with on this visit to a page (None: mount it afresh).
    stroked: the canvas reported a change since it was mounted. error: why the last test digit
    or photo could not become the input, shown once. last_image: digest of the canvas image last
    turned into an input (reruns from other widgets hand back the same image).
    """

    current: CurrentInput | None = None
    drawing: dict | None = None
    generation: int = 0
    mount: CanvasMount | None = None
    stroked: bool = False
    error: str | None = None
    last_image: bytes | None = None


def caption(current: CurrentInput) -> str:
    """Where the current input came from, in one line (markdown: numbers and fixed words only)."""
    if current.source == "test digit":
        return f"MNIST test digit #{current.test_index}. Its true label is **{current.true_label}**."
    if current.source in FOOLING_SOURCES:  # made up on the Test page to fool the network
        return FOOLING_SOURCES[current.source]
    if current.source == "photo":
        return "Your photo, turned into white ink on black, cropped, scaled to 20 px and centred like MNIST."
    return "Your drawing, cropped, scaled to 20 px and centred the way MNIST digits were made."


def strokes(drawing: dict | None) -> list:
    """The Fabric.js objects (strokes) of a canvas drawing; [] for None or an empty canvas."""
    objects = drawing.get("objects") if isinstance(drawing, dict) else None
    return objects if isinstance(objects, list) else []


def _paths(drawing: dict | None) -> list:
    """Each stroke's path commands: what the canvas hands back unchanged for a drawing it was mounted with.

    The canvas adds its own defaults to every object it serialises, so a drawing stored in another
    form (the Draw page's live view writes only a few fields) is recognised by its paths alone.
    """
    return [item.get("path") if isinstance(item, dict) else item for item in strokes(drawing)]


def canvas_key(state: InputState, page: str) -> str:
    """The canvas's widget key on `page`: a new generation means a fresh, empty canvas."""
    return f"{page}_canvas_{state.generation}"


def clear(state: InputState) -> InputState:
    """Forget the drawing and the input, and give the canvas a new generation (it is emptied)."""
    return replace(state, current=None, drawing=None, generation=state.generation + 1)


def use(state: InputState, current: CurrentInput) -> InputState:
    """Make `current` the input (a test digit, a photo, a made-up input): the canvas is emptied."""
    return replace(clear(state), current=current)


def test_digit(x_test: np.ndarray, y_test: np.ndarray, index: int) -> CurrentInput:
    """MNIST test image `index` as an input, with its true label. x_test (n, 784) 0..1, y_test (n,)."""
    return CurrentInput(x_test[index], "test digit", true_label=int(y_test[index]), test_index=int(index))


def use_test_digit(state: InputState, x_test: np.ndarray, y_test: np.ndarray, index: int) -> InputState:
    """Make test image `index` the input (the Draw, Network and Learn pages then show it)."""
    return use(state, test_digit(x_test, y_test, index))


def use_random_test_digit(
    state: InputState, test_digits: tuple[np.ndarray, np.ndarray] | str, rng: np.random.Generator
) -> InputState:
    """A random MNIST test digit becomes the input.

    test_digits: (x_test, y_test), or the message saying why they are missing (then kept as the error).
    """
    if isinstance(test_digits, str):
        return with_error(state, f"{NO_TEST_DIGITS} {test_digits}")
    x_test, y_test = test_digits
    return use_test_digit(state, x_test, y_test, int(rng.integers(len(x_test))))


def use_photo(state: InputState, data: bytes) -> InputState:
    """An uploaded photo of one digit becomes the input; a file that is no usable picture sets the error."""
    try:
        pixels = image_to_input(data)
    except ValueError as exc:
        return with_error(state, str(exc))
    return use(state, CurrentInput(pixels, "photo"))


def with_error(state: InputState, error: str) -> InputState:
    return replace(state, error=error)


def take_error(state: InputState) -> tuple[InputState, str | None]:
    """The error to show once, and the state without it."""
    return replace(state, error=None), state.error


def canvas_image(
    state: InputState, image_bytes: bytes | None, image_data: np.ndarray | None, drawing: dict | None
) -> tuple[InputState, np.ndarray | None, bool]:
    """The canvas reported an image: (new state, its ink map (H, W) 0..1 or None, whether it was new).

    A new image (by digest) replaces the drawing and the input: a blank canvas or a speck empties
    the input. The same image as last time (a rerun from another widget) changes nothing and is not
    decoded again. image_data: the canvas's (H, W, 4) RGBA array.
    """
    if image_bytes is None:
        return state, None, False
    digest = hashlib.blake2b(image_bytes, digest_size=16).digest()
    if digest == state.last_image:
        return state, None, False
    ink = canvas_ink(image_data)
    pixels = None if ink is None else ink_to_input(ink)
    current = None if pixels is None else CurrentInput(pixels, "drawing")
    return replace(state, last_image=digest, drawing=drawing, current=current), ink, True


def live_drawing(
    state: InputState, image_bytes: bytes, image_data: np.ndarray | None, drawing: dict | None
) -> tuple[InputState, np.ndarray | None, bool]:
    """The Draw page's live view reported a drawing: as `canvas_image`, but a new one with no strokes is Clear.

    The view reports no strokes when its Undo took the last one: the input and the drawing are then
    forgotten and the canvas gets a new generation, exactly as the Clear button does (`clear`).
    """
    new, ink, changed = canvas_image(state, image_bytes, image_data, drawing)
    return (clear(new), ink, True) if changed and drawing is None else (new, ink, changed)


def remount(state: InputState) -> InputState:
    """The student arrived from another page: the canvas is about to be mounted afresh."""
    return replace(state, mount=None)


def mount_canvas(state: InputState) -> InputState:
    """Capture the drawing to mount the canvas with, once per visit to a page and generation.

    Passing each new drawing back in would redraw the canvas under the pen, so the value is frozen
    in `mount`, together with the input it stands for (see `canvas_report`).
    """
    if state.mount is not None and state.mount.generation == state.generation:
        return state
    restored = state.current if strokes(state.drawing) else None
    return replace(state, mount=CanvasMount(state.generation, state.drawing, restored), stroked=False)


def reported_drawing(reported: object) -> dict | None:
    """The raw drawing in the canvas widget's value ({"drawing": {"raw": {...}}}), or None for anything else."""
    drawing = reported.get("drawing") if isinstance(reported, dict) else None
    raw = drawing.get("raw") if isinstance(drawing, dict) else None
    return raw if isinstance(raw, dict) else None


def canvas_report(state: InputState, drawing: dict | None) -> InputState:
    """Turn a drawing the canvas reports (its on_change, before the rerun) into what the student meant.

    streamlit-drawable-canvas resets its history to what it was mounted with: after a page switch
    that is the restored drawing, so its trash "resets" to the drawing and its undo has nothing to
    undo. On a canvas mounted with a restored drawing, a report of exactly that drawing is
    - before any new stroke: the toolbar's trash, so the canvas and the input are emptied;
    - after new strokes: the trash or an undo of every new stroke; both show the restored drawing
      again, so it becomes the input again and the canvas is remounted with it (a new generation),
      which makes the next trash press unambiguous.
    On a fresh canvas its own trash and undo already do the right thing: nothing changes.
    """
    mount = state.mount
    if mount is None or not strokes(mount.drawing):
        return state
    if _paths(drawing) != _paths(mount.drawing):
        return replace(state, stroked=True)
    if not state.stroked:
        return clear(state)
    return replace(state, drawing=mount.drawing, current=mount.restored_input, generation=state.generation + 1)
