"""The glossary and the lesson's content: every term and step is complete, and every link lands on a real page."""

from __future__ import annotations

import re

import numpy as np
import pytest

from devkit.app_kit import APP_PATH
from devkit.data_dir import PROJECT_ROOT
from nnviz.lesson.glossary import TERMS, explain
from nnviz.lesson.steps import (
    FALLBACK_PAGE,
    PAGE_FILES,
    STEP_COUNT,
    STEPS,
    check_answer,
    clamp_step,
    page_file,
    step_experiment,
)
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass
from nnviz.session.settings import Experiment, ViewConfig, from_query, to_query

NAVIGATION = set(re.findall(r'st\.Page\("([^"]+)"', open(APP_PATH, encoding="utf-8").read()))  # noqa: SIM115


def test_every_term_has_a_name_a_text_and_a_place_to_look() -> None:
    assert len(TERMS) >= 30
    for term in TERMS.values():
        assert term.name and term.look
        assert 40 <= len(term.text) <= 400, term.key  # a real explanation, short enough for a tooltip
        assert term.page in PAGE_FILES


def test_every_term_and_step_opens_a_page_of_the_navigation() -> None:
    pages = {term.page for term in TERMS.values()} | {step.page for step in STEPS}
    for page in pages:
        # The page itself, or (while Learn/Test are being built elsewhere) its stand-in, is in app.py's menu.
        assert page_file(page, PROJECT_ROOT) in NAVIGATION or FALLBACK_PAGE.get(page) is not None, page
        assert page_file(page, PROJECT_ROOT) in NAVIGATION or PAGE_FILES[FALLBACK_PAGE[page]] in NAVIGATION


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
    base = Experiment(view=ViewConfig(presenter=True))
    exp = step_experiment(number, base).validate()
    assert exp.view.lesson_step == number and exp.view.presenter  # the view is kept
    assert to_query(exp)["step"] == str(number) if number > 1 else "step" not in to_query(exp)
    assert from_query(to_query(exp)) == (exp, [])


def test_steps_set_what_they_promise() -> None:
    by_title = {step.title: number for number, step in enumerate(STEPS, start=1)}
    lab = step_experiment(by_title["The 7/8/9 example"], Experiment())
    assert lab.network.digits == (7, 8, 9)
    descent = step_experiment(by_title["Gradient descent"], Experiment())
    assert descent.training.learning_rate == 3.0 and descent.training.optimizer == "sgd"
    assert step_experiment(by_title["Starting weights"], Experiment()).network.initializer == "zeros"


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
