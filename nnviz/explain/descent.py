"""Gradient descent seen along one weight: the loss curve, and where training took that weight epoch by epoch.

`epoch_path` turns a trained model's saved epochs into parameters; `weight_story` draws
the one-weight loss curve with every other weight as it was after a chosen epoch, and
puts the weight's value after each epoch on that curve.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.explain.loss_landscape import OneWeightLoss, WeightCurve, WeightRef, largest_gradient_weight, weight_curve
from nnviz.model.backprop import Params, loss_and_gradients
from nnviz.model.network import Network
from nnviz.training.events import WeightArrays


@dataclass(frozen=True)
class EpochPath:
    """numbers: epoch numbers (0 = the start, when it is known); params: float64 [(W, b), ...] after each."""

    numbers: list[int]
    params: list[Params]

    def at(self, epoch: int) -> Params:
        return self.params[self.numbers.index(epoch)]


def epoch_path(snapshots: Sequence[WeightArrays] | None, start: WeightArrays | None) -> EpochPath | None:
    """The path of a model trained here: its weights before training (epoch 0, if known) and after each epoch.

    None without saved epochs (the default model, or a model loaded from a file).
    """
    if not snapshots:
        return None
    arrays = list(snapshots) if start is None else [start, *snapshots]
    first = 1 if start is None else 0
    params = [[(np.asarray(w, np.float64), np.asarray(b, np.float64)) for w, b in a] for a in arrays]
    return EpochPath(list(range(first, first + len(arrays))), params)


@dataclass(frozen=True)
class WeightStory:
    """curve: the loss against the weight; values, losses: the weight after each epoch and the curve's loss there."""

    curve: WeightCurve
    values: list[float]
    losses: list[float]


def weight_story(
    params: Params,
    activation: str,
    x: np.ndarray,
    labels: np.ndarray,
    loss: str,
    ref: WeightRef,
    path: EpochPath | None,
) -> WeightStory:
    """The loss on batch x (n, 784), labels (n,) against weight `ref`, the others as in `params`;
    with `path`, the weight's value after each epoch, placed on that same curve."""
    curve = weight_curve(params, activation, x, labels, loss, ref)
    if path is None:
        return WeightStory(curve, [], [])
    values = [float(p[ref.layer][0][ref.row, ref.column]) for p in path.params]
    losses = OneWeightLoss(params, activation, x, labels, loss, ref).losses(np.array(values)).tolist()
    return WeightStory(curve, values, losses)


def downhill_sentence(curve: WeightCurve, loss_name: str, images: int) -> str:
    """What the one-weight curve shows, with its real slope and the way gradient descent moves the weight."""
    if curve.slope == 0:
        way = "the slope is exactly 0 here, so gradient descent leaves this weight where it is"
    else:
        way = f"gradient descent moves the weight to be {'smaller' if curve.slope > 0 else 'larger'}, downhill"
    return (
        f"What am I looking at: the {loss_name.lower()} loss on {images:,} test digits if only this weight changed "
        f"(all others fixed). The dashed line's slope is the gradient, {curve.slope:+.4g}: {way}."
    )


def no_valley_sentence(curve: WeightCurve) -> str:
    """For a curve without a valley in reach: which way the loss keeps falling, read from the curve's ends."""
    way = "smaller" if curve.losses[0] < curve.losses[-1] else "larger"
    return (
        f"No valley in reach for this weight: the loss keeps falling, ever more slowly, as the weight gets {way}. "
        "Pick another weight to see a valley."
    )


def steepest_weight(network: Network, x: np.ndarray, labels: np.ndarray, loss: str) -> WeightRef:
    """The weight whose gradient on batch x (n, 784), labels (n,) is largest in size."""
    return largest_gradient_weight(loss_and_gradients(network, x, labels, loss).weights)
