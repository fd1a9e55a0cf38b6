"""The Test page's "Why that answer?": the input and three maps of which pixels made the network say it.

Each panel is computed from the network and the input it describes: gradient × input toward the
winner, occlusion of the winner's probability (its log-odds when it is saturated), and gradient × input
of the winner versus the runner-up. The sentences name the digits the network actually chose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.explain.maps import Measure, gradient_times_input, occlusion, occlusion_measure
from nnviz.lesson.wording import probability, sure
from nnviz.model.forward import forward_pass
from nnviz.model.network import Network


@dataclass(frozen=True, eq=False)
class WhyPanel:
    """One picture: title; values (784,) signed map, or None for the input itself; ends: the colour bar's
    (positive, negative) labels; caption; help_term: the glossary term of its tooltip (None: no tooltip)."""

    title: str
    values: np.ndarray | None
    ends: tuple[str, str] | None
    caption: str
    help_term: str | None


@dataclass(frozen=True, eq=False)
class WhyAnswer:
    """headline: the answer, its runner-up and the question, in markdown; panels: four pictures, input first."""

    headline: str
    panels: tuple[WhyPanel, ...]


def occlusion_words(measure: Measure, probability: float) -> str:
    """Which number the "Covered up" map measures, and why (probability: the answer's, 0..1)."""
    if measure == "log_odds":
        return (
            f"Measured in log-odds, log(p / (1 − p)): at {sure(probability)} the probability itself hardly "
            "moves when ink is covered, its log-odds still do."
        )
    return "Measured as the drop in its probability."


def why_answer(network: Network, pixels: np.ndarray, input_caption: str) -> WhyAnswer:
    """The four panels for input `pixels` (784,) 0..1; input_caption: where the input came from."""
    probabilities = forward_pass(network, pixels).probabilities[0]
    winner, runner_up = (int(i) for i in np.argsort(-probabilities)[:2])
    said, other = network.digits[winner], network.digits[runner_up]
    headline = (
        f"The network says **{said}** ({sure(probabilities[winner])}); its runner-up is **{other}** "
        f"({probability(probabilities[runner_up])}). Which pixels made it say {said}?"
    )
    toward = (f"toward {said}", f"away from {said}")
    measure = occlusion_measure(float(probabilities[winner]))
    panels = (
        WhyPanel("The input", None, None, "What the network sees. " + input_caption, None),
        WhyPanel(
            f"Pushing toward {said}",
            gradient_times_input(network, pixels, winner),
            toward,
            f"Blue ink raised the {said} output, orange ink lowered it.",
            "gradient_times_input",
        ),
        WhyPanel(
            "Covered up",
            occlusion(network, pixels, winner, measure),
            toward,
            f"Blue: without the ink there it is less sure of {said}. Orange: without it, more sure. "
            + occlusion_words(measure, probabilities[winner]),
            "occlusion",
        ),
        WhyPanel(
            f"Why {said} rather than {other}?",
            gradient_times_input(network, pixels, winner, versus=runner_up),
            (f"{said} rather than {other}", f"{other} rather than {said}"),
            f"Blue ink speaks for {said}, orange ink for {other} (the difference of their two sums' gradients).",
            "gradient_times_input",
        ),
    )
    return WhyAnswer(headline, panels)
