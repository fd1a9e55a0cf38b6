"""How good is a model, really: accuracy, per-digit accuracy and the confusion matrix on labelled images.

One numpy forward pass over the images (10,000 MNIST test digits take ~30 ms for
784-128-64-10), then counting. A subset model (the lab's 7/8/9) is judged only on the
digits it knows; what it does with the others (it must force them into one of its
own) is counted separately in `others`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.lesson.wording import probability
from nnviz.model.forward import predict_probabilities
from nnviz.model.network import Network

GALLERY_SIZE = 48  # images a gallery shows at most: six rows of eight stay readable on a projector


@dataclass(frozen=True)
class Evaluation:
    """A model's answers on labelled images, and the counts built from them.

    digits: the model's digits (output neuron i stands for digits[i]).
    labels: (n,) true digit of each image, 0..9. predicted: (n,) the digit the model chose.
    confidence: (n,) the winning probability, 0..1.
    confusion: (k, k) int counts, row = true digit, column = predicted digit, over the
        images whose true digit the model knows (k = len(digits)).
    others: (10 - k, k) int counts for the digits the model does not know (rows in
        `other_digits` order): into which of its digits each was forced.
    """

    digits: tuple[int, ...]
    labels: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    confusion: np.ndarray
    others: np.ndarray

    @property
    def known(self) -> np.ndarray:
        """(n,) bool: the image's true digit is one the model can answer."""
        return np.isin(self.labels, self.digits)

    @property
    def other_digits(self) -> tuple[int, ...]:
        return tuple(d for d in range(10) if d not in self.digits)

    @property
    def total(self) -> int:
        """How many images the accuracy is over (those with a known digit)."""
        return int(self.confusion.sum())

    @property
    def correct(self) -> int:
        return int(np.trace(self.confusion))

    @property
    def accuracy(self) -> float:
        """Fraction right among the images of known digits (0.0 when there are none)."""
        return self.correct / self.total if self.total else 0.0

    @property
    def per_digit(self) -> np.ndarray:
        """(k,) accuracy for each known digit (NaN for a digit with no images)."""
        rows = self.confusion.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(rows > 0, np.diag(self.confusion) / np.maximum(rows, 1), np.nan)


def evaluate(network: Network, images: np.ndarray, labels: np.ndarray) -> Evaluation:
    """Run `network` on every image and count.

    images: (n, 784) float 0..1; labels: (n,) ints 0..9.
    """
    digits = tuple(network.digits)
    labels = np.asarray(labels, dtype=np.int64).ravel()
    probabilities = predict_probabilities(network, images)
    winners = probabilities.argmax(axis=1) if len(labels) else np.zeros(0, dtype=np.int64)
    predicted = np.asarray(digits, dtype=np.int64)[winners]
    confidence = probabilities[np.arange(len(labels)), winners].astype(np.float32)

    # Digit -> row/column position; -1 for digits the model does not know.
    position = np.full(10, -1, dtype=np.int64)
    position[list(digits)] = np.arange(len(digits))
    rows = position[labels]
    known = rows >= 0
    k = len(digits)
    confusion = np.bincount(rows[known] * k + winners[known], minlength=k * k).reshape(k, k)

    other_digits = [d for d in range(10) if d not in digits]
    other_row = np.full(10, -1, dtype=np.int64)
    other_row[other_digits] = np.arange(len(other_digits))
    unknown = ~known
    others = np.bincount(other_row[labels[unknown]] * k + winners[unknown], minlength=len(other_digits) * k).reshape(
        len(other_digits), k
    )
    return Evaluation(digits, labels, predicted, confidence, confusion, others)


def cell_examples(
    evaluation: Evaluation, true_digit: int, predicted_digit: int, limit: int = GALLERY_SIZE
) -> np.ndarray:
    """Indices of the images of `true_digit` answered `predicted_digit`, most confident first (at most `limit`)."""
    chosen = np.flatnonzero((evaluation.labels == true_digit) & (evaluation.predicted == predicted_digit))
    return _most_confident(evaluation, chosen, limit)


def cell_view(evaluation: Evaluation, cell: tuple[int, int] | None) -> tuple[np.ndarray, int] | None:
    """A clicked cell (true digit, said digit): (its most confident images, how many images it counts).

    None for no cell, or one of another model's matrix (a digit this model does not know).
    """
    if cell is None or not set(cell) <= set(evaluation.digits):
        return None
    true_digit, said = cell
    count = int(evaluation.confusion[evaluation.digits.index(true_digit), evaluation.digits.index(said)])
    return cell_examples(evaluation, true_digit, said), count


def confident_mistakes(evaluation: Evaluation, limit: int = GALLERY_SIZE) -> np.ndarray:
    """Indices of the wrong answers on known digits, the most confident first (at most `limit`)."""
    wrong = np.flatnonzero(evaluation.known & (evaluation.predicted != evaluation.labels))
    return _most_confident(evaluation, wrong, limit)


def _most_confident(evaluation: Evaluation, indices: np.ndarray, limit: int) -> np.ndarray:
    # A stable sort keeps equal confidences in test-set order, so a gallery never reshuffles.
    order = np.argsort(-evaluation.confidence[indices], kind="stable")
    return indices[order[:limit]]


def gallery_captions(evaluation: Evaluation, indices: np.ndarray, show_truth: bool) -> list[str]:
    """One caption per image `indices`: "4→9 · 97%" (true → said · how sure), or "9 · 97%" without the truth."""
    return [
        (f"{evaluation.labels[i]}→" if show_truth else "")
        + f"{evaluation.predicted[i]} · {probability(evaluation.confidence[i])}"
        for i in np.asarray(indices).tolist()
    ]


def others_table(evaluation: Evaluation) -> dict[str, list]:
    """For a subset model: per digit it does not know, how many test images it called each of its digits."""
    table: dict[str, list] = {"true digit": [str(d) for d in evaluation.other_digits]}
    for column, digit in enumerate(evaluation.digits):
        table[f"read as {digit}"] = evaluation.others[:, column].tolist()
    table["most often"] = [str(evaluation.digits[int(row.argmax())]) for row in evaluation.others]
    return table
