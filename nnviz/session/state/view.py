"""The view concern: which page runs, the class's guesses, and the neuron the Network page follows.

Presenter mode and guess first themselves are part of the experiment (they travel in the link,
?present=1&guess=1, see nnviz.session.settings.ViewConfig); what is kept here is what they leave
behind in one session: the tally of guesses and the guess made for the current drawing or run.

Every function returns a new value; nothing here touches Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from nnviz.lesson.guess import Tally


@dataclass(frozen=True)
class DigitGuess:
    """The digit the class guessed for the drawing of canvas `generation`, and the digit the network said."""

    generation: int
    guess: int
    said: int


@dataclass(frozen=True, eq=False)
class CurveGuess:
    """The loss-curve shape guessed for one run (its TrainingHistory, compared by identity)."""

    run: object
    shape: str


@dataclass(frozen=True, eq=False)
class ViewState:
    """page: the page that ran last (to notice a page switch; None while leaving for another). tally: right guesses.

    digit_guess: the guess for the current drawing; just_guessed: the Draw page reruns once in full
    so the sidebar's tally shows it. curve_guess: the guess for the latest run; curve_settled: the
    run whose guess is already counted. followed: (layer name, neuron or None = the layer's most
    active) the Network page follows, kept by name so it means the same layer, or nothing, once a
    model of another shape is trained.
    """

    page: str | None = None
    tally: Tally = field(default_factory=Tally)
    digit_guess: DigitGuess | None = None
    just_guessed: bool = False
    curve_guess: CurveGuess | None = None
    curve_settled: object | None = None
    followed: tuple[str, int | None] | None = None


def leave(view: ViewState) -> ViewState:
    """A page switch was asked for: no page is current until the next one runs (the address bar waits for it)."""
    return replace(view, page=None)


def enter_page(view: ViewState, page: str) -> tuple[ViewState, bool]:
    """The page about to run: (new view, True if it differs from the page that ran last)."""
    if view.page == page:
        return view, False
    return replace(view, page=page), True


def guess_digit(view: ViewState, generation: int, guess: int, said: int) -> ViewState:
    """The class picked `guess` for the drawing of `generation`; the network said `said`. Counted once."""
    made = DigitGuess(int(generation), int(guess), int(said))
    return replace(view, digit_guess=made, tally=view.tally.add(made.guess == made.said), just_guessed=True)


def digit_guess_for(view: ViewState, generation: int) -> DigitGuess | None:
    """The guess made for the drawing of canvas `generation`, or None (a new drawing asks again)."""
    made = view.digit_guess
    return made if made is not None and made.generation == generation else None


def take_just_guessed(view: ViewState) -> tuple[ViewState, bool]:
    """Whether a guess was just made (the page then reruns in full once), and the view without the flag."""
    return replace(view, just_guessed=False), view.just_guessed


def guess_curve(view: ViewState, run: object, shape: str | None) -> ViewState:
    """A run starts: the picked shape (None: no guess) belongs to it."""
    return replace(view, curve_guess=None if shape is None else CurveGuess(run, shape))


def curve_guess_for(view: ViewState, run: object) -> str | None:
    """The shape guessed for `run`, or None."""
    made = view.curve_guess
    return made.shape if made is not None and made.run is run else None


def settle_curve(view: ViewState, run: object, real: str) -> ViewState:
    """The run ended with a curve of shape `real`: its guess counts in the tally, once per run."""
    guess = curve_guess_for(view, run)
    if guess is None or view.curve_settled is run:
        return view
    return replace(view, curve_settled=run, tally=view.tally.add(guess == real))


def follow(view: ViewState, layer_names: tuple[str, ...], layer: int, neuron: int | None) -> ViewState:
    """Follow neuron `neuron` (None: the most active) of layer index `layer` (1 = the first hidden layer).

    layer_names: the model's layer names, input first; an index outside 1..len-1 changes nothing.
    """
    if not 1 <= layer < len(layer_names):
        return view
    return replace(view, followed=(str(layer_names[layer]), None if neuron is None else int(neuron)))


def followed_neuron(
    view: ViewState, layer_names: tuple[str, ...], layer_sizes: tuple[int, ...], activations: list | None
) -> tuple[int, int, bool]:
    """(layer index, neuron, chosen automatically?) the Network page follows, falling back when the pick does not fit.

    layer_names / layer_sizes: the model's, input first. activations: the forward pass's
    per-layer (1, size) arrays, or None without an input. A pick stops fitting when a model of
    another shape is trained (its layer or neuron is gone): then it follows hidden layer 1 (the
    output when there is none), and a layer's most active neuron when no neuron is picked:
    the one furthest from 0 (tanh neurons are active both ways), neuron 0 without an input.
    """
    layer, neuron = 1, None
    if view.followed is not None and view.followed[0] in layer_names[1:]:
        layer, neuron = layer_names.index(view.followed[0]), view.followed[1]
    if neuron is not None and not 0 <= neuron < layer_sizes[layer]:
        neuron = None
    if neuron is not None:
        return layer, neuron, False
    most_active = 0 if activations is None else int(np.argmax(np.abs(activations[layer][0])))
    return layer, most_active, True
