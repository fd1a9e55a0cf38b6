"""The Learn page's state: the true digit, the weight on show, the stepped copy of the model.

One frozen `LearnState` per session; every change is a pure function from one state to
the next, so the page only loads, calls and saves. Weights are kept with the fingerprint
of the model they were picked for: a pick means nothing on a model of another shape.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from nnviz.explain.loss_landscape import WeightRef
from nnviz.model.gradient_step import SteppedModel, step_on_input
from nnviz.model.network import Network, NetworkConfig
from nnviz.training.config import TrainingConfig

InputMarker = tuple[str, int | None]  # (source, test index) of an input: a new marker is a new input to label
STEP_TOO_BIG = (
    "That step was so big that the weights became infinite, so it was not taken. Try a smaller learning rate."
)


@dataclass(frozen=True)
class LearnState:
    """true_digit: the digit the current input should be, or None before any input was labelled.

    labelled: the marker of the input whose own label was last put into `true_digit`.
    picked: (model fingerprint, weight) picked on the Learn page; None = the steepest weight.
    diagram_edge: (model fingerprint, weight) of the Network diagram's edge clicked last.
    stepped: the copy of the session's model that "Take one step" changes, or None.
    step_error: why the last step was not taken, shown once.
    """

    true_digit: int | None = None
    labelled: InputMarker | None = None
    picked: tuple[str, WeightRef] | None = None
    diagram_edge: tuple[str, WeightRef] | None = None
    stepped: SteppedModel | None = None
    step_error: str | None = None


# --- the true digit ----------------------------------------------------------------------------------------------


def label_input(
    state: LearnState, marker: InputMarker, true_label: int | None, digits: tuple[int, ...], predicted: int
) -> LearnState:
    """The true digit for the input `marker`: a newly shown input brings its own label (a test digit's);
    a digit the network does not know falls back to the network's prediction `predicted`.

    A drawing has no label: the digit picked for the last drawing stays for the next one.
    """
    if state.labelled != marker:
        state = replace(state, labelled=marker)
        if true_label in digits:
            state = replace(state, true_digit=true_label)
    if state.true_digit not in digits:
        state = replace(state, true_digit=int(predicted))
    return state


def choose_digit(state: LearnState, digit: int) -> LearnState:
    """The student says the input should be `digit`."""
    return replace(state, true_digit=int(digit))


# --- the weight on show ------------------------------------------------------------------------------------------


def pick_weight(state: LearnState, model_id: str, ref: WeightRef | None) -> LearnState:
    """Show weight `ref` of the model `model_id`; None: back to the steepest weight."""
    return replace(state, picked=None if ref is None else (model_id, ref))


def picked_weight(state: LearnState, model_id: str) -> WeightRef | None:
    """The weight picked for the model `model_id`, or None (a pick for another model does not count)."""
    return state.picked[1] if state.picked is not None and state.picked[0] == model_id else None


def weight_on_show(state: LearnState, model_id: str, config: NetworkConfig, steepest: WeightRef) -> WeightRef:
    """The picked weight if it exists in a network of `config`, else `steepest`."""
    picked = picked_weight(state, model_id)
    return picked if picked is not None and picked.fits(config) else steepest


def weight_from_fields(layer: int, row: int, column: int, layer_changed: bool) -> WeightRef:
    """The weight the three number fields name; a new layer starts at its first weight (the old numbers may not fit)."""
    return WeightRef(int(layer), 0, 0) if layer_changed else WeightRef(int(layer), int(row), int(column))


def pick_from_diagram(state: LearnState, model_id: str, ref: WeightRef) -> LearnState:
    """A click on an edge of the Network page's diagram: its weight becomes the Learn page's weight."""
    return replace(pick_weight(state, model_id, ref), diagram_edge=(model_id, ref))


def diagram_edge(state: LearnState, model_id: str) -> WeightRef | None:
    """The diagram edge clicked last, while it is still the Learn page's weight for `model_id`; else None."""
    edge = state.diagram_edge
    if edge is None or edge[0] != model_id or picked_weight(state, model_id) != edge[1]:
        return None
    return edge[1]


def trained_loss(settings: tuple[NetworkConfig, TrainingConfig] | None) -> str:
    """The loss the session's model was trained with; settings: its (network, training) settings, None = default."""
    return "crossentropy" if settings is None else settings[1].loss


# --- one step of gradient descent on a copy ----------------------------------------------------------------------


def stepping(state: LearnState, model_id: str, network: Network) -> LearnState:
    """Keep the stepped copy of `network` (fingerprint `model_id`); a new session model starts a fresh copy."""
    if state.stepped is not None and state.stepped.base_id == model_id:
        return state
    return replace(state, stepped=SteppedModel(base_id=model_id, network=network))


def take_step(
    state: LearnState, pixels: np.ndarray, true_index: int, loss: str, learning_rate: float, label: str
) -> LearnState:
    """One more step on the stepped copy, on input pixels (784,) whose true output index is `true_index`.

    A step that makes a weight infinite is not taken: `step_error` says why. No copy yet: nothing to step.
    """
    if state.stepped is None:
        return state
    try:
        stepped = step_on_input(state.stepped, pixels, true_index, loss, learning_rate, label)
    except ValueError:
        return replace(state, step_error=STEP_TOO_BIG)
    return replace(state, stepped=stepped, step_error=None)


def start_over(state: LearnState) -> LearnState:
    """Drop the steps: the next visit copies the session's model afresh."""
    return replace(state, stepped=None, step_error=None)


def keep_stepped(state: LearnState) -> tuple[LearnState, Network | None]:
    """(the next state, the stepped network to make the session's model, or None if there is no copy)."""
    if state.stepped is None:
        return state, None
    return replace(state, stepped=None), state.stepped.network


def error_shown(state: LearnState) -> LearnState:
    """The step error has been shown: forget it."""
    return replace(state, step_error=None)
