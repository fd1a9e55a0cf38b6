"""The Network page's "inside this neuron" in words: the weighted sum as a column of real numbers.

The text is Streamlit markdown built from numbers and fixed words only (no user text):
:blue[...] for a push up, :orange[...] for a push down, the colours of the page's figures.
"""

from __future__ import annotations

from nnviz.lesson.wording import probability
from nnviz.model.neuron import NeuronBreakdown


def signed(value: float) -> str:
    """A signed number in the page's colours: blue pushes up, orange pushes down."""
    return f":{'blue' if value >= 0 else 'orange'}[**{value:+.3f}**]"


def in_words(breakdown: NeuronBreakdown, n_weight_layers: int, shown_terms: int = 3) -> str:
    """The neuron's sum top to bottom: its largest inputs × weights, the rest, the bias, z, and what it passes on.

    n_weight_layers: the model's number of weight layers (len(network.layers)), to name the next layer.
    """
    shown = breakdown.terms[:shown_terms]
    others = breakdown.n_inputs - len(shown)
    rest = breakdown.total - breakdown.bias - sum(t.contribution for t in shown)
    lines = [f"Its **{breakdown.n_inputs}** inputs, each times its weight:"]
    lines += [f"- {signed(t.contribution)} from {t.label}" for t in shown]
    if others:
        lines.append(f"- {signed(rest)} from the other {others} together")
    lines.append(f"- {signed(breakdown.bias)} bias")
    lines.append(f"- **= {breakdown.z:.3f}**, the weighted sum z")
    if breakdown.is_output:
        lines.append(f"\nSoftmax turns that into **{probability(breakdown.value, 1)}** sure it is a {breakdown.digit}.")
    else:
        last_hidden = breakdown.layer_index == n_weight_layers - 1
        target = "the output neurons" if last_hidden else f"hidden layer {breakdown.layer_index + 1}"
        lines.append(
            f"\n{breakdown.function_label}({breakdown.z:.3f}) = **{breakdown.value:.3f}** is passed on to {target}."
        )
    return "\n".join(lines)
