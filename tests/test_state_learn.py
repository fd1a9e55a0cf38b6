"""The Learn page's state transitions, called directly: the true digit, the weight on show, the stepped copy."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from nnviz.explain.loss_landscape import WeightRef
from nnviz.model.backprop import loss_and_gradients
from nnviz.model.network import NetworkConfig
from nnviz.session.state import learn as learning
from nnviz.session.state.learn import STEP_TOO_BIG, LearnState
from nnviz.training.config import TrainingConfig

DIGITS = (7, 8, 9)
DRAWING = ("drawing", None)


def test_the_state_is_frozen_and_starts_empty() -> None:
    state = LearnState()
    assert (state.true_digit, state.picked, state.stepped, state.step_error) == (None, None, None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.true_digit = 3  # type: ignore[misc]


def test_a_test_digit_brings_its_label_and_a_drawing_starts_as_the_prediction() -> None:
    first = learning.label_input(LearnState(), ("test digit", 12), 8, DIGITS, predicted=9)
    assert first.true_digit == 8, "a test digit's own label"
    drawn = learning.label_input(first, DRAWING, None, DIGITS, predicted=7)
    assert drawn.true_digit == 8, "a drawing has no label: the last pick stays"
    fresh = learning.label_input(LearnState(), DRAWING, None, DIGITS, predicted=7)
    assert fresh.true_digit == 7, "nothing picked yet: the network's prediction"


def test_the_students_pick_survives_reruns_of_the_same_input() -> None:
    shown = learning.label_input(LearnState(), ("test digit", 12), 8, DIGITS, predicted=9)
    picked = learning.choose_digit(shown, 9)
    assert learning.label_input(picked, ("test digit", 12), 8, DIGITS, predicted=9).true_digit == 9
    assert learning.label_input(picked, ("test digit", 13), 7, DIGITS, predicted=9).true_digit == 7, "a new test digit"


def test_a_label_the_network_does_not_know_falls_back_to_the_prediction() -> None:
    state = learning.label_input(LearnState(), ("test digit", 3), 2, DIGITS, predicted=9)
    assert state.true_digit == 9
    old_pick = learning.choose_digit(LearnState(), 3)  # picked on a 0-9 model, now a 7/8/9 one
    assert learning.label_input(old_pick, DRAWING, None, DIGITS, predicted=8).true_digit == 8


def test_a_picked_weight_belongs_to_its_model() -> None:
    ref = WeightRef(1, 3, 4)
    state = learning.pick_weight(LearnState(), "model-a", ref)
    assert learning.picked_weight(state, "model-a") == ref
    assert learning.picked_weight(state, "model-b") is None
    config, steepest = NetworkConfig(), WeightRef(0, 0, 0)
    assert learning.weight_on_show(state, "model-a", config, steepest) == ref
    assert learning.weight_on_show(state, "model-b", config, steepest) == steepest
    too_far = learning.pick_weight(LearnState(), "model-a", WeightRef(1, 500, 4))  # layer 1 has 128 rows
    assert learning.weight_on_show(too_far, "model-a", config, steepest) == steepest
    assert learning.picked_weight(learning.pick_weight(state, "model-a", None), "model-a") is None


def test_the_number_fields_name_a_weight_and_a_new_layer_starts_at_its_first() -> None:
    assert learning.weight_from_fields(1, 5, 6, layer_changed=False) == WeightRef(1, 5, 6)
    assert learning.weight_from_fields(2, 100, 6, layer_changed=True) == WeightRef(2, 0, 0)


def test_a_diagram_edge_stays_marked_only_while_it_is_the_weight_on_show() -> None:
    ref = WeightRef(0, 400, 2)
    clicked = learning.pick_from_diagram(LearnState(), "model-a", ref)
    assert learning.picked_weight(clicked, "model-a") == ref
    assert learning.diagram_edge(clicked, "model-a") == ref
    assert learning.diagram_edge(clicked, "model-b") is None, "another model"
    other = learning.pick_weight(clicked, "model-a", WeightRef(0, 401, 2))
    assert learning.diagram_edge(other, "model-a") is None, "another weight picked on the Learn page"
    assert learning.diagram_edge(learning.pick_weight(clicked, "model-a", None), "model-a") is None


def test_steps_change_a_copy_and_each_records_the_loss_before_and_after() -> None:
    network = random_network((16,), digits=DIGITS, seed=3)
    x = digit_like_input(4)
    state = learning.stepping(LearnState(), "base", network)
    assert state.stepped.network is network and state.stepped.steps == ()
    assert learning.stepping(state, "base", random_network((8,), seed=1)) is state, "same model: same copy"
    once = learning.take_step(state, x, 1, "crossentropy", 0.01, "stepped")
    twice = learning.take_step(once, x, 1, "crossentropy", 0.01, "stepped")
    # Oracle: the step by hand, w − η·∂L/∂w with the backprop gradient, and the losses before and after it.
    by_hand = loss_and_gradients(network, x[None], np.array([1]), "crossentropy")
    np.testing.assert_allclose(
        once.stepped.network.layers[0].weights, network.layers[0].weights - 0.01 * by_hand.weights[0], atol=1e-6
    )
    after = loss_and_gradients(once.stepped.network, x[None], np.array([1]), "crossentropy").loss
    assert once.stepped.steps == ((pytest.approx(by_hand.loss), pytest.approx(after)),)
    assert len(twice.stepped.steps) == 2 and twice.stepped.steps[1][0] == pytest.approx(after)
    assert twice.stepped.version != once.stepped.version
    assert network.layers[0].weights is not once.stepped.network.layers[0].weights, "the original is untouched"
    assert learning.stepping(twice, "another model", network).stepped.steps == (), "a new session model starts over"


def test_a_step_that_makes_weights_infinite_is_not_taken() -> None:
    network = random_network((8,), seed=2)
    state = learning.stepping(LearnState(), "base", network)
    blown = learning.take_step(state, digit_like_input(1), 3, "crossentropy", 1e300, "stepped")
    assert blown.step_error == STEP_TOO_BIG
    assert blown.stepped == state.stepped, "no step taken"
    assert learning.error_shown(blown).step_error is None
    assert learning.take_step(LearnState(), digit_like_input(1), 3, "crossentropy", 0.01, "x") == LearnState()


def test_keep_hands_over_the_copy_and_start_over_drops_it() -> None:
    network = random_network((8,), seed=2)
    stepped = learning.take_step(
        learning.stepping(LearnState(), "base", network), digit_like_input(1), 3, "mse", 0.1, "stepped"
    )
    kept, model = learning.keep_stepped(stepped)
    assert model is stepped.stepped.network and kept.stepped is None
    assert learning.keep_stepped(kept) == (kept, None)
    assert learning.start_over(stepped).stepped is None


def test_the_loss_on_show_is_the_one_the_model_was_trained_with() -> None:
    assert learning.trained_loss(None) == "crossentropy", "the default model"
    assert learning.trained_loss((NetworkConfig(), TrainingConfig(loss="mse"))) == "mse"
    assert learning.trained_loss((NetworkConfig(), TrainingConfig(loss="crossentropy"))) == "crossentropy"
