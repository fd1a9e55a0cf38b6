"""Inside one neuron: its weighted sum z = Σ wᵢxᵢ + bias with the real numbers, and f(z).

`neuron_breakdown` lists the largest terms w·x, sums the rest, adds the bias and
reports z and f(z) exactly as the forward pass computed them, so what the student
reads adds up to what the network did (checked in the tests to 1e-5).

Output neurons use softmax, which looks at all outputs together: a neuron's
probability depends on every other output's z too. `activation_curve` therefore
draws, for an output neuron, how its probability would change with its own z while
the other outputs stay as they are (a sigmoid-shaped curve through the real point).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.lesson.wording import probability
from nnviz.model.forward import ACTIVATION_FUNCTIONS, ForwardPass
from nnviz.model.network import ACTIVATION_LABELS, IMAGE_SIDE, Network, NetworkConfig

DEFAULT_TERMS = 8
FUNCTION_LABELS = {**ACTIVATION_LABELS, "softmax": "Softmax"}


@dataclass(frozen=True)
class Term:
    """One input's share of the weighted sum.

    source: index of the input neuron in the previous layer (a pixel 0..783 for the first layer).
    label: how to name it ("pixel (row 5, col 14)", "hidden 1 · neuron 17").
    x: the source's value; w: the weight; contribution: w·x.
    """

    source: int
    label: str
    x: float
    w: float
    contribution: float


@dataclass(frozen=True)
class NeuronBreakdown:
    """The weighted sum of neuron `neuron` in layer `layer_index` (1 = first hidden layer).

    terms: the largest |w·x| first. rest: the sum of the other n_rest contributions.
    bias: the neuron's bias. z: its weighted sum as the forward pass computed it
    (terms + rest + bias). value: what it passes on, f(z) (a probability for an
    output neuron). function: "relu", "sigmoid", "tanh" or "softmax".
    digit: for an output neuron, the digit it stands for, else None.
    other_logsumexp: for an output neuron, log Σ exp(z) over the *other* outputs, which
    softmax combines with z (probability = sigmoid(z - other_logsumexp)); else None.
    """

    layer_index: int
    neuron: int
    title: str
    terms: tuple[Term, ...]
    rest: float
    n_rest: int
    bias: float
    z: float
    value: float
    function: str
    digit: int | None = None
    other_logsumexp: float | None = None

    @property
    def is_output(self) -> bool:
        return self.function == "softmax"

    @property
    def n_inputs(self) -> int:
        return len(self.terms) + self.n_rest

    @property
    def total(self) -> float:
        """terms + rest + bias: equals z up to float32 rounding of the forward pass."""
        return float(sum(t.contribution for t in self.terms) + self.rest + self.bias)

    @property
    def function_label(self) -> str:
        return FUNCTION_LABELS[self.function]

    def explanation(self) -> str:
        """One plain sentence on what happens to z, e.g. for the panel's caption."""
        if self.is_output:
            return (
                f"Softmax looks at all outputs together: z = {self.z:.2f} becomes a probability of "
                f"{probability(self.value, 1)} for digit {self.digit}, compared with the other outputs' z."
            )
        return f"{self.function_label}({self.z:.2f}) = {self.value:.2f}: this value is passed on to the next layer."


def neuron_name(config: NetworkConfig, layer_index: int, neuron: int) -> str:
    """What the pages call a neuron: "hidden layer 2, neuron 17" or "output neuron 7 (digit 7)".

    layer_index: 1 = the first hidden layer, len(config.layer_sizes) - 1 = the output layer.
    """
    if layer_index == len(config.layer_sizes) - 1:
        return f"output neuron {neuron} (digit {config.digits[neuron]})"
    return f"hidden layer {layer_index}, neuron {neuron}"


def source_label(layer_index: int, source: int) -> str:
    """Name of input `source` of a neuron in layer `layer_index` (its source layer is layer_index - 1)."""
    if layer_index == 1:
        row, col = divmod(source, IMAGE_SIDE)
        return f"pixel (row {row}, col {col})"
    return f"hidden {layer_index - 1} · neuron {source}"


def neuron_breakdown(
    network: Network, forward: ForwardPass, layer_index: int, neuron: int, n_terms: int = DEFAULT_TERMS, sample: int = 0
) -> NeuronBreakdown:
    """The weighted sum of one neuron for one input, with the real numbers.

    layer_index: 1..number of weight layers (1 = first hidden layer, last = output).
    neuron: index within that layer. forward: `forward_pass(network, x)`; `sample`
    picks the row. n_terms: how many of the largest |w·x| terms to list.
    Raises ValueError with a plain message for an index out of range.
    """
    n_weight_layers = len(network.layers)
    if not 1 <= layer_index <= n_weight_layers:
        raise ValueError(f"Layer {layer_index} does not exist: pick 1 to {n_weight_layers}.")
    layer = network.layers[layer_index - 1]
    size = layer.bias.size
    if not 0 <= neuron < size:
        raise ValueError(f"Neuron {neuron} does not exist in this layer: pick 0 to {size - 1}.")

    x = np.asarray(forward.activations[layer_index - 1][sample], dtype=np.float64)
    w = layer.weights[:, neuron].astype(np.float64)
    contributions = x * w
    # Largest |w·x| first; the stable sort keeps lower indices first on ties, so the list never flickers.
    order = np.argsort(-np.abs(contributions), kind="stable")
    top = order[: max(0, n_terms)]
    rest_indices = order[top.size :]
    terms = tuple(
        Term(int(i), source_label(layer_index, int(i)), float(x[i]), float(w[i]), float(contributions[i])) for i in top
    )

    z_row = np.asarray(forward.pre_activations[layer_index - 1][sample], dtype=np.float64)
    digit = None
    other = None
    if layer.activation == "softmax":
        digit = network.digits[neuron]
        others = np.delete(z_row, neuron)
        other = float(np.logaddexp.reduce(others))  # a network has at least two outputs
    return NeuronBreakdown(
        layer_index=layer_index,
        neuron=int(neuron),
        title=neuron_name(network.config, layer_index, int(neuron)),
        terms=terms,
        rest=float(contributions[rest_indices].sum()),
        n_rest=int(rest_indices.size),
        bias=float(layer.bias[neuron]),
        z=float(z_row[neuron]),
        value=float(forward.activations[layer_index][sample][neuron]),
        function=layer.activation,
        digit=digit,
        other_logsumexp=other,
    )


def activation_curve(breakdown: NeuronBreakdown, points: int = 201) -> tuple[np.ndarray, np.ndarray]:
    """(z grid, f(z)) to plot the neuron's function around its own z.

    The grid covers at least -5..5 and always includes the neuron's z with some room.
    For an output neuron f is its softmax probability as a function of its own z,
    the other outputs held fixed.
    """
    reach = max(5.0, 1.25 * abs(breakdown.z) + 1.0)
    grid = np.linspace(-reach, reach, points)
    if breakdown.is_output:
        # softmax_j = e^z / (e^z + Σ_other e^zk) = sigmoid(z - log Σ_other e^zk)
        return grid, ACTIVATION_FUNCTIONS["sigmoid"](grid - float(breakdown.other_logsumexp))
    return grid, ACTIVATION_FUNCTIONS[breakdown.function](grid)
