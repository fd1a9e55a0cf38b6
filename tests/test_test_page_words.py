"""The Test page's pieces moved out of the page: a clicked cell, the step previews, the note after a click.

Checked against brute force on synthetic answers (no MNIST needed) and with contrary inputs.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.explain.evaluation import cell_view, evaluate
from nnviz.explain.fooling import FOOL_BUTTONS, FOOLING_SOURCES, answer_line, preview
from nnviz.lesson.captions import INPUT_WAYS, clicked_digit_note
from nnviz.model.forward import forward_pass
from nnviz.session.address import Place
from nnviz.session.state import test as tests
from nnviz.session.state.input import InputState


@pytest.fixture(scope="module")
def subset_evaluation():
    """A 3-digit model's answers on 300 random images of every digit (true labels 0..9)."""
    rng = np.random.default_rng(7)
    network = random_network(hidden=(16,), digits=(3, 5, 8), seed=2)
    images = rng.uniform(0, 1, (300, 784)).astype(np.float32)
    return evaluate(network, images, rng.integers(0, 10, 300))


def test_a_cell_shows_its_images_and_the_brute_force_count(subset_evaluation) -> None:
    evaluation = subset_evaluation
    for true_digit in (3, 5, 8):
        for said in (3, 5, 8):
            indices, count = cell_view(evaluation, (true_digit, said))
            in_cell = np.flatnonzero((evaluation.labels == true_digit) & (evaluation.predicted == said))
            assert count == in_cell.size and set(indices.tolist()) <= set(in_cell.tolist())
            assert indices.size == min(in_cell.size, 48)


def test_no_cell_or_a_cell_of_another_models_matrix_shows_nothing(subset_evaluation) -> None:
    assert cell_view(subset_evaluation, None) is None
    assert cell_view(subset_evaluation, (7, 3)) is None and cell_view(subset_evaluation, (3, 9)) is None


def test_a_preview_is_each_input_pixel_as_a_clipped_block() -> None:
    pixels = np.linspace(-0.5, 1.5, 784, dtype=np.float32)
    picture = preview(pixels, 4)
    assert picture.shape == (112, 112) and picture.min() == 0.0 and picture.max() == 1.0
    for row, column in ((0, 0), (13, 27), (27, 5)):
        block = picture[row * 4 : row * 4 + 4, column * 4 : column * 4 + 4]
        assert np.all(block == np.clip(pixels[row * 28 + column], 0, 1))


def test_the_answer_line_names_the_forward_passs_winner_and_never_rounds_to_100_percent() -> None:
    network, pixels = random_network(seed=5), digit_like_input(3)
    probabilities = forward_pass(network, pixels).probabilities[0]
    assert answer_line(network, pixels).startswith(f"→ **{network.digits[int(probabilities.argmax())]}** · ")
    sure = dataclasses.replace(network)  # the same weights with a huge output bias on digit 4: almost certain
    sure.layers = [*network.layers[:-1], dataclasses.replace(network.layers[-1], bias=network.layers[-1].bias.copy())]
    sure.layers[-1].bias[4] += 9.0
    line = answer_line(sure, pixels)
    assert line.startswith("→ **4** · ") and "100%" not in line.replace(" ", "")


def test_the_note_names_the_clicked_digit_and_every_way_opens_a_real_page() -> None:
    assert clicked_digit_note(1234, 7) == "Test digit #1234 (a 7) is now the input."
    assert clicked_digit_note(0, 3) != clicked_digit_note(0, 8)
    assert [Place(page).page for _, page, _ in INPUT_WAYS] == ["draw", "network", "learn"]


def test_there_is_one_fooling_button_per_made_up_input_each_making_it() -> None:
    assert [source for source, _, _ in FOOL_BUTTONS] == list(FOOLING_SOURCES)
    rng = np.random.default_rng(0)
    for source, label, icon in FOOL_BUTTONS:
        made = tests.fool(
            InputState(), source, rng, (np.stack([digit_like_input(seed) for seed in range(3)]), np.arange(3))
        )
        assert made.current is not None and made.current.source == source, label
        assert len(label) <= 10 and icon.startswith(":material/")
