"""The Learn page's numbers: one input's loss, a batch's accuracy and loss, one gradient step, experiment results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_network
from devkit.fake_run import FakeRun
from nnviz.explain.loss_reading import accuracy_and_loss_sentence, batch_reading, evaluation_batch, input_loss
from nnviz.model.backprop import loss_and_gradients
from nnviz.model.forward import forward_pass
from nnviz.model.gradient_step import SteppedModel, gradient_step, steepest_weights
from nnviz.training.events import ExperimentEvent, FinishedEvent
from nnviz.training.experiment_job import ExperimentJob
from nnviz.training.learn_experiments import METHODS, accuracy_by_method, data_size_sentence, mlp_epochs


def test_input_loss_is_minus_log_p_and_mse_of_the_forward_pass() -> None:
    network = random_network((16,), "sigmoid", digits=(7, 8, 9), seed=2)
    x = digit_like_input(3)
    reading = input_loss(network, x, 8)
    probabilities = forward_pass(network, x).probabilities[0]
    assert reading.true_index == 1
    assert reading.p_true == pytest.approx(float(probabilities[1]), rel=1e-5)
    assert reading.crossentropy == pytest.approx(-math.log(probabilities[1]), rel=1e-5)
    assert reading.mse == pytest.approx(float(((probabilities - [0, 1, 0]) ** 2).mean()), rel=1e-4)
    assert reading.predicted == (7, 8, 9)[int(probabilities.argmax())]
    with pytest.raises(ValueError, match="does not know the digit 3"):
        input_loss(network, x, 3)


def test_evaluation_batch_is_fixed_and_keeps_only_known_digits() -> None:
    y = np.array([7, 1, 9, 8, 2, 7])
    x = np.arange(6)[:, None] * np.ones((6, 784))
    images, labels = evaluation_batch(x, y, (7, 8, 9), size=3)
    np.testing.assert_array_equal(images[:, 0], [0, 2, 3])
    np.testing.assert_array_equal(labels, [0, 2, 1])


def test_batch_reading_and_its_sentence_use_the_real_numbers() -> None:
    network = random_network((8,), seed=1)
    x = np.stack([digit_like_input(s) for s in range(40)])
    labels = np.random.default_rng(0).integers(0, 10, 40)
    reading = batch_reading(network, x, labels)
    predicted = forward_pass(network, x).probabilities.argmax(axis=1)
    assert reading.accuracy == pytest.approx(float((predicted == labels).mean()))
    assert reading.mean_loss == pytest.approx(loss_and_gradients(network, x, labels, "crossentropy").loss)
    # The sentence's numbers, counted independently from the forward pass and each example's −log p.
    probabilities = forward_pass(network, x).probabilities
    minus_log_p = -np.log(probabilities[np.arange(40), labels].astype(np.float64))
    wrong = predicted != labels
    sentence = accuracy_and_loss_sentence(reading)
    assert sentence.startswith(f"{1 - wrong.mean():.1%} right, and the mean loss is {minus_log_p.mean():.3f}")
    assert f"the {int(wrong.sum()):,} wrong answers average a loss of {minus_log_p[wrong].mean():.2f} each" in sentence
    assert f"carry {minus_log_p[wrong].sum() / minus_log_p.sum():.0%} of the total" in sentence
    assert f"the right ones average {minus_log_p[~wrong].mean():.3f}" in sentence


def test_a_batch_with_no_wrong_answer_says_so_and_why_the_loss_is_not_zero() -> None:
    network = random_network((8,), seed=1)
    x = np.stack([digit_like_input(s) for s in range(20)])
    labels = forward_pass(network, x).probabilities.argmax(axis=1)  # the network's own answers: all right
    reading = batch_reading(network, x, labels)
    minus_log_p = -np.log(forward_pass(network, x).probabilities.max(axis=1).astype(np.float64))
    sentence = accuracy_and_loss_sentence(reading)
    assert sentence.startswith(f"All 20 answers are right, yet the mean loss is {minus_log_p.mean():.3f}, not 0")
    assert "wrong answers" not in sentence


def test_one_step_moves_every_weight_against_its_gradient_and_lowers_the_loss() -> None:
    network = random_network((16, 8), seed=4)
    x, label = digit_like_input(5)[None], np.array([3])
    gradients = loss_and_gradients(network, x, label, "crossentropy")
    after = gradient_step(network, gradients, 0.01, label="stepped")
    for layer, new, dw, db in zip(network.layers, after.layers, gradients.weights, gradients.biases):
        np.testing.assert_allclose(new.weights, layer.weights - 0.01 * dw, atol=1e-6)
        np.testing.assert_allclose(new.bias, layer.bias - 0.01 * db, atol=1e-6)
    assert loss_and_gradients(after, x, label, "crossentropy").loss < gradients.loss
    assert network.layers[0].weights is not after.layers[0].weights  # the original is untouched
    top = steepest_weights(network, gradients, 0.01, count=4)
    sizes = [abs(u.gradient) for u in top]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == pytest.approx(max(float(np.abs(g).max()) for g in gradients.weights))
    first = top[0]
    assert first.new_value == pytest.approx(first.value - 0.01 * first.gradient)
    assert first.value == pytest.approx(float(network.layers[first.ref.layer].weights[first.ref.row, first.ref.column]))


def test_an_overshoot_is_a_step_that_raised_the_loss() -> None:
    network = random_network((4,), seed=0)
    assert not SteppedModel("id", network).overshot
    assert not SteppedModel("id", network, ((2.0, 1.0),)).overshot
    assert SteppedModel("id", network, ((2.0, 1.0), (1.0, 1.5))).overshot


def test_mlp_epochs_give_small_sets_more_passes() -> None:
    assert mlp_epochs(100, 32) == 40
    assert mlp_epochs(20_000, 32) == 3
    assert 3 <= mlp_epochs(3_000, 32) <= 40


def size_results(accuracies: dict[str, list[float]], sizes=(100, 1_000, 20_000)) -> dict[str, dict]:
    return {
        f"{method}@{size}": {"method": method, "size": size, "accuracy": acc, "seconds": 1.0}
        for method, values in accuracies.items()
        for size, acc in zip(sizes, values)
    }


def test_data_size_sentence_reports_a_crossover_and_its_absence() -> None:
    net, logistic, knn = METHODS
    crossover = accuracy_by_method(
        size_results({net: [0.5, 0.8, 0.97], logistic: [0.7, 0.85, 0.9], knn: [0.6, 0.8, 0.95]})
    )
    assert crossover[net] == ([100, 1_000, 20_000], [0.5, 0.8, 0.97])
    text = data_size_sentence(crossover)
    assert "With 100 images the best is logistic regression (70%)" in text
    assert "with 20,000 it is neural network (97%)" in text and "caught up" in text
    never_behind = data_size_sentence(
        accuracy_by_method(size_results({net: [0.72, 0.88, 0.95], logistic: [0.7, 0.84, 0.9]}))
    )
    assert "never fell behind" in never_behind


def test_experiment_job_gathers_results_until_finished() -> None:
    job = ExperimentJob(
        FakeRun(
            [
                [ExperimentEvent("a", {"x": 1})],
                [ExperimentEvent("b", {"x": 2}), FinishedEvent("completed", 0, None, None, "ok")],
            ]
        ),
        parts=4,
    )
    job.update()
    assert job.running and job.progress == 0.25 and list(job.results) == ["a"]
    job.update()
    assert not job.running and job.succeeded and job.results["b"] == {"x": 2}
