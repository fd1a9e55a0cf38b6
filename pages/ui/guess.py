"""Guess first on the Draw and Train pages: ask the class, then reveal, and keep the tally.

Draw: the answer stays covered until the class has picked the digit it expects;
a new drawing (Clear, a test digit, a photo) asks again. Train: the class picks
the shape it expects the loss curve to take before pressing Train, and sees its
guess beside the real curve when the run ends. Both count in one session tally.
"""

from __future__ import annotations

import streamlit as st

from nnviz.figures.guess import guess_figure
from nnviz.figures.style import PLOT_CONFIG
from nnviz.lesson.glossary import explain
from nnviz.lesson.guess import CURVE_SHAPES, classify_curve, curve_verdict, digit_verdict
from nnviz.session.state import view as views
from nnviz.session.state.input import InputState
from nnviz.session.state.view import ViewState
from nnviz.training.history import TrainingHistory
from pages.ui import links, state
from pages.ui.view import chart

DIGIT_PICKER = "guess_digit_{}"  # one picker per canvas generation: a new drawing starts unpicked
CURVE_PICKER = "guess_curve"


def _on() -> bool:
    return links.view().guess_first


# --- Draw --------------------------------------------------------------------------------------------------------


def _digit_picked(key: str, generation: int, said: int) -> None:
    guess = state.widget_value(key)
    if guess is not None:
        state.save(views.guess_digit(state.load(ViewState), generation, int(guess), said))


def draw_revealed(digits: tuple[int, ...], said: int) -> bool:
    """True when the Draw page may show its answer; otherwise asks "What will it say?" where it is called.

    said: the digit the network says for the current drawing (counted when the class picks).
    With guess first on, the answer is revealed once a digit is picked for this drawing,
    and it then starts with "You guessed 7, it said 9".
    """
    if not _on():
        return True
    view, just_guessed = views.take_just_guessed(state.load(ViewState))
    if just_guessed:
        state.save(view)
        st.rerun()  # the whole page, not just the drawing's fragment: the sidebar's tally has changed
    generation = state.load(InputState).generation
    made = views.digit_guess_for(view, generation)
    if made is not None:
        st.info(digit_verdict(made.guess, said), icon=":material/psychology_alt:")
        return True
    st.subheader("2 · What will it say?")
    st.markdown("**Guess first!** Which digit will the network say? Pick one to see its answer.")
    key = DIGIT_PICKER.format(generation)
    # Radio buttons wrap onto a second row in a narrow column (pills would run off its edge).
    picked = {"on_change": _digit_picked, "args": (key, generation, said)}
    st.radio("Your class's guess", list(digits), index=None, horizontal=True, key=key, **picked)
    st.caption("The answer, its bars and the hidden layers stay covered until you guess.")
    return False


# --- Train -------------------------------------------------------------------------------------------------------


def curve_missing() -> bool:
    """True when guess first is on and no curve shape is picked yet (Train waits for it)."""
    return _on() and state.widget_value(CURVE_PICKER) is None


def curve_question(disabled: bool) -> None:
    """Before a run: which shape will the loss curve take?"""
    if not _on():
        return
    question, shapes = "Guess first: what will the loss curve do?", list(CURVE_SHAPES)
    st.segmented_control(
        question, shapes, format_func=CURVE_SHAPES.get, key=CURVE_PICKER, disabled=disabled, help=explain("guess_first")
    )


def remember_curve_guess(history: TrainingHistory) -> None:
    """Called as a run starts (in the button's callback): the picked guess belongs to this run.

    The picker is emptied, so the next run asks again.
    """
    guess = state.widget_value(CURVE_PICKER) if _on() else None
    state.forget_widget(CURVE_PICKER)
    state.save(views.guess_curve(state.load(ViewState), history, guess))


def curve_outcome(history: TrainingHistory) -> None:
    """After a run: the guess beside the real curve, and the verdict (counted once per run)."""
    view = state.load(ViewState)
    guess = views.curve_guess_for(view, history)
    if guess is None or history.finished is None:
        return
    real = classify_curve(history.batch_losses, diverged=history.finished.status == "diverged")
    state.save(views.settle_curve(view, history, real))
    st.info(curve_verdict(guess, real), icon=":material/psychology_alt:")
    chart(guess_figure(guess, history.batch_epochs, history.batch_losses), config=PLOT_CONFIG, key="guess_curve_fig")
    st.caption("Your guess (dashed) beside the real training loss, both scaled so they start at 1.")
