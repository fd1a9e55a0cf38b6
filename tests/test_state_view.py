"""The view concern's transitions (nnviz/session/state/view.py): page switches, guesses, the followed neuron.

The followed neuron is checked against a brute-force oracle: the neuron with the largest |value|
found by a plain loop over the layer, for models of other shapes than the pick was made on.
"""

from __future__ import annotations

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.lesson.guess import Tally
from nnviz.model.forward import forward_pass
from nnviz.session.state import view as views
from nnviz.session.state.view import ViewState


def test_entering_another_page_is_noticed_once() -> None:
    view, switched = views.enter_page(ViewState(), "draw")
    assert switched and view.page == "draw"
    again, switched = views.enter_page(view, "draw")
    assert again is view and not switched
    assert views.enter_page(view, "network")[1]


def test_a_digit_guess_counts_once_and_belongs_to_its_drawing() -> None:
    view = views.guess_digit(ViewState(), generation=3, guess=7, said=9)
    assert view.tally == Tally(right=0, total=1)
    assert views.digit_guess_for(view, 3).guess == 7 and views.digit_guess_for(view, 4) is None
    view, just = views.take_just_guessed(view)
    assert just and not views.take_just_guessed(view)[1], "the page reruns in full once"
    view = views.guess_digit(view, generation=4, guess=2, said=2)
    assert view.tally == Tally(right=1, total=2)


def test_a_curve_guess_belongs_to_its_run_and_counts_once() -> None:
    run, other = object(), object()
    view = views.guess_curve(ViewState(), run, "fast")
    assert views.curve_guess_for(view, run) == "fast" and views.curve_guess_for(view, other) is None
    settled = views.settle_curve(view, run, "fast")
    assert settled.tally == Tally(1, 1)
    assert views.settle_curve(settled, run, "fast") is settled, "shown again: not counted again"
    assert views.settle_curve(view, other, "fast") is view, "another run had no guess"
    assert views.settle_curve(views.guess_curve(view, run, "slow"), run, "fast").tally == Tally(0, 1)
    assert views.guess_curve(view, run, None).curve_guess is None


NAMES = ("input", "hidden_1", "hidden_2", "output")


@pytest.mark.parametrize(
    ("layer", "neuron", "kept"),
    [(1, 5, ("hidden_1", 5)), (3, None, ("output", None)), (0, 3, None), (4, 1, None), (-1, 1, None)],
)
def test_following_keeps_the_layer_by_name(layer: int, neuron: int | None, kept) -> None:
    assert views.follow(ViewState(), NAMES, layer, neuron).followed == kept


def most_active_by_loop(values: np.ndarray) -> int:
    best = 0
    for index, value in enumerate(values):
        if abs(value) > abs(values[best]):
            best = index
    return best


@pytest.mark.parametrize(
    ("followed", "hidden", "expected_layer", "picked"),
    [
        (None, (12, 6), 1, None),
        (("hidden_2", 4), (12, 6), 2, 4),
        (("hidden_2", 40), (12, 6), 2, None),  # that neuron is gone: its layer's most active
        (("hidden_2", -1), (12, 6), 2, None),
        (("hidden_2", 4), (16,), 1, None),  # that layer is gone: hidden layer 1
        (("output", 9), (16,), 2, 9),
        (("output", None), (), 1, None),  # no hidden layer: the output
    ],
)
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_the_followed_neuron_falls_back_when_the_pick_does_not_fit(
    followed, hidden, expected_layer: int, picked: int | None, activation: str
) -> None:
    network = random_network(hidden, activation, seed=4)
    forward = forward_pass(network, digit_like_input())
    config = network.config
    view = ViewState(followed=followed)
    layer, neuron, automatic = views.followed_neuron(view, config.layer_names, config.layer_sizes, forward.activations)
    assert layer == expected_layer and automatic == (picked is None)
    expected = picked if picked is not None else most_active_by_loop(forward.activations[layer][0])
    assert neuron == expected
    without_input = views.followed_neuron(view, config.layer_names, config.layer_sizes, None)
    assert without_input == (expected_layer, 0 if picked is None else picked, picked is None)


def test_leaving_for_another_page_makes_the_next_page_an_arrival() -> None:
    view, _ = views.enter_page(ViewState(), "lesson")
    left = views.leave(view)
    assert left.page is None
    arrived, switched = views.enter_page(left, "lesson")  # even the same page: its tab comes from the link again
    assert switched and arrived.page == "lesson"
