"""The Train form's widgets, seeded from and read back into the session's Experiment via the settings table.

Streamlit forgets a widget's value when its page is not shown, so the
experiment lives under its own session key (pages/ui/session.py) and the form's
widgets are re-seeded from it when the student comes back. Widget keys are
``train_<link name>`` (``train_lr``); the hidden layers are a count
(``train_layers``) plus one size per layer (``train_size_1`` ...).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from nnviz.model.network import MAX_HIDDEN_LAYERS
from nnviz.session.settings import SETTINGS, SETTINGS_BY_LINK, Experiment, Setting
from pages.ui import session

FORM_PARTS = ("network", "training")  # the view's settings (presenter, guess first) live on other pages
LAYERS = SETTINGS_BY_LINK["layers"]
LAYER_COUNT_KEY = "train_layers"
NEW_LAYER_SIZES = (128, 64, 32, 16)  # what a layer starts with when the student adds it


def widget_key(setting: Setting) -> str:
    return f"train_{setting.link}"


def size_key(layer: int) -> str:
    """The widget key of hidden layer `layer`'s size (1-based)."""
    return f"train_size_{layer}"


def _form_settings() -> list[Setting]:
    return [s for s in SETTINGS if s.part in FORM_PARTS and s is not LAYERS]


def _widget_values(exp: Experiment) -> dict[str, Any]:
    """Every form widget's value for `exp` (sizes of layers it lacks start at NEW_LAYER_SIZES)."""
    sizes = LAYERS.get(exp)
    values: dict[str, Any] = {LAYER_COUNT_KEY: len(sizes)}
    for layer in range(1, MAX_HIDDEN_LAYERS + 1):
        values[size_key(layer)] = sizes[layer - 1] if layer <= len(sizes) else NEW_LAYER_SIZES[layer - 1]
    for setting in _form_settings():
        value = setting.get(exp)
        values[widget_key(setting)] = list(value) if isinstance(value, tuple) else value
    return values


def seed_form() -> None:
    """Give the form's widgets their values from the session's experiment; call before drawing them.

    Widgets Streamlit has forgotten (after a page switch) are seeded; all of them are
    when the experiment was changed outside the form (a preset, a link, a lesson).
    """
    exp = session.experiment()
    state = st.session_state
    changed_elsewhere = state.get(session.FORM_EXPERIMENT) != exp
    for key, value in _widget_values(exp).items():
        if changed_elsewhere or key not in state:
            state[key] = value
    state[session.FORM_EXPERIMENT] = exp


def read_form() -> tuple[Experiment, str | None]:
    """The experiment the widgets describe now, and validate()'s plain message if it is not valid.

    Safe in callbacks (they see the widgets' new values). The view is kept from the session's experiment.
    """
    exp = session.experiment()
    state = st.session_state
    defaults = _widget_values(exp)
    values = {key: state.get(key, default) for key, default in defaults.items()}
    fields: dict[str, dict[str, Any]] = {part: {} for part in FORM_PARTS}
    fields["network"][LAYERS.field] = tuple(values[size_key(i)] for i in range(1, values[LAYER_COUNT_KEY] + 1))
    for setting in _form_settings():
        value = values[widget_key(setting)]
        fields[setting.part][setting.field] = tuple(sorted(set(value or ()))) if isinstance(value, list) else value
    candidate = replace(
        exp, network=replace(exp.network, **fields["network"]), training=replace(exp.training, **fields["training"])
    )
    try:
        candidate.validate()
    except (ValueError, TypeError) as exc:
        return exp, str(exc)
    return candidate, None


def commit_form(exp: Experiment) -> None:
    """Make `exp` (read from the form, valid) the session's experiment, without re-seeding the widgets."""
    session.set_experiment(exp)
    st.session_state[session.FORM_EXPERIMENT] = exp
