"""The input concern's transitions (nnviz/session/state/input.py), called directly.

Oracles: the preprocessing functions applied by hand to the same image, a twin random generator
for "random" test digits, and the canvas's documented behaviour on a restored drawing (its
trash resets to what it was mounted with; its undo has nothing to undo).
"""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from devkit.canvas_injection import blank_rgba, canvas_rgba
from nnviz.explain.fooling import FOOLING_SOURCES
from nnviz.model.preprocess import canvas_ink, image_to_input, ink_to_input
from nnviz.session.state import input as inputs
from nnviz.session.state.input import NO_TEST_DIGITS, CurrentInput, InputState

RESTORED = {"objects": [{"type": "path", "path": [["M", 1, 1], ["L", 9, 9]]}]}
MORE = {"objects": [*RESTORED["objects"], {"type": "path", "path": [["M", 5, 5], ["L", 2, 2]]}]}


def png(rgba: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="PNG")
    return buffer.getvalue()


def a_digit() -> np.ndarray:
    image = np.zeros((28, 28), np.float32)
    image[5:23, 12:16] = 1.0
    return image


def fake_test_set() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (50, 784)).astype(np.float32), rng.integers(0, 10, 50)


def test_clear_empties_the_input_and_the_drawing_and_gives_the_canvas_a_new_key() -> None:
    state = InputState(current=CurrentInput(np.ones(784), "drawing"), drawing=RESTORED, generation=4)
    cleared = inputs.clear(state)
    assert cleared.current is None and cleared.drawing is None and cleared.generation == 5
    assert inputs.canvas_key(cleared, "draw") != inputs.canvas_key(state, "draw") == "draw_canvas_4"


def test_a_random_test_digit_is_the_one_a_twin_generator_picks() -> None:
    x_test, y_test = fake_test_set()
    state = InputState(drawing=RESTORED, generation=2)
    picked = inputs.use_random_test_digit(state, (x_test, y_test), np.random.default_rng(7))
    index = int(np.random.default_rng(7).integers(50))
    current = picked.current
    assert (current.source, current.test_index, current.true_label) == ("test digit", index, int(y_test[index]))
    np.testing.assert_array_equal(current.pixels, x_test[index])
    assert picked.drawing is None and picked.generation == 3, "the canvas is emptied for it"


def test_without_test_digits_the_input_stays_and_the_reason_is_shown_once() -> None:
    kept = CurrentInput(np.ones(784), "drawing")
    state = inputs.use_random_test_digit(InputState(current=kept), "No MNIST here.", np.random.default_rng())
    assert state.current is kept
    state, error = inputs.take_error(state)
    assert error == f"{NO_TEST_DIGITS} No MNIST here."
    assert inputs.take_error(state)[1] is None


def test_a_photo_becomes_the_input_and_a_broken_file_says_why() -> None:
    photo = png(canvas_rgba(1 - a_digit(), background=0))  # dark ink on light paper
    state = inputs.use_photo(InputState(generation=1), photo)
    assert state.current.source == "photo" and state.generation == 2
    np.testing.assert_array_equal(state.current.pixels, image_to_input(photo))
    broken = inputs.use_photo(state, b"not a picture")
    assert broken.current is state.current and broken.error


def test_a_new_canvas_image_becomes_the_input_once() -> None:
    rgba = canvas_rgba(a_digit())
    state, ink, changed = inputs.canvas_image(InputState(), png(rgba), rgba, RESTORED)
    assert changed and state.drawing == RESTORED and state.current.source == "drawing"
    np.testing.assert_array_equal(ink, canvas_ink(rgba))
    np.testing.assert_array_equal(state.current.pixels, ink_to_input(canvas_ink(rgba)))
    again, ink, changed = inputs.canvas_image(state, png(rgba), rgba, RESTORED)
    assert again is state and ink is None and not changed, "a rerun hands back the same image: nothing to do"
    blank, _, changed = inputs.canvas_image(state, png(blank_rgba()), blank_rgba(), {"objects": []})
    assert changed and blank.current is None, "a blank canvas empties the input"
    assert inputs.canvas_image(state, None, None, None) == (state, None, False)


def test_the_live_views_drawing_with_no_strokes_is_clear_once() -> None:
    rgba, blank = canvas_rgba(a_digit()), blank_rgba()
    drawn, ink, changed = inputs.live_drawing(InputState(generation=4), png(rgba), rgba, RESTORED)
    assert changed and drawn.generation == 4 and drawn.drawing == RESTORED and drawn.current.source == "drawing"
    np.testing.assert_array_equal(ink, canvas_ink(rgba))
    emptied, _, changed = inputs.live_drawing(drawn, png(blank), blank, None)
    cleared = inputs.clear(drawn)
    assert changed and emptied.current is None and emptied.drawing is None
    assert emptied.generation == cleared.generation == 5, "a new generation, as the Clear button gives"
    again, _, changed = inputs.live_drawing(emptied, png(blank), blank, None)
    assert again is emptied and not changed, "the same report on a later rerun clears nothing more"
    speck, _, changed = inputs.live_drawing(drawn, png(blank), blank, {"objects": []})
    assert changed and speck.current is None and speck.generation == 4, "a stroke that is no digit is no Clear"


def test_the_canvas_is_mounted_once_per_visit_and_generation() -> None:
    drawn = CurrentInput(np.ones(784), "drawing")
    state = inputs.mount_canvas(InputState(current=drawn, drawing=RESTORED, stroked=True))
    assert state.mount.drawing == RESTORED and state.mount.restored_input is drawn and not state.stroked
    later = inputs.mount_canvas(replace(state, drawing=MORE))
    assert later.mount is state.mount, "new strokes are not passed back into the canvas under the pen"
    assert inputs.mount_canvas(inputs.remount(later)).mount.drawing == MORE, "a page switch mounts it afresh"
    assert inputs.mount_canvas(inputs.clear(later)).mount.drawing is None, "a new generation mounts it afresh"
    assert inputs.mount_canvas(InputState(current=drawn)).mount.restored_input is None, "no strokes: no input"


@pytest.fixture
def restored() -> InputState:
    """A drawing restored after a page switch: the canvas was mounted with it."""
    return inputs.mount_canvas(InputState(current=CurrentInput(np.ones(784), "drawing"), drawing=RESTORED))


def test_trash_on_a_restored_drawing_empties_the_canvas_and_the_input(restored: InputState) -> None:
    state = inputs.canvas_report(restored, RESTORED)  # what the trash reports: the drawing it was mounted with
    assert state.current is None and state.drawing is None and state.generation == restored.generation + 1


def test_undoing_every_new_stroke_brings_the_restored_drawing_back(restored: InputState) -> None:
    stroked = inputs.canvas_report(restored, MORE)
    assert stroked.stroked and stroked.current is restored.current
    undone = inputs.canvas_report(stroked, RESTORED)
    assert undone.current is restored.current and undone.drawing == RESTORED
    assert undone.generation == restored.generation + 1, "remounted, so the next trash press is unambiguous"
    remounted = inputs.mount_canvas(undone)
    assert inputs.canvas_report(remounted, RESTORED).current is None, "then the trash empties it"


def test_a_fresh_canvas_handles_its_own_trash_and_undo() -> None:
    fresh = inputs.mount_canvas(InputState())
    assert inputs.canvas_report(fresh, {"objects": []}) is fresh
    assert inputs.canvas_report(fresh, MORE) is fresh
    never_mounted = InputState()
    assert inputs.canvas_report(never_mounted, RESTORED) is never_mounted


@pytest.mark.parametrize("source", ["drawing", "photo", "test digit", *FOOLING_SOURCES])
def test_the_caption_names_where_the_input_came_from(source: str) -> None:
    text = inputs.caption(CurrentInput(np.zeros(784), source, true_label=4, test_index=123))
    if source == "test digit":
        assert text == "MNIST test digit #123. Its true label is **4**."
    elif source in FOOLING_SOURCES:
        assert text == FOOLING_SOURCES[source]
    else:
        assert ("photo" in text) == (source == "photo") and "#" not in text
