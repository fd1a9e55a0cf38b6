"""How wrong the network is, in one number: the loss of one input, and of a batch beside its accuracy.

Numbers only (the page words them); the losses are the training's (`nnviz.model.backprop`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnviz.lesson.wording import percent
from nnviz.model.backprop import forward_cache, losses_from_logits, network_params
from nnviz.model.network import Network
from nnviz.training.data import digits_to_indices

EVALUATION_SIZE = 1_000  # the fixed batch of test digits every Learn-page number is measured on


@dataclass(frozen=True)
class InputLoss:
    """One input with its true digit.

    probabilities: (n_outputs,) the network's answer; true_index: the true digit's output
    index; p_true: its probability (0..1); crossentropy: −log p_true; mse: mean over the
    outputs of (p − one_hot)²; predicted: the digit the network picks.
    """

    probabilities: np.ndarray
    true_index: int
    p_true: float
    crossentropy: float
    mse: float
    predicted: int


def input_loss(network: Network, pixels: np.ndarray, true_digit: int) -> InputLoss:
    """The loss of pixels (784,) in 0..1 if its true digit is `true_digit` (one of network.digits)."""
    if true_digit not in network.digits:
        raise ValueError(f"This network does not know the digit {true_digit}.")
    index = network.digits.index(true_digit)
    cache = forward_cache(network_params(network), network.config.activation, pixels)
    labels = np.array([index])
    probabilities = cache.activations[-1][0]
    return InputLoss(
        probabilities=probabilities,
        true_index=index,
        p_true=float(probabilities[index]),
        crossentropy=float(losses_from_logits(cache.logits, labels, "crossentropy")[0]),
        mse=float(losses_from_logits(cache.logits, labels, "mse")[0]),
        predicted=int(network.digits[int(probabilities.argmax())]),
    )


def evaluation_batch(
    x_test: np.ndarray, y_test: np.ndarray, digits: tuple[int, ...], size: int = EVALUATION_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """The first `size` test digits the network knows: (x (size, 784), output indices (size,)). Fixed, not random."""
    indices = digits_to_indices(y_test, digits)
    keep = np.flatnonzero(indices >= 0)[:size]
    return x_test[keep], indices[keep].astype(np.int64)


@dataclass(frozen=True)
class BatchReading:
    """A batch's accuracy (0..1), mean loss, and the losses of its right and wrong answers.

    losses: (n,) per example; right: (n,) bool, the network's top answer was correct.
    """

    accuracy: float
    mean_loss: float
    losses: np.ndarray
    right: np.ndarray

    @property
    def mean_loss_right(self) -> float:
        return float(self.losses[self.right].mean()) if self.right.any() else float("nan")

    @property
    def mean_loss_wrong(self) -> float:
        return float(self.losses[~self.right].mean()) if (~self.right).any() else float("nan")

    @property
    def wrong_share_of_loss(self) -> float:
        """How much of the total loss the wrong answers carry (0..1)."""
        total = float(self.losses.sum())
        return float(self.losses[~self.right].sum()) / total if total > 0 else 0.0


def batch_reading(network: Network, x: np.ndarray, labels: np.ndarray, loss: str = "crossentropy") -> BatchReading:
    """Accuracy and loss of images x (n, 784) with output indices `labels` (n,)."""
    cache = forward_cache(network_params(network), network.config.activation, x)
    losses = losses_from_logits(cache.logits, labels, loss)
    right = cache.logits.argmax(axis=1) == np.asarray(labels)
    return BatchReading(accuracy=float(right.mean()), mean_loss=float(losses.mean()), losses=losses, right=right)


def accuracy_and_loss_sentence(reading: BatchReading) -> str:
    """One sentence, with the real numbers, on why accuracy and loss are related but not the same."""
    n = len(reading.losses)
    wrong = int((~reading.right).sum())
    if wrong == 0:
        return (
            f"All {n:,} answers are right, yet the mean loss is {reading.mean_loss:.3f}, not 0: "
            "the loss also counts how sure each right answer was."
        )
    return (
        f"{percent(reading.accuracy, 1)} right, and the mean loss is {reading.mean_loss:.3f}: "
        f"the {wrong:,} wrong answers average a loss of {reading.mean_loss_wrong:.2f} each and carry "
        f"{percent(reading.wrong_share_of_loss)} of the total, while the right ones average "
        f"{reading.mean_loss_right:.3f}, so the loss measures how sure, not just how often right."
    )


# A change is "within chance" when a fair coin deciding each changed answer's direction would give one at
# least this lopsided this often (a two-sided sign test on the answers that changed).
CHANCE_LEVEL = 0.05


@dataclass(frozen=True)
class StepEffect:
    """Test digits answered before and after steps on one drawing, the drawing itself left out.

    images: how many were compared; before, after: accuracy (0..1); worse, better: answers that went
    from right to wrong and from wrong to right; left_out: copies of the taught image removed (0 or 1).
    """

    images: int
    before: float
    after: float
    worse: int
    better: int
    left_out: int

    @property
    def chance(self) -> float:
        """Two-sided sign-test p-value: how often a coin would split the changed answers this unevenly."""
        changed = self.worse + self.better
        if changed == 0:
            return 1.0
        tail = sum(math.comb(changed, k) for k in range(min(self.worse, self.better) + 1)) / 2**changed
        return min(1.0, 2 * tail)


def step_effect(
    right_before: np.ndarray, right_after: np.ndarray, x: np.ndarray, taught: np.ndarray | None
) -> StepEffect:
    """Compare (n,) bool right-answers before and after on images x (n, 784), leaving out `taught` (784,).

    The taught image may be one of the test digits (a student can teach a test digit): measured on itself
    it would flatter the steps, so every copy of it is dropped.
    """
    keep = np.ones(len(x), dtype=bool)
    if taught is not None:
        keep = ~np.all(np.asarray(x) == np.asarray(taught, dtype=np.asarray(x).dtype).reshape(1, -1), axis=1)
    before, after = np.asarray(right_before)[keep], np.asarray(right_after)[keep]
    return StepEffect(
        images=int(keep.sum()),
        before=float(before.mean()) if before.size else math.nan,
        after=float(after.mean()) if after.size else math.nan,
        worse=int((before & ~after).sum()),
        better=int((~before & after).sum()),
        left_out=int((~keep).sum()),
    )


def step_effect_sentence(effect: StepEffect) -> str:
    """Accuracy before and after steps on one drawing, and whether the change is more than chance.

    With 1,000 images one digit is 0.1 %, so the one-decimal percentages show every change.
    """
    left_out = " (your drawing is one of them: left out)" if effect.left_out else ""
    numbers = f"**{percent(effect.before, 1)}** before, **{percent(effect.after, 1)}** after"
    worse = f"{effect.worse:,} answer{'' if effect.worse == 1 else 's'} went wrong"
    better = f"{effect.better:,} went right"
    if effect.worse == effect.better == 0:
        verdict = "No answer changed: your drawing did not change how it reads the other digits."
    elif effect.chance >= CHANCE_LEVEL:
        verdict = (
            f"{worse} and {better}: a difference this small happens by chance, so it does not show "
            "that teaching your drawing made it better or worse at other digits."
        )
    elif effect.after < effect.before:
        verdict = f"{worse} and only {better}: more than chance, so teaching your drawing made it worse at others."
    else:
        verdict = f"{worse} and {better}: more than chance, so it also got better at other digits."
    return f"Accuracy on {effect.images:,} test digits{left_out}: {numbers}. {verdict}"
