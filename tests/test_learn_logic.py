"""The Learn page's numbers: one input's loss, a batch's accuracy and loss, one gradient step, experiment results."""

from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_arrays, random_network
from devkit.fake_run import FakeRun
from nnviz.explain.descent import downhill_sentence, epoch_path, no_valley_sentence, weight_story
from nnviz.explain.loss_landscape import WeightRef, weight_curve
from nnviz.explain.loss_reading import (
    StepEffect,
    accuracy_and_loss_sentence,
    batch_reading,
    evaluation_batch,
    input_loss,
    step_effect,
    step_effect_sentence,
)
from nnviz.lesson import learn_words
from nnviz.lesson.learn_words import overshoot
from nnviz.model.backprop import loss_and_gradients, network_params
from nnviz.model.forward import forward_pass
from nnviz.model.gradient_step import SteppedModel, gradient_step, steepest_weights, update_table
from nnviz.model.network import Network, NetworkConfig
from nnviz.training.events import ExperimentEvent, FinishedEvent
from nnviz.training.experiment_job import ExperimentJob, ExperimentRegistry
from nnviz.training.experiment_results import read_starting_weights, share_text, zero_tiles_sentence
from nnviz.training.learn_experiments import (
    METHODS,
    STARTING_TRAINING,
    accuracy_by_method,
    accuracy_spread,
    data_size_sentence,
    mlp_epochs,
)


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
    results = size_results({net: [0.5, 0.8, 0.97], logistic: [0.7, 0.85, 0.9], knn: [0.6, 0.8, 0.95]})
    assert accuracy_by_method(results)[net] == ([100, 1_000, 20_000], [0.5, 0.8, 0.97])
    text = data_size_sentence(results)
    assert "With 100 images the highest average is logistic regression's (70%)" in text
    assert "with 20,000 it is neural network's (97%)" in text
    assert "gained +47 percentage points from 100 to 20,000 images" in text
    assert "it was behind at 100 and 1,000; ahead at 20,000: it started behind and caught up, as the lab says" in text
    never_behind = data_size_sentence(size_results({net: [0.72, 0.88, 0.95], logistic: [0.7, 0.84, 0.9]}))
    assert "ahead at 100, 1,000 and 20,000: with 100 images it was not behind" in never_behind


def subset_results(accuracies: dict[str, list[list[float]]], sizes=(100, 300, 21_911)) -> dict[str, dict]:
    """Results of several random subsets per size: accuracies[method][size index] = one value per subset."""
    return {
        f"{method}@{size}#{k}": {
            "method": method,
            "size": size,
            "subset": k,
            "accuracy": acc,
            "seconds": 1.0,
            "available": 24_345,
        }
        for method, per_size in accuracies.items()
        for size, values in zip(sizes, per_size)
        for k, acc in enumerate(values)
    }


def test_one_lucky_subset_does_not_make_a_lead() -> None:
    net, logistic, _ = METHODS
    # At 100 images the network's subsets overlap logistic regression's: level, not ahead.
    network_runs = [[0.74, 0.66, 0.70], [0.86, 0.85, 0.87], [0.97]]
    results = subset_results({net: network_runs, logistic: [[0.69, 0.71, 0.68], [0.80, 0.82, 0.81], [0.91]]})
    spread = accuracy_spread(results)
    assert spread[net] == ([100, 300, 21_911], [0.66, 0.85, 0.97], [0.74, 0.87, 0.97])
    text = data_size_sentence(results)
    assert "(70% over 3 random subsets)" in text
    assert "it was level at 100; ahead at 300 and 21,911 (one set of 21,911 images only: no spread)" in text
    assert "never fell behind" not in text
    assert text.endswith(
        "The largest size, 21,911 images, is all there is: the offline folder holds 24,345 of MNIST's 60,000 "
        "training images, and 2,434 are kept aside for validation."
    )
    # Contrary: the network's subsets all beat logistic regression's at 100 too.
    results[f"{net}@100#1"]["accuracy"] = results[f"{net}@100#2"]["accuracy"] = 0.73
    assert "it was ahead at 100, 300 and 21,911" in data_size_sentence(results)


def test_a_gain_of_one_point_is_singular() -> None:
    net, logistic, _ = METHODS
    text = data_size_sentence(size_results({net: [0.90, 0.905, 0.91], logistic: [0.95, 0.95, 0.95]}))
    assert "gained +1 percentage point from" in text
    assert "it was behind at 100, 1,000 and 20,000." in text


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


# --- the experiment registry: one job per experiment and network, for the whole server -------------------------------


def finished_run(status: str, results: dict[str, dict] | None = None) -> FakeRun:
    events = [ExperimentEvent(part, result) for part, result in (results or {}).items()]
    return FakeRun([[*events, FinishedEvent(status, 0, None, None, status)]])


def test_the_registry_starts_an_experiment_once_and_replaces_only_a_failed_one() -> None:
    registry, submitted = ExperimentRegistry(), []

    def submit(status: str):
        def start() -> FakeRun:
            submitted.append(status)
            return finished_run(status, {"a": {"x": 1}})

        return start

    assert registry.job("exp", "config") is None
    first = registry.start("exp", "config", 1, submit("completed"))
    assert registry.start("exp", "config", 1, submit("completed")) is first, "running: the same job"
    assert registry.job("exp", "config").succeeded, "job() folds the worker's news in"
    assert registry.start("exp", "config", 1, submit("completed")) is first, "succeeded: kept for the class"
    other = registry.start("exp", "other config", 1, submit("failed"))
    assert other is not first and registry.job("exp", "other config").finished.status == "failed"
    again = registry.start("exp", "other config", 1, submit("completed"))
    assert again is not other, "a failed run is tried again"
    assert submitted == ["completed", "failed", "completed"]


# --- the starting-weights results, typed -------------------------------------------------------------------------


def starting_result(name: str, status: str = "completed", accuracy: float = 0.9, spread: float = 1.0) -> dict:
    tiles = np.zeros((6, 28, 28), np.float32)
    tiles[1:] += np.float32(spread)
    return {
        "initializer": name,
        "epochs": [0.5, 1.0],
        "losses": [2.3, 0.4],
        "status": status,
        "accuracy": accuracy,
        "message": "",
        "tiles_start": tiles,
        "tiles_end": tiles,
        "activations_start": np.full(10, len(name), np.float32),
    }


def test_starting_weights_are_read_into_typed_runs_with_honest_legends() -> None:
    results = {
        "zeros": starting_result("zeros", accuracy=0.113, spread=0.0),
        "glorot": starting_result("glorot", accuracy=0.9971),
        "too_large": starting_result("too_large", status="diverged", accuracy=math.nan),
        "he": starting_result("he", status="stopped"),
    }
    reading = read_starting_weights(results)
    assert [run.initializer for run in reading.runs] == ["zeros", "glorot", "too_large", "he"]
    assert list(reading.curves()) == [
        "All zeros: 11% right",
        "Glorot: over 99% right",  # 99.71 % is not 100 %
        "Too large: blew up",
        "He: did not finish",
    ]
    np.testing.assert_array_equal(reading.curves()["All zeros: 11% right"][1], [2.3, 0.4])
    rows = reading.tile_rows()
    assert len(rows) == 2 and rows[0] is reading.run("zeros").tiles_end
    assert list(reading.start_activations()) == ["Glorot", "Too large"]
    np.testing.assert_array_equal(reading.start_activations()["Too large"], np.full(10, 9))
    assert read_starting_weights({"glorot": results["glorot"]}).tile_rows() == [], "no zeros run: no tile rows"


def test_share_text_never_rounds_into_none_or_all() -> None:
    assert [share_text(s) for s in (0.0, 0.004, 0.5, 0.994, 0.996, 1.0)] == [
        "0%", "under 1%", "50%", "99%", "over 99%", "100%",
    ]  # fmt: skip


def test_the_zero_tiles_sentence_follows_the_tiles() -> None:
    same = np.zeros((6, 28, 28), np.float32)
    differ = same.copy()
    differ[2, 5, 5] = 0.25
    assert "all the same (largest difference 0)" in zero_tiles_sentence([same])
    assert "Bottom row" not in zero_tiles_sentence([same])
    contrary = zero_tiles_sentence([differ, differ])
    assert "all the same" not in contrary and "differ by up to 0.25" in contrary
    assert "Glorot's neurons, each different" in contrary
    assert "each different" not in zero_tiles_sentence([same, same])


# --- gradient descent along one weight ---------------------------------------------------------------------------


def test_the_epoch_path_starts_at_epoch_0_when_the_start_is_known() -> None:
    config = random_network((4,), seed=0).config
    snapshots = [random_arrays(config, seed=s) for s in (1, 2)]
    start = random_arrays(config, seed=0)
    assert epoch_path(None, start) is None and epoch_path([], start) is None
    path = epoch_path(snapshots, start)
    assert path.numbers == [0, 1, 2]
    np.testing.assert_array_equal(path.at(0)[0][0], start[0][0])
    assert path.at(2)[1][1].dtype == np.float64
    assert epoch_path(snapshots, None).numbers == [1, 2]


def test_the_epoch_dots_sit_on_the_curve_at_the_loss_of_the_network_with_that_weight() -> None:
    network = random_network((6,), seed=5)
    config = network.config
    path = epoch_path([random_arrays(config, seed=s) for s in (1, 2, 3)], random_arrays(config, seed=0))
    x = np.stack([digit_like_input(s) for s in range(12)])
    labels = np.arange(12) % 10
    ref = WeightRef(1, 2, 3)
    story = weight_story(path.at(3), config.activation, x, labels, "crossentropy", ref, path)
    for epoch, value, loss in zip(path.numbers, story.values, story.losses):
        assert value == pytest.approx(float(path.at(epoch)[1][0][2, 3]))
        # Brute force: the epoch-3 network with only this weight set to its value after `epoch`.
        arrays = [(w.copy(), b.copy()) for w, b in path.at(3)]
        arrays[1][0][2, 3] = value
        brute = loss_and_gradients(Network.from_arrays(config, arrays), x, labels, "crossentropy").loss
        assert loss == pytest.approx(brute, rel=1e-5)
    assert weight_story(path.at(3), config.activation, x, labels, "crossentropy", ref, None).values == []


def test_the_downhill_sentences_follow_the_slope_and_the_curve() -> None:
    network = random_network((6,), seed=5)
    x = np.stack([digit_like_input(s) for s in range(12)])
    curve = weight_curve(network_params(network), "relu", x, np.arange(12) % 10, "crossentropy", WeightRef(1, 0, 0))
    up, down, flat = (dataclasses.replace(curve, slope=s) for s in (0.25, -0.25, 0.0))
    assert "slope is the gradient, +0.25: gradient descent moves the weight to be smaller" in downhill_sentence(
        up, "Cross-entropy", 1000
    )
    assert "to be larger, downhill" in downhill_sentence(down, "Cross-entropy", 1000)
    assert "exactly 0 here, so gradient descent leaves this weight" in downhill_sentence(flat, "Cross-entropy", 1000)
    assert "cross-entropy loss on 1,000 test digits" in downhill_sentence(up, "Cross-entropy", 1000)
    falling_left = dataclasses.replace(curve, losses=np.linspace(1.0, 2.0, 41))
    assert "as the weight gets smaller" in no_valley_sentence(falling_left)
    assert "as the weight gets larger" in no_valley_sentence(dataclasses.replace(curve, losses=np.linspace(2, 1, 41)))


# --- one step: its table and its words ---------------------------------------------------------------------------


def test_the_update_table_lists_the_steepest_weights_and_their_step() -> None:
    network = random_network((8,), seed=4)
    gradients = loss_and_gradients(network, digit_like_input(2)[None], np.array([3]), "crossentropy")
    updates = steepest_weights(network, gradients, 0.5, count=3)
    table = update_table(updates, network.config)
    assert table["weight"] == [u.ref.short(network.config) for u in updates]
    for k, u in enumerate(updates):
        w = float(network.layers[u.ref.layer].weights[u.ref.row, u.ref.column])
        g = float(gradients.weights[u.ref.layer][u.ref.row, u.ref.column])
        assert (table["w now"][k], table["∂L/∂w"][k]) == (round(w, 4), round(g, 4))
        assert table["w − η·∂L/∂w"][k] == pytest.approx(round(w - 0.5 * g, 4), abs=1e-4)


def test_the_step_sentences_follow_the_numbers() -> None:
    x = np.random.default_rng(0).random((1000, 784)).astype(np.float32)
    before = np.arange(1000) < 977  # 97.7 % right
    one_worse = before.copy()
    one_worse[0] = False
    text = step_effect_sentence(step_effect(before, one_worse, x, None))
    assert "**97.7%** before, **97.6%** after" in text and "1 answer went wrong and 0 went right" in text
    assert "happens by chance" in text and "worse at others" not in text
    many_worse = before.copy()
    many_worse[:30] = False
    assert step_effect_sentence(step_effect(before, many_worse, x, None)).endswith("made it worse at others.")
    assert step_effect_sentence(step_effect(before, before, x, None)).startswith("Accuracy on 1,000 test digits:")
    assert "No answer changed" in step_effect_sentence(step_effect(before, before, x, None))
    taught = step_effect(before, one_worse, x, x[0])  # the taught image is test digit 0: it is left out
    assert (taught.images, taught.left_out, taught.worse) == (999, 1, 0)
    assert "your drawing is one of them: left out" in step_effect_sentence(taught)
    network = random_network((4,), seed=0)
    assert overshoot(SteppedModel("id", network, ((2.0, 1.0),))) is None
    warning = overshoot(SteppedModel("id", network, ((2.0, 1.0), (1.0, 1.5))))
    assert warning.startswith("Overshoot! The last step raised the loss from 1 to 1.5")


def test_the_learn_captions_say_what_the_numbers_are() -> None:
    assert "white line" in learn_words.loss_slice(has_path=True)
    assert "white line" not in learn_words.loss_slice(has_path=False)
    text = learn_words.starting_curves(NetworkConfig(hidden_sizes=(16,)), STARTING_TRAINING)
    assert NetworkConfig(hidden_sizes=(16,)).describe() in text
    assert f"{STARTING_TRAINING.train_size:,} images, {STARTING_TRAINING.epochs} epochs" in text
    assert "(η = 0.002)" in learn_words.step_table(0.002)
    assert "into neuron 5 of hidden layer 1" in learn_words.pixel_picker(5, "Hidden layer 1")


def test_a_class_pressing_the_button_at_once_starts_one_run() -> None:
    registry, submitted, barrier = ExperimentRegistry(), [], threading.Barrier(8)

    def submit() -> FakeRun:
        submitted.append(1)
        return FakeRun([])

    def press() -> None:
        barrier.wait()
        registry.start("exp", "config", 3, submit)

    students = [threading.Thread(target=press) for _ in range(8)]
    for student in students:
        student.start()
    for student in students:
        student.join()
    assert submitted == [1] and registry.job("exp", "config").running


@pytest.mark.parametrize(("worse", "better"), [(1, 0), (5, 1), (12, 2), (3, 3), (0, 9), (40, 25)])
def test_within_chance_is_a_sign_test(worse: int, better: int) -> None:
    from scipy.stats import binomtest

    effect = StepEffect(1000, 0.9, 0.9, worse, better, 0)
    assert effect.chance == pytest.approx(binomtest(worse, worse + better, 0.5).pvalue, rel=1e-9)
