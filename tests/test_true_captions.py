"""Captions and figures that must stay true to their numbers: contrary inputs change the words."""

from __future__ import annotations

import math

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.classroom.rooms import BoardEntry
from nnviz.explain.why import why_answer
from nnviz.figures.board import class_scatter, percent_tick_format
from nnviz.figures.test import MISTAKES_SCALE, confusion_figure
from nnviz.lesson import captions
from nnviz.lesson.glossary import TERMS
from nnviz.model.forward import forward_pass
from nnviz.model.network import Network


def scaled(network: Network, factor: float) -> Network:
    """The same network with its output layer's weights and bias times `factor` (a surer answer)."""
    arrays = [(layer.weights, layer.bias) for layer in network.layers]
    arrays[-1] = (arrays[-1][0] * factor, arrays[-1][1] * factor)
    return Network.from_arrays(network.config, arrays)


def test_occlusion_says_what_it_measures() -> None:
    network, pixels = random_network((12,), seed=7), digit_like_input()
    unsure = why_answer(network, pixels, "")
    assert forward_pass(network, pixels).probabilities[0].max() < 0.99
    assert "Measured as the drop in its probability." in unsure.panels[2].caption
    # The smallest scaling of the output layer that makes the answer at least 99.9 % sure (but not exactly 1).
    saturated = next(
        net
        for net in (scaled(network, 1.5**k) for k in range(60))
        if forward_pass(net, pixels).probabilities[0].max() >= 0.999
    )
    assert forward_pass(saturated, pixels).probabilities[0].max() < 1.0
    sure = why_answer(saturated, pixels, "")
    assert "log-odds" in sure.panels[2].caption
    assert "100% sure" not in sure.headline + sure.panels[2].caption


def test_the_matrix_caption_names_the_biggest_mistake() -> None:
    confusion = np.array([[50, 2, 0], [9, 40, 1], [0, 0, 30]])
    text = captions.matrix_caption(confusion, (7, 8, 9))
    assert text.startswith("**Confusion matrix.**")
    assert "the biggest is a true 8 read as 7 (9 images)" in text
    confusion[0, 2] = 12
    assert "the biggest is a true 7 read as 9 (12 images)" in captions.matrix_caption(confusion, (7, 8, 9))
    assert "No mistakes at all" in captions.matrix_caption(np.diag([5, 5]), (0, 1))


def lightness(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_biggest_mistakes_are_the_darkest_cells() -> None:
    figure = confusion_figure(np.array([[50, 1, 9], [0, 40, 3], [2, 0, 30]]), (0, 1, 2))
    mistakes = next(trace for trace in figure.data if trace.name == "mistakes")
    assert not mistakes.reversescale and mistakes.zmin == 0 and mistakes.zmax == 9
    shades = [lightness(colour) for _, colour in MISTAKES_SCALE]
    assert shades == sorted(shades, reverse=True) and shades[0] > 0.75 and shades[-1] < 0.1


def nice_ticks(low: float, high: float, count: int) -> np.ndarray:
    """Ticks as Plotly places them: a step of 1, 2 or 5 × 10^k giving about `count` ticks."""
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = min(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return np.arange(math.ceil(low / step) * step, high + step / 2, step)


@pytest.mark.parametrize("accuracies", [[0.965, 0.982], [0.97, 0.9712, 0.972], [0.45, 0.98], [0.9, 0.91]])
def test_board_ticks_never_repeat(accuracies: list[float]) -> None:
    spec = percent_tick_format(accuracies)
    for count in (3, 5, 10):
        labels = [format(t, spec) for t in nice_ticks(min(accuracies), max(accuracies), count)]
        assert len(set(labels)) == len(labels), (spec, labels)
    entries = tuple(BoardEntry("784-10", "ReLU", "Glorot", 7850, 3, a, 1.0, f"n{i}") for i, a in enumerate(accuracies))
    assert class_scatter(entries).layout.yaxis.tickformat == spec


def test_pca_is_described_without_labels() -> None:
    text = TERMS["pca"].text
    assert "between digits" not in text and "never sees the labels" in text


def test_unknown_drawings_are_counted() -> None:
    assert captions.unknown_drawings(1) == "1 drawing shows a digit this model does not know; it is left out."
    assert captions.unknown_drawings(12) == "12 drawings show digits this model does not know; they are left out."
