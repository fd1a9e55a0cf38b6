"""The test concern's transitions (nnviz/session/state/test.py): cells, our drawings, the ink, fooling inputs.

Oracles: the fooling functions and a twin random generator applied by hand, the collection's own
file format, and a uint8 round trip within half a grey level.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.classroom.collection import EMPTY, MAX_DRAWINGS, Collection, collection_to_bytes
from nnviz.explain.fooling import LETTERS, corner_input, letter_input, noise_input, white_input
from nnviz.session.state import test as tests
from nnviz.session.state.input import NO_TEST_DIGITS, CurrentInput, InputState
from nnviz.session.state.test import PICK_A_LABEL, TestState


def drawing(value: float = 0.5, source: str = "drawing") -> CurrentInput:
    pixels = np.zeros(784, np.float32)
    pixels[300:320] = value
    return CurrentInput(pixels, source)


def test_a_clicked_cell_is_kept_as_two_ints() -> None:
    state = tests.select_cell(TestState(), (np.int64(4), 9.0))
    assert state.cell == (4, 9) and all(type(v) is int for v in state.cell)
    assert tests.select_cell(state, None).cell is None


def test_the_ink_survives_its_uint8_keeping_within_half_a_grey_level() -> None:
    ink = np.random.default_rng(1).uniform(0, 1, (280, 280)).astype(np.float32)
    kept = tests.keep_ink(TestState(), ink)
    assert kept.ink.dtype == np.uint8
    assert np.abs(tests.drawing_ink(kept) - ink).max() <= 0.5 / 255 + 1e-7
    assert tests.drawing_ink(tests.keep_ink(kept, None)) is None


def test_collect_keeps_our_own_drawings_with_their_label() -> None:
    state = tests.collect(TestState(), drawing(), 3)
    state = tests.collect(state, drawing(1.0, "photo"), 8)
    assert state.drawings.labels.tolist() == [3, 8] and state.collect_error is None
    np.testing.assert_array_equal(state.drawings.images[1], drawing(1.0).pixels)
    for not_ours in (None, drawing(source="test digit"), drawing(source="noise")):
        assert tests.collect(state, not_ours, 1) is state
    state = tests.collect(state, drawing(), None)
    state, error = tests.take_collect_error(state)
    assert error == PICK_A_LABEL and len(state.drawings) == 2 and tests.take_collect_error(state)[1] is None


def test_a_full_collection_and_a_bad_file_say_why_and_lose_nothing() -> None:
    full = TestState(drawings=Collection(np.zeros((MAX_DRAWINGS, 784), np.float32), np.zeros(MAX_DRAWINGS, np.int64)))
    refused = tests.collect(full, drawing(), 1)
    assert len(refused.drawings) == MAX_DRAWINGS and f"{MAX_DRAWINGS:,}" in refused.collect_error
    bad = tests.add_file(full, b"not a zip")
    assert bad.drawings is full.drawings and bad.collect_error
    saved = EMPTY.add(drawing().pixels, 2).add(drawing(0.9).pixels, 5)
    added = tests.add_file(tests.collect(TestState(), drawing(), 7), collection_to_bytes(saved))
    assert added.drawings.labels.tolist() == [7, 2, 5]


def test_one_of_our_drawings_becomes_the_input_with_its_label() -> None:
    ours = TestState(drawings=EMPTY.add(drawing(0.2).pixels, 4).add(drawing(0.7).pixels, 6))
    state = tests.use_our_drawing(InputState(generation=1), ours, 1)
    assert (state.current.source, state.current.true_label, state.generation) == ("drawing", 6, 2)
    np.testing.assert_array_equal(state.current.pixels, ours.drawings.images[1])
    before = InputState()
    assert tests.use_our_drawing(before, ours, 2) is before and tests.use_our_drawing(before, ours, -1) is before


def fake_test_set() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    return rng.uniform(0, 1, (40, 784)).astype(np.float32), rng.integers(0, 10, 40)


@pytest.mark.parametrize("source", ["noise", "white square", "letter"])
def test_made_up_inputs_are_what_the_fooling_functions_make(source: str) -> None:
    state = tests.fool(InputState(current=drawing()), source, np.random.default_rng(5), "no data needed")
    twin = np.random.default_rng(5)
    expected = {
        "noise": lambda: noise_input(twin),
        "white square": white_input,
        "letter": lambda: letter_input(str(twin.choice(list(LETTERS)))),
    }[source]()
    np.testing.assert_array_equal(state.current.pixels, expected)
    assert state.current.source == source and state.current.true_label is None and state.error is None


def test_a_corner_digit_moves_the_current_digit_or_a_random_test_digit() -> None:
    x_test, y_test = fake_test_set()
    test_digit = CurrentInput(x_test[3], "test digit", true_label=int(y_test[3]), test_index=3)
    moved = tests.fool(InputState(current=test_digit), "corner digit", np.random.default_rng(), (x_test, y_test))
    np.testing.assert_array_equal(moved.current.pixels, corner_input(x_test[3]))
    assert (moved.current.true_label, moved.current.test_index) == (int(y_test[3]), 3)
    # A made-up input is no digit: a random test digit goes into the corner instead.
    state = tests.fool(moved, "corner digit", np.random.default_rng(9), (x_test, y_test))
    index = int(np.random.default_rng(9).integers(40))
    np.testing.assert_array_equal(state.current.pixels, corner_input(x_test[index]))
    assert (state.current.true_label, state.current.test_index) == (int(y_test[index]), index)
    missing = tests.fool(moved, "corner digit", np.random.default_rng(), "No MNIST here.")
    assert missing.current is moved.current and missing.error == f"{NO_TEST_DIGITS} No MNIST here."
