"""Where every neuron and edge of the node-link diagram goes, for one input: pure data, no plotting.

A 784-512-512-10 network has over 660,000 weights; drawing them all shows nothing.
So the diagram keeps what matters for *this* input:
- big hidden layers are sampled: only the `max_shown` most active neurons are drawn
  (and the figure says "showing 32 of 128");
- between two layers only the `edges_per_gap` strongest edges are kept, ranked by
  |w·x|, how much the source neuron's value x pushes the target through weight w.
  Edges with w·x = 0 (e.g. from blank pixels) carry no signal and are never kept.

The input layer is drawn as the 28×28 image itself: every pixel is an input neuron
and its edges start at the pixel's position in the image.

Coordinates live in a fixed box CANVAS_WIDTH × CANVAS_HEIGHT (data units); the
figure keeps x and y at the same scale, so the input image stays square.
Layer indices follow `NetworkConfig.layer_names`: 0 = input, 1 = hidden_1, ...,
last = output, the same indexing as `ForwardPass.activations`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.model.forward import ForwardPass
from nnviz.model.network import IMAGE_SIDE, Network

# Narrow enough that the diagram stays readable beside the 280 px canvas on a 1024 px projector with the
# sidebar open (about 340 px for the whole figure): its width in data units sets its pixels per unit there.
CANVAS_WIDTH = 14.0
CANVAS_HEIGHT = 10.0
IMAGE_BOX = (0.2, 3.2, 3.2, 6.2)  # x0, y0, x1, y1 of the input image
FIRST_COLUMN_X = 5.0  # first hidden layer (or the output when there is none)
OUTPUT_COLUMN_X = 11.8  # room is left on the right for the "7  92%" labels
NODE_MARGIN = 0.35  # free space above the top node and below the bottom one
MAX_NODE_SPACING = 1.0

DEFAULT_MAX_SHOWN = 32
DEFAULT_EDGES_PER_GAP = 50


@dataclass(frozen=True)
class LayerView:
    """The neurons of one layer that the diagram draws.

    index: layer index (0 = input). title: short label ("Input", "Hidden 1", "Output").
    size: neurons in the layer. shown: (m,) indices of the drawn neurons, ascending
    (all 784 pixels for the input). x, y: (m,) positions. values: (m,) their
    activations for this input (pixel values 0..1, hidden values, output probabilities).
    pre_activations: (m,) their weighted sums z (empty for the input).
    """

    index: int
    title: str
    size: int
    shown: np.ndarray
    x: np.ndarray
    y: np.ndarray
    values: np.ndarray
    pre_activations: np.ndarray

    @property
    def sampled(self) -> bool:
        return self.shown.size < self.size

    @property
    def caption(self) -> str:
        """ "showing 32 of 128" for a sampled layer, else "128 neurons" (or "784 pixels" for the input)."""
        if self.index == 0:
            return f"{self.size} pixels"
        if self.sampled:
            return f"showing {self.shown.size} of {self.size}"
        return f"{self.size} neuron" + ("" if self.size == 1 else "s")

    def position_of(self, neuron: int) -> int:
        """Index into shown/x/y of `neuron`, or -1 if it is not drawn."""
        hit = np.flatnonzero(self.shown == neuron)
        return int(hit[0]) if hit.size else -1


@dataclass(frozen=True)
class EdgeSet:
    """The kept edges from layer `target_layer - 1` into layer `target_layer`, strongest first.

    source, target: (k,) neuron indices in their layers. weight: (k,) w.
    source_value: (k,) x, the source neuron's value. contribution: (k,) w·x.
    x0, y0, x1, y1: (k,) segment end points.
    """

    target_layer: int
    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    source_value: np.ndarray
    contribution: np.ndarray
    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray

    @property
    def strongest(self) -> float:
        """Largest |w·x| in the set (0 if empty): edge widths are relative to it."""
        return float(np.abs(self.contribution).max()) if self.contribution.size else 0.0


@dataclass(frozen=True)
class DiagramLayout:
    """Everything the node-link figure draws for one input.

    layers: one LayerView per layer, input first. edges: one EdgeSet per gap
    (len(layers) - 1). image: (28, 28) input pixels 0..1. digits: the digit of each
    output neuron. winner: index of the most probable output neuron. activation:
    the hidden layers' function name.
    """

    layers: list[LayerView]
    edges: list[EdgeSet]
    image: np.ndarray
    digits: tuple[int, ...]
    winner: int
    activation: str

    @property
    def output(self) -> LayerView:
        return self.layers[-1]


def layer_title(index: int, n_layers: int) -> str:
    """Short column label: "Input", "Hidden 1", ..., "Output" (n_layers counts the input)."""
    if index == 0:
        return "Input"
    if index == n_layers - 1:
        return "Output"
    return f"Hidden {index}"


def pixel_positions() -> tuple[np.ndarray, np.ndarray]:
    """(784,) x and y of every pixel's centre inside IMAGE_BOX; row 0 is at the top."""
    x0, y0, x1, y1 = IMAGE_BOX
    step_x = (x1 - x0) / IMAGE_SIDE
    step_y = (y1 - y0) / IMAGE_SIDE
    rows, cols = np.divmod(np.arange(IMAGE_SIDE * IMAGE_SIDE), IMAGE_SIDE)
    return x0 + (cols + 0.5) * step_x, y1 - (rows + 0.5) * step_y


def column_positions(n_layers: int) -> np.ndarray:
    """x of every layer column (index 0 = the image's centre), evenly spaced up to the output."""
    xs = np.empty(n_layers)
    xs[0] = (IMAGE_BOX[0] + IMAGE_BOX[2]) / 2
    if n_layers == 2:
        xs[1] = OUTPUT_COLUMN_X
    else:
        xs[1:] = np.linspace(FIRST_COLUMN_X, OUTPUT_COLUMN_X, n_layers - 1)
    return xs


def node_heights(m: int) -> np.ndarray:
    """(m,) y of m nodes in a column, top to bottom, centred, at most MAX_NODE_SPACING apart."""
    if m == 1:
        return np.array([CANVAS_HEIGHT / 2])
    span = min(CANVAS_HEIGHT - 2 * NODE_MARGIN, (m - 1) * MAX_NODE_SPACING)
    return CANVAS_HEIGHT / 2 + span / 2 - np.arange(m) * (span / (m - 1))


def most_active(values: np.ndarray, count: int, keep: Sequence[int] = ()) -> np.ndarray:
    """Ascending indices of the `count` largest |values| (ties: lower index first).

    `keep` neurons (e.g. the one the student clicked) are always included, replacing
    the weakest picks. values: (n,) one layer's activations.
    """
    values = np.asarray(values)
    if count >= values.size:
        return np.arange(values.size)
    order = np.argsort(-np.abs(values), kind="stable")
    keep_set = [int(k) for k in dict.fromkeys(keep) if 0 <= int(k) < values.size][:count]
    picked = [int(i) for i in order[: count + len(keep_set)] if int(i) not in keep_set][: count - len(keep_set)]
    return np.sort(np.array(picked + keep_set, dtype=np.int64))


def top_edges(
    source_values: np.ndarray, weights: np.ndarray, sources: np.ndarray, targets: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """The k strongest edges between drawn neurons, ranked by |w·x|, strongest first.

    source_values: (n_in,) x. weights: (n_in, n_out) W. sources, targets: drawn neuron
    indices. Returns (source indices, target indices, number of candidate edges).
    Edges with w·x = 0 are dropped, so fewer than k may come back. Ties keep the
    lower (source, target) pair first, so the choice is deterministic.
    """
    contribution = source_values[sources, None] * weights[np.ix_(sources, targets)]
    strength = np.abs(contribution).ravel()
    nonzero = np.flatnonzero(strength > 0)
    if k == 0:
        nonzero = nonzero[:0]
    elif nonzero.size > k:
        # argpartition finds the k largest in O(n); the stable sort then orders just those.
        threshold = -np.partition(-strength[nonzero], k - 1)[k - 1]
        above = nonzero[strength[nonzero] > threshold]
        tied = nonzero[strength[nonzero] == threshold][: k - above.size]
        nonzero = np.concatenate([above, tied])
    chosen = nonzero[np.lexsort((nonzero, -strength[nonzero]))]
    rows, cols = np.divmod(chosen, targets.size)
    return sources[rows], targets[cols], int(strength.size)


def build_diagram(
    network: Network,
    forward: ForwardPass,
    max_shown: int = DEFAULT_MAX_SHOWN,
    edges_per_gap: int = DEFAULT_EDGES_PER_GAP,
    keep: Mapping[int, Sequence[int]] | None = None,
    sample: int = 0,
) -> DiagramLayout:
    """Lay out the diagram of `network` for one input of `forward`.

    forward: `forward_pass(network, x)`; `sample` picks the row if it holds several inputs.
    max_shown: hidden layers larger than this show only their most active neurons
    (the output layer is always shown in full). edges_per_gap: strongest edges kept
    between each pair of neighbouring layers. keep: {layer index: [neurons]} that must
    be drawn even if not among the most active (e.g. the clicked neuron).
    """
    if max_shown < 1 or edges_per_gap < 0:
        raise ValueError("max_shown must be at least 1 and edges_per_gap at least 0.")
    keep = keep or {}
    sizes = network.config.layer_sizes
    n_layers = len(sizes)
    columns = column_positions(n_layers)
    values = [np.asarray(a[sample], dtype=np.float64) for a in forward.activations]
    pre = [np.asarray(z[sample], dtype=np.float64) for z in forward.pre_activations]

    pixel_x, pixel_y = pixel_positions()
    layers = [
        LayerView(0, "Input", sizes[0], np.arange(sizes[0]), pixel_x, pixel_y, values[0], np.zeros(0)),
    ]
    for index in range(1, n_layers):
        is_output = index == n_layers - 1
        limit = sizes[index] if is_output else max_shown
        shown = most_active(values[index], limit, keep.get(index, ()))
        layers.append(
            LayerView(
                index=index,
                title=layer_title(index, n_layers),
                size=sizes[index],
                shown=shown,
                x=np.full(shown.size, columns[index]),
                y=node_heights(shown.size),
                values=values[index][shown],
                pre_activations=pre[index - 1][shown],
            )
        )

    edges = []
    for index in range(1, n_layers):
        source_layer, target_layer = layers[index - 1], layers[index]
        weights = network.layers[index - 1].weights
        src, dst, _ = top_edges(values[index - 1], weights, source_layer.shown, target_layer.shown, edges_per_gap)
        # Map neuron indices back to their slot in the drawn column to look up positions.
        src_slot = np.searchsorted(source_layer.shown, src)
        dst_slot = np.searchsorted(target_layer.shown, dst)
        w = weights[src, dst].astype(np.float64)
        x = values[index - 1][src]
        edges.append(
            EdgeSet(
                target_layer=index,
                source=src,
                target=dst,
                weight=w,
                source_value=x,
                contribution=w * x,
                x0=source_layer.x[src_slot],
                y0=source_layer.y[src_slot],
                x1=target_layer.x[dst_slot],
                y1=target_layer.y[dst_slot],
            )
        )

    return DiagramLayout(
        layers=layers,
        edges=edges,
        image=values[0].reshape(IMAGE_SIDE, IMAGE_SIDE),
        digits=network.digits,
        winner=int(values[-1].argmax()),
        activation=network.config.activation,
    )
