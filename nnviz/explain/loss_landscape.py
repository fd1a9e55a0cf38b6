"""The loss as a function of the weights: along one weight, and on a 2-D slice through all of them.

`WeightCurve`: the lab's picture, loss (y) against one weight's value (x), every
other weight held fixed. Moving one weight W_k[r, c] changes only neuron c of weight
layer k, so the batch's activations up to that layer are computed once and each of
the 41 values costs a rank-one update of the next layer plus the small layers above:
~10 ms instead of 41 full forward passes.

`loss_slice`: the loss on a plane through the weights, along two random directions,
each filter-normalised as in Li et al., "Visualizing the Loss Landscape of Neural
Nets" (NeurIPS 2018): every neuron's slice of the direction is scaled to the norm of
that neuron's incoming weights, so the plane's axes mean the same in every layer.

All losses are the training's (`nnviz.model.backprop`), on a fixed evaluation batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.model.backprop import (
    LossGradients,
    Params,
    as_batch,
    forward_cache,
    losses_from_logits,
    params_loss_and_gradients,
)
from nnviz.model.forward import ACTIVATION_FUNCTIONS
from nnviz.model.network import IMAGE_SIDE, Network, NetworkConfig

CURVE_POINTS = 41
SEARCH_POINTS = 13  # a coarse look for the valley before the 41-point curve
SLICE_POINTS = 21  # per axis: 441 losses
SLICE_RADIUS = 1.0  # the plane spans -1..1 times each (filter-normalised) direction
MIN_SPAN = 0.5  # the curve spans at least ±this around the current value
MAX_WIDENINGS = 6  # doubling the span this often finds the valley of any weight nnviz trains


@dataclass(frozen=True)
class WeightRef:
    """One weight: W[layer][row, column], the weight from neuron `row` of the layer below to neuron `column`.

    layer: 0-based weight layer (0 = from the pixels). For layer 0, row is the pixel
    r * 28 + c.
    """

    layer: int
    row: int
    column: int

    def describe(self, config: NetworkConfig) -> str:
        """In words, e.g. "the weight from pixel (row 12, column 15) to hidden neuron 7 of layer 1"."""
        names = config.layer_names
        if self.layer == 0:
            r, c = divmod(self.row, IMAGE_SIDE)
            source = f"pixel (row {r}, column {c})"
        else:
            source = f"neuron {self.row} of hidden layer {self.layer}"
        if names[self.layer + 1] == "output":
            target = f"the output neuron of digit {config.digits[self.column]}"
        else:
            target = f"neuron {self.column} of hidden layer {self.layer + 1}"
        return f"the weight from {source} to {target}"

    def short(self, config: NetworkConfig) -> str:
        """In a few characters for a table, e.g. "pixel (12, 15) → hidden 1 #7" or "hidden 2 #40 → digit 8"."""
        if self.layer == 0:
            source = "pixel ({}, {})".format(*divmod(self.row, IMAGE_SIDE))
        else:
            source = f"hidden {self.layer} #{self.row}"
        last = self.layer + 1 == len(config.layer_sizes) - 1
        target = f"digit {config.digits[self.column]}" if last else f"hidden {self.layer + 1} #{self.column}"
        return f"{source} → {target}"

    def fits(self, config: NetworkConfig) -> bool:
        sizes = config.layer_sizes
        return (
            0 <= self.layer < len(sizes) - 1
            and 0 <= self.row < sizes[self.layer]
            and 0 <= self.column < sizes[self.layer + 1]
        )


def weight_sentence(network: Network, ref: WeightRef) -> str:
    """The weight in words and its value in markdown: "The weight from … to …: **w = +0.123**"."""
    words = ref.describe(network.config)
    return f"{words[0].upper()}{words[1:]}: **w = {network.layers[ref.layer].weights[ref.row, ref.column]:+.3f}**"


def largest_gradient_weight(weight_gradients: Sequence[np.ndarray]) -> WeightRef:
    """The weight whose gradient is largest in size (over all layers)."""
    best = max(range(len(weight_gradients)), key=lambda k: float(np.abs(weight_gradients[k]).max()))
    row, column = np.unravel_index(int(np.abs(weight_gradients[best]).argmax()), weight_gradients[best].shape)
    return WeightRef(best, int(row), int(column))


class OneWeightLoss:
    """Loss on a batch as a function of one weight, all others fixed; built once, evaluated at many values.

    params: [(W, b), ...] float64; x: (n, 784); labels: (n,) output indices.
    """

    def __init__(self, params: Params, activation: str, x: np.ndarray, labels: np.ndarray, loss: str, ref: WeightRef):
        self.params, self.activation, self.loss, self.ref = params, activation, loss, ref
        self.hidden = ACTIVATION_FUNCTIONS[activation]
        cache = forward_cache(params, activation, as_batch(x))
        k = ref.layer
        w, b = params[k]
        self.last = k == len(params) - 1
        self.weight = float(w[ref.row, ref.column])
        column = cache.activations[k][:, ref.row]  # (n,) what the weight multiplies
        labels = np.asarray(labels, dtype=np.int64)
        self.n = len(labels)
        # An example whose input to this weight is 0 (a blank pixel, a silent ReLU) keeps its loss
        # whatever the weight: sum those once and recompute only the others.
        moving = column != 0
        self.fixed_sum = float(losses_from_logits(cache.logits[~moving], labels[~moving], loss).sum())
        self.labels = labels[moving]
        self.input_column = column[moving]
        z = cache.logits[moving] if self.last else cache.activations[k][moving] @ w + b
        self.z = z
        # Layer k's weighted sums with this weight's term taken out: z_c(v) = base + v * input.
        self.base = z[:, ref.column] - self.weight * self.input_column
        if not self.last:
            self.old_output = cache.activations[k + 1][moving, ref.column]
            self.next_z = cache.activations[k + 1][moving] @ params[k + 1][0] + params[k + 1][1]  # (m, n_next)

    def losses(self, values: np.ndarray) -> np.ndarray:
        """(len(values),) mean batch loss with the weight set to each value."""
        values = np.asarray(values, dtype=np.float64)
        if len(self.labels) == 0:
            return np.full(len(values), self.fixed_sum / max(self.n, 1))
        z_c = self.base[np.newaxis, :] + values[:, np.newaxis] * self.input_column[np.newaxis, :]  # (V, m)
        c = self.ref.column
        if self.last:
            logits = np.broadcast_to(self.z, (len(values), *self.z.shape)).copy()
            logits[:, :, c] = z_c
        else:
            change = self.hidden(z_c) - self.old_output[np.newaxis, :]  # (V, m): neuron c's new minus old output
            next_w = self.params[self.ref.layer + 1][0]
            z = self.next_z[np.newaxis] + change[:, :, np.newaxis] * next_w[c][np.newaxis, np.newaxis, :]
            logits = self._rest(z, self.ref.layer + 1)
        n_values, m, n_out = logits.shape
        labels = np.tile(self.labels, n_values)
        moving = losses_from_logits(logits.reshape(-1, n_out), labels, self.loss).reshape(n_values, m).sum(axis=1)
        return (moving + self.fixed_sum) / self.n

    def _rest(self, z: np.ndarray, k: int) -> np.ndarray:
        """Logits from layer k's weighted sums z (V, n, size_k) through the layers above."""
        for w, b in self.params[k + 1 :]:
            z = self.hidden(z) @ w + b
        return z


@dataclass(frozen=True)
class WeightCurve:
    """Loss against one weight's value. values, losses: (41,); current: the weight now; slope: dL/dw there.

    has_valley: the lowest point is inside the range (else the loss keeps falling one way, flattening out).
    """

    ref: WeightRef
    values: np.ndarray
    losses: np.ndarray
    current: float
    current_loss: float
    slope: float
    has_valley: bool

    @property
    def best_value(self) -> float:
        return float(self.values[int(self.losses.argmin())])


def _span_with_valley(curve: OneWeightLoss, centre: float, span: float) -> tuple[float, float] | None:
    """(low, high) around `centre` wide enough that the curve's lowest point is inside, not at an edge.

    None if there is no valley within reach: the loss keeps falling (usually flattening out) one way.
    """
    for _ in range(MAX_WIDENINGS):
        values = np.linspace(centre - span, centre + span, SEARCH_POINTS)
        lowest = int(curve.losses(values).argmin())
        if 0 < lowest < SEARCH_POINTS - 1:
            best = float(values[lowest])
            # Frame both the current value and the valley, with a margin.
            low, high = min(centre, best), max(centre, best)
            margin = max((high - low) * 0.6, span * 0.25)
            return low - margin, high + margin
        span *= 2
    return None


def weight_curve(
    params: Params,
    activation: str,
    x: np.ndarray,
    labels: np.ndarray,
    loss: str,
    ref: WeightRef,
    span: float | None = None,
    gradients: LossGradients | None = None,
) -> WeightCurve:
    """The loss on batch (x, labels) against weight `ref`, over a range that shows its valley.

    span: half-width of the range around the current value; None widens from
    max(3·|w|, MIN_SPAN) until the lowest point is inside the range.
    gradients: `params_loss_and_gradients` of the same batch if already computed (the slope comes from it).
    """
    curve = OneWeightLoss(params, activation, x, labels, loss, ref)
    current = curve.weight
    first_span = max(3 * abs(current), MIN_SPAN) if span is None else span
    valley = _span_with_valley(curve, current, first_span) if span is None else None
    low, high = valley if valley is not None else (current - first_span, current + first_span)
    values = np.linspace(low, high, CURVE_POINTS)
    losses = curve.losses(values)
    if gradients is None:
        gradients = params_loss_and_gradients(params, activation, x, labels, loss)
    return WeightCurve(
        ref=ref,
        values=values,
        losses=losses,
        current=current,
        current_loss=gradients.loss,
        slope=float(gradients.weights[ref.layer][ref.row, ref.column]),
        has_valley=bool(0 < int(np.argmin(losses)) < CURVE_POINTS - 1),
    )


# --- the 2-D slice through all the weights ------------------------------------------------------------------------


def filter_normalised_direction(params: Params, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """A random direction shaped like params; each neuron's incoming slice has that neuron's weight norm.

    Biases get no component (Li et al. 2018 leave them out too).
    """
    direction = []
    for w, b in params:
        d = rng.standard_normal(w.shape)
        d *= np.linalg.norm(w, axis=0, keepdims=True) / np.maximum(np.linalg.norm(d, axis=0, keepdims=True), 1e-12)
        direction.append((d, np.zeros_like(b)))
    return direction


@dataclass(frozen=True)
class LossSlice:
    """losses[i, j]: the loss at params + alphas[j]·d1 + betas[i]·d2 (rows = betas, as a heatmap draws them).

    path: (E, 2) each snapshot's offset from the centre projected onto (d1, d2), or None.
    """

    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray
    path: np.ndarray | None


def _flat(params: Params) -> np.ndarray:
    return np.concatenate([a.ravel() for pair in params for a in pair])


def loss_slice(
    params: Params,
    activation: str,
    x: np.ndarray,
    labels: np.ndarray,
    loss: str,
    seed: int = 0,
    path: Sequence[Params] = (),
) -> LossSlice:
    """The loss on the plane through params along two random filter-normalised directions.

    The first layer is linear in its weights, so x @ (W + a·D1 + b·D2) is three matrix
    products done once; each grid point then costs only the layers above.
    path: earlier weights (e.g. after each epoch) to project onto the plane.
    """
    rng = np.random.default_rng(seed)
    d1, d2 = filter_normalised_direction(params, rng), filter_normalised_direction(params, rng)
    x = as_batch(x)
    first = x @ params[0][0] + params[0][1], x @ d1[0][0], x @ d2[0][0]
    hidden = ACTIVATION_FUNCTIONS[activation]
    alphas = np.linspace(-SLICE_RADIUS, SLICE_RADIUS, SLICE_POINTS)
    betas = alphas.copy()
    losses = np.empty((len(betas), len(alphas)))
    for i, beta in enumerate(betas):
        for j, alpha in enumerate(alphas):
            z = first[0] + alpha * first[1] + beta * first[2]
            for (w, b), (dw1, _), (dw2, _) in zip(params[1:], d1[1:], d2[1:]):
                z = hidden(z) @ (w + alpha * dw1 + beta * dw2) + b
            losses[i, j] = losses_from_logits(z, labels, loss).mean()
    projected = None
    if path:
        basis = np.stack([_flat(d1), _flat(d2)], axis=1)  # (P, 2)
        centre = _flat(params)
        offsets = np.stack([_flat(p) - centre for p in path], axis=1)  # (P, E)
        projected = np.linalg.lstsq(basis, offsets, rcond=None)[0].T  # (E, 2)
    return LossSlice(alphas=alphas, betas=betas, losses=losses, path=projected)
