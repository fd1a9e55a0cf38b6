"""The Train form's values: an Experiment as widget values and back, through the settings table.

Widget keys are ``train_<link name>`` (``train_lr``); the hidden layers are a count
(``train_layers``) plus one size per layer (``train_size_1`` ...). Multi-choice widgets hold
lists, the experiment holds sorted tuples. Only the network and training parts are in the form:
the view's settings (presenter, guess first, lesson step) are set on other pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from nnviz.model.network import MAX_HIDDEN_LAYERS
from nnviz.session.settings import SETTINGS, SETTINGS_BY_LINK, Experiment, Setting

FORM_PARTS = ("network", "training")
LAYERS = SETTINGS_BY_LINK["layers"]
LAYER_COUNT_KEY = "train_layers"
NEW_LAYER_SIZES = (128, 64, 32, 16)  # what a layer starts with when the student adds it


def widget_key(setting: Setting) -> str:
    return f"train_{setting.link}"


def size_key(layer: int) -> str:
    """The widget key of hidden layer `layer`'s size (1-based)."""
    return f"train_size_{layer}"


def form_settings() -> list[Setting]:
    """The settings with one widget each (every form setting but the layers, which are a count and sizes)."""
    return [s for s in SETTINGS if s.part in FORM_PARTS and s is not LAYERS]


def form_values(exp: Experiment) -> dict[str, Any]:
    """Every form widget's value for `exp` (sizes of layers it lacks start at NEW_LAYER_SIZES)."""
    sizes = LAYERS.get(exp)
    values: dict[str, Any] = {LAYER_COUNT_KEY: len(sizes)}
    for layer in range(1, MAX_HIDDEN_LAYERS + 1):
        values[size_key(layer)] = sizes[layer - 1] if layer <= len(sizes) else NEW_LAYER_SIZES[layer - 1]
    for setting in form_settings():
        value = setting.get(exp)
        values[widget_key(setting)] = list(value) if isinstance(value, tuple) else value
    return values


def experiment_from_form(exp: Experiment, values: Mapping[str, Any]) -> tuple[Experiment, str | None]:
    """The experiment the widget `values` describe on top of `exp`, or (`exp`, validate()'s plain reason).

    values: widget key → value; a missing key keeps `exp`'s value. The view is always `exp`'s.
    """
    values = form_values(exp) | dict(values)
    fields: dict[str, dict[str, Any]] = {part: {} for part in FORM_PARTS}
    fields["network"][LAYERS.field] = tuple(values[size_key(i)] for i in range(1, values[LAYER_COUNT_KEY] + 1))
    for setting in form_settings():
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
