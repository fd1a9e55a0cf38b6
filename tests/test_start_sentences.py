"""The starting-weights story is read from the runs: plateaus, constant answers, what learned (contrary cases)."""

from __future__ import annotations

import numpy as np

from nnviz.model.network import NetworkConfig
from nnviz.training.experiment_results import StartingWeights, StartRun, plateau_end, what_happened

TEN_DIGITS = NetworkConfig()


def run(
    initializer: str,
    losses: list[float],
    accuracy: float = 0.87,
    answers: list[int] | None = None,
    truths: list[int] | None = None,
    moved: dict | None = None,
    status: str = "completed",
) -> StartRun:
    epochs = np.linspace(10 / len(losses), 10, len(losses))  # ten epochs, points evenly spread
    return StartRun(
        initializer,
        epochs,
        np.asarray(losses, float),
        status,
        accuracy,
        np.zeros((6, 28, 28)),
        np.zeros(10),
        None if answers is None else np.asarray(answers),
        None if truths is None else np.asarray(truths),
        moved,
    )


PLATEAU = [2.30] * 7 + [2.25, 1.9, 1.2, 0.8, 0.6, 0.5, 0.45, 0.42, 0.4, 0.39, 0.38, 0.37, 0.36]  # leaves at 4.5
STRAIGHT_DOWN = [2.2, 1.5, 1.0, 0.7, 0.5, 0.4, 0.35, 0.3, 0.28, 0.26] + [0.25] * 10  # leaves at 1.0
FLAT = [2.30] * 20


def test_the_plateau_is_measured_from_the_curve() -> None:
    assert plateau_end(run("small_random", PLATEAU)) == 4.5
    assert plateau_end(run("small_random", FLAT)) is None
    assert plateau_end(run("glorot", STRAIGHT_DOWN)) == 1.0


def test_a_plateau_then_slow_learning_is_told() -> None:
    text = what_happened(StartingWeights((run("small_random", PLATEAU, accuracy=0.873),)), TEN_DIGITS)
    assert text == (
        "Small random: stuck on a plateau for 4.5 epochs (the loss stayed near 2.30), then learns — slowly: "
        "87% right after 10 epochs."
    )


def test_no_plateau_no_story_and_a_flat_curve_is_not_called_learning() -> None:
    assert what_happened(StartingWeights((run("glorot", STRAIGHT_DOWN),)), TEN_DIGITS) == ""
    flat = what_happened(StartingWeights((run("small_random", FLAT, accuracy=0.2),)), TEN_DIGITS)
    assert "for all 10 epochs" in flat and "not started to learn" in flat and "then learns" not in flat
    blew_up = StartingWeights((run("too_large", FLAT, status="diverged"),))
    assert what_happened(blew_up, TEN_DIGITS) == ""


def test_a_constant_answer_is_explained_by_the_share_of_that_digit() -> None:
    truths = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    answers = [0, 10_000, 0, 0, 0, 0, 0, 0, 0, 0]
    moved = {"weights": 0.0, "output_bias": 0.31, "hidden_bias": 0.0}
    zeros = run("zeros", FLAT, accuracy=0.1135, answers=answers, truths=truths, moved=moved)
    text = what_happened(StartingWeights((zeros,)), TEN_DIGITS)
    assert text.startswith("All zeros: 11% right, because it answers 1 for 100% of the test digits, and 11% of them")
    assert "Only the output biases learned: with ReLU every hidden neuron starts at exactly 0" in text
    # Contrary: with sigmoid the weights move, so no zero-gradient claim, and another digit's share is named.
    answers_7 = [0] * 7 + [9_990, 10, 0]
    moved_sigmoid = {"weights": 0.02, "output_bias": 0.3, "hidden_bias": 0.01}
    sigmoid = run("zeros", FLAT, accuracy=0.1028, answers=answers_7, truths=truths, moved=moved_sigmoid)
    text = what_happened(StartingWeights((sigmoid,)), NetworkConfig(activation="sigmoid"))
    assert "answers 7 for 99.9% of the test digits" in text or "answers 7 for over 99%" in text
    assert "10% of them are 7s" in text and "Only the output biases" not in text


def test_a_varied_answerer_gets_no_constant_answer_story() -> None:
    truths = [1000] * 10
    varied = run("glorot", STRAIGHT_DOWN, answers=[1000] * 10, truths=truths, moved={"weights": 0.5})
    assert what_happened(StartingWeights((varied,)), TEN_DIGITS) == ""
