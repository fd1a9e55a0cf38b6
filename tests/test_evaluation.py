"""Accuracy, per-digit accuracy and the confusion matrix against independent counts on real MNIST."""

from __future__ import annotations

import numpy as np
import pytest

from devkit.anatomy import random_network
from nnviz.explain.evaluation import cell_examples, confident_mistakes, evaluate
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass


@pytest.fixture(scope="module")
def default_evaluation(mnist):
    return evaluate(load_default_network(), mnist.x_test, mnist.y_test)


def test_the_matrix_counts_every_test_digit_once_and_its_diagonal_is_the_accuracy(mnist, default_evaluation) -> None:
    network = load_default_network()
    assert default_evaluation.confusion.sum() == 10_000 == len(mnist.y_test)
    # Independently: one image at a time through the plain forward pass.
    answers = np.array([forward_pass(network, x).probabilities[0].argmax() for x in mnist.x_test[:500]])
    assert np.array_equal(default_evaluation.predicted[:500], answers)
    batch_answers = forward_pass(network, mnist.x_test).probabilities.argmax(axis=1)
    independent = float(np.mean(batch_answers == mnist.y_test))
    assert np.trace(default_evaluation.confusion) / default_evaluation.confusion.sum() == pytest.approx(independent)
    assert default_evaluation.accuracy == pytest.approx(independent)
    assert default_evaluation.accuracy > 0.97  # the shipped model's floor on real MNIST
    # Every row holds that digit's test images; every cell is a brute-force count.
    for true_digit in range(10):
        assert default_evaluation.confusion[true_digit].sum() == np.sum(mnist.y_test == true_digit)
        for said in range(10):
            expected = np.sum((mnist.y_test == true_digit) & (batch_answers == said))
            assert default_evaluation.confusion[true_digit, said] == expected
    per_digit = [np.mean(batch_answers[mnist.y_test == d] == d) for d in range(10)]
    np.testing.assert_allclose(default_evaluation.per_digit, per_digit)


def test_galleries_hold_the_right_images_most_confident_first(mnist, default_evaluation) -> None:
    cell = cell_examples(default_evaluation, 4, 9)
    assert len(cell) == min(48, default_evaluation.confusion[4, 9])
    assert np.all(mnist.y_test[cell] == 4) and np.all(default_evaluation.predicted[cell] == 9)
    assert np.all(np.diff(default_evaluation.confidence[cell]) <= 0)
    right = cell_examples(default_evaluation, 7, 7)
    assert len(right) == 48 and np.all(default_evaluation.predicted[right] == 7)

    mistakes = confident_mistakes(default_evaluation, 20)
    assert len(mistakes) == 20
    assert np.all(default_evaluation.predicted[mistakes] != mnist.y_test[mistakes])
    wrong = default_evaluation.predicted != mnist.y_test
    # No mistake left out is more confident than the least confident one shown.
    assert default_evaluation.confidence[wrong].max() == default_evaluation.confidence[mistakes[0]]
    assert np.sort(default_evaluation.confidence[wrong])[-20] == pytest.approx(
        default_evaluation.confidence[mistakes[-1]]
    )


def test_a_subset_model_is_judged_on_its_digits_and_forces_the_others_into_them() -> None:
    network = random_network(hidden=(16,), digits=(7, 8, 9), seed=3)
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (300, 784)).astype(np.float32)
    labels = rng.integers(0, 10, 300)
    evaluation = evaluate(network, images, labels)
    answers = np.array([7, 8, 9])[forward_pass(network, images).probabilities.argmax(axis=1)]
    assert evaluation.confusion.shape == (3, 3) and evaluation.others.shape == (7, 3)
    known = np.isin(labels, (7, 8, 9))
    assert evaluation.total == known.sum()
    assert evaluation.accuracy == pytest.approx(np.mean(answers[known] == labels[known]))
    assert evaluation.other_digits == (0, 1, 2, 3, 4, 5, 6)
    for row, digit in enumerate(evaluation.other_digits):
        for column, said in enumerate((7, 8, 9)):
            assert evaluation.others[row, column] == np.sum((labels == digit) & (answers == said))
    assert evaluation.others.sum() + evaluation.confusion.sum() == 300
    assert np.all(np.isin(confident_mistakes(evaluation), np.flatnonzero(known)))


def test_no_images_give_zero_accuracy_not_an_error() -> None:
    evaluation = evaluate(random_network(hidden=(8,)), np.zeros((0, 784), np.float32), np.zeros(0, np.int64))
    assert evaluation.total == 0 and evaluation.accuracy == 0.0
    assert confident_mistakes(evaluation).size == 0
