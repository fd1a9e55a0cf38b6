"""The glossary and the lesson's content: every term and step is complete, and every link lands on a real page."""

from __future__ import annotations

import re

import numpy as np
import pytest

from devkit.app_kit import APP_PATH
from nnviz.lesson.glossary import TERMS, explain
from nnviz.lesson.steps import STEP_COUNT, STEPS, check_answer, clamp_step, step_experiment
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass
from nnviz.session.address import PAGE_FILES, TABS, Address, Place, to_url
from nnviz.session.settings import PRESETS, SETTINGS_BY_LINK, Experiment, ViewConfig, from_query, to_query

NAVIGATION = set(re.findall(r'st\.Page\("([^"]+)"', open(APP_PATH, encoding="utf-8").read()))  # noqa: SIM115


def test_every_term_has_a_name_a_text_and_a_place_to_look() -> None:
    assert len(TERMS) >= 30
    for term in TERMS.values():
        assert term.name and term.look
        assert 40 <= len(term.text) <= 400, term.key  # a real explanation, short enough for a tooltip
        assert isinstance(term.place, Place)  # a page and tab nnviz has, or a ValueError


def test_every_term_and_step_opens_a_page_of_the_navigation() -> None:
    assert set(PAGE_FILES.values()) == NAVIGATION
    for place in [term.place for term in TERMS.values()] + [step.place for step in STEPS]:
        assert place.file in NAVIGATION, place


def test_terms_whose_look_names_a_tab_open_that_tab() -> None:
    named_some = 0
    for term in TERMS.values():
        named = [tab.slug for tab in TABS.get(term.page, ()) if tab.label in term.look]
        if named:
            named_some += 1
            assert term.place == Place(term.page, named[0]), term.key
    assert named_some >= 10


def test_the_lab_terms_are_all_there() -> None:
    needed = {
        "neuron", "layer", "input_layer", "hidden_layer", "output_layer", "weight", "bias", "activation",
        "feed_forward", "softmax", "loss", "epoch", "batch", "learning_rate", "gradient_descent",
        "initialization", "training_data", "test_data", "validation_data", "latent_features",
        "classification", "overfitting", "explainability",
    }  # fmt: skip
    assert needed <= set(TERMS)
    with pytest.raises(KeyError):
        explain("no such term")


def test_steps_follow_the_lab_and_are_short() -> None:
    titles = [step.title.lower() for step in STEPS]
    for word in ("neurons", "feed-forward", "weights and biases", "activation", "winner", "7/8/9", "test data"):
        assert any(word in title for title in titles), word
    for word in ("loss", "epochs", "gradient descent", "starting weights", "latent features", "explainability"):
        assert any(word in title for title in titles), word
    for step in STEPS:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", step.text) if s]
        assert 2 <= len(sentences) <= 4, step.title
        assert step.do and step.button
        assert all(term in TERMS for term in step.terms)


@pytest.mark.parametrize("number", range(1, STEP_COUNT + 1))
def test_every_step_opens_a_valid_experiment_that_a_link_carries(number: int) -> None:
    exp = step_experiment(number, ViewConfig(presenter=True)).validate()
    assert exp.view.lesson_step == number and exp.view.presenter  # the view is kept
    assert to_query(exp)["step"] == str(number) if number > 1 else "step" not in to_query(exp)
    assert from_query(to_query(exp)) == (exp, [])


def _by_hand(number: int) -> Experiment:
    """Step `number`'s experiment built independently: the defaults (or its preset), each setting set by its row."""
    step = STEPS[number - 1]
    exp = Experiment() if step.preset is None else PRESETS[step.preset].experiment
    for link, text in step.settings.items():
        exp = SETTINGS_BY_LINK[link].with_value(exp, SETTINGS_BY_LINK[link].parse(text))
    return exp


@pytest.mark.parametrize("number", range(1, STEP_COUNT + 1))
def test_each_step_is_the_defaults_and_its_preset_only_never_the_previous_steps(number: int) -> None:
    exp = step_experiment(number)
    expected = _by_hand(number)
    assert (exp.network, exp.training) == (expected.network, expected.training)
    # Walking the steps in order changes nothing: no step reads what the one before set.
    assert step_experiment(number, step_experiment(max(number - 1, 1)).view) == exp
    url = to_url(Address(STEPS[number - 1].place, exp))
    assert url.startswith(f"/{STEPS[number - 1].page}") and "preset" not in url


def test_steps_set_what_they_promise() -> None:
    by_title = {step.title: number for number, step in enumerate(STEPS, start=1)}
    lab = step_experiment(by_title["The 7/8/9 example"])
    assert lab.network.digits == (7, 8, 9)
    data = step_experiment(by_title["Training and test data"])
    assert data.network == Experiment().network and data.training.train_size == 1000  # compared with the default
    places = {step.title: step.place for step in STEPS}
    assert places["Loss"] == Place("train")  # the training loss curve is on Train
    assert places["Gradient descent"] == Place("learn", "step")  # where a learning rate can be set by hand
    assert places["Starting weights"] == Place("learn", "weights")
    assert places["Hidden layers as latent features"] == Place("network", "features")
    assert "feature" in STEPS[by_title["Hidden layers as latent features"] - 1].check.question


def test_step_numbers_from_a_link_are_clamped() -> None:
    assert clamp_step(0) == 1 and clamp_step(99) == STEP_COUNT and clamp_step(3) == 3


def test_check_answers_match_an_independent_computation() -> None:
    network = load_default_network()
    pixels = np.random.default_rng(0).random(784).astype(np.float32)
    # Hidden layer 1 by hand: ReLU(x W + b), without nnviz.model.forward.
    weights, bias = network.layers[0].weights, network.layers[0].bias
    hidden = np.maximum(pixels @ weights + bias, 0)
    checks = {step.title: step.check for step in STEPS if step.check is not None}
    answer = check_answer(checks["Layers and feed-forward"], network, pixels)
    assert f"Neuron {int(hidden.argmax())} of hidden layer 1" in answer
    off = check_answer(checks["Activation functions"], network, pixels)
    assert off.startswith(f"{int(np.count_nonzero(hidden == 0))} of the {hidden.size} neurons")
    bright = check_answer(checks["Neurons are numbers"], network, pixels)
    assert bright.startswith(f"{int((pixels > 0.5).sum())} of the 784")
    winner = int(forward_pass(network, pixels).probabilities[0].argmax())
    assert f"Output neuron {winner} wins" in check_answer(checks["The output layer and the winner"], network, pixels)
    assert check_answer(checks["Layers and feed-forward"], network, None) is None  # needs a drawing
    assert "10 output neurons" in check_answer(checks["The 7/8/9 example"], network, None)
    # The last hidden layer by hand: ReLU over both hidden layers, its three largest values named.
    last = np.maximum(hidden @ network.layers[1].weights + network.layers[1].bias, 0)
    features = check_answer(checks["Hidden layers as latent features"], network, pixels)
    top = np.argsort(-last)[:3]
    assert f"with {last.size} numbers" in features
    assert ", ".join(f"neuron {n} ({last[n]:.2f})" for n in top) in features
    assert f"{int(np.count_nonzero(last == 0))} of them are exactly 0" in features
