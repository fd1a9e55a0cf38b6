"""Every setting of an experiment as one row of one table: the only source for links, widgets and presets.

An `Experiment` is everything a student can set: the network's shape
(`NetworkConfig`), how it is trained (`TrainingConfig`) and how the pages look
(`ViewConfig`). Each `Setting` row says where a value lives in the experiment,
its name in a link (``?lr=0.01``), how link text becomes a value and back, and
what the widget offers. Defaults are read from the config dataclasses and
ranges are checked by their own `validate()`, so nothing here repeats them.

A link is untrusted: `from_query` takes what it can, explains the rest in one
plain sentence per parameter, and never raises. `to_query` writes only what
differs from the defaults, so links stay short; ``from_query(to_query(e)) == e``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from nnviz.model.network import ACTIVATIONS, INITIALIZERS, NetworkConfig
from nnviz.training.config import (
    BATCH_SIZE_OPTIONS,
    LEARNING_RATE_OPTIONS,
    LOSSES,
    OPTIMIZERS,
    TRAIN_SIZE_OPTIONS,
    TrainingConfig,
)

MAX_LINK_VALUE_LENGTH = 64  # longer link values are refused before parsing: no setting needs more
MAX_SHOWN_TEXT = 24  # link text quoted back in a message is cut to this many characters
PRESET_LINK = "preset"  # ?preset=lab applies a whole preset before the other parameters


@dataclass(frozen=True)
class ViewConfig:
    """How the pages look (not the model).

    presenter: bigger type and fewer controls for a projector.
    guess_first: the class guesses before the network's answer is shown.
    lesson_step: the Lesson page's step, from 1 (a number past the last step shows the last).
    """

    presenter: bool = False
    guess_first: bool = False
    lesson_step: int = 1

    def validate(self) -> ViewConfig:
        """Raise ValueError with a plain-language reason if a value is not a yes/no; return self."""
        for name in ("presenter", "guess_first"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name.replace('_', ' ').capitalize()} must be on or off.")
        if isinstance(self.lesson_step, bool) or not isinstance(self.lesson_step, int) or self.lesson_step < 1:
            raise ValueError(f"The lesson step must be a whole number from 1, got {self.lesson_step}.")
        return self


@dataclass(frozen=True)
class Experiment:
    """Everything a student can set: the network, its training and the view."""

    network: NetworkConfig = field(default_factory=NetworkConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    view: ViewConfig = field(default_factory=ViewConfig)

    def validate(self) -> Experiment:
        """Raise ValueError with the first part's plain-language reason; return self."""
        self.network.validate()
        self.training.validate()
        self.view.validate()
        return self


# --- How link text becomes a value (syntax only: ranges are validate()'s job) and back -------------------


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError("not a whole number") from None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError("not a number") from None


def _word(text: str) -> str:
    return text.lower()


def _layers(text: str) -> tuple[int, ...]:
    """ "32,16" -> (32, 16); "none", "0" or "" -> no hidden layer."""
    if text.lower() in ("", "none", "0"):
        return ()
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError("must be neuron counts such as 32,16") from None


def _layers_text(sizes: tuple[int, ...]) -> str:
    return ",".join(str(size) for size in sizes) if sizes else "none"


def _digits(text: str) -> tuple[int, ...]:
    """ "789" or "7,8,9" -> (7, 8, 9), sorted and unique."""
    characters = [c for c in text if c not in ", "]
    if not characters or any(c not in "0123456789" for c in characters):
        raise ValueError("must be digits such as 789")
    return tuple(sorted({int(c) for c in characters}))


def _digits_text(digits: tuple[int, ...]) -> str:
    return "".join(str(d) for d in digits)


def _float_text(value: float) -> str:
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))


def _images(text: str) -> int | None:
    return None if text.lower() == "all" else _whole_number(text)


def _images_text(value: int | None) -> str:
    return "all" if value is None else str(value)


_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(text: str) -> bool:
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise ValueError("must be 1 (on) or 0 (off)")


def _switch_text(value: bool) -> str:
    return "1" if value else "0"


# --- The table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One setting: where it lives in an `Experiment`, its name in a link, and how its text reads.

    link: the name in a link ("lr"). part: "network", "training" or "view".
    field: the config dataclass field ("learning_rate").
    parse: link text -> value, syntax only; raises ValueError with a short reason.
    to_text: value -> link text that `parse` reads back to the same value.
    label: a short human name ("Learning rate").
    options: what the widget offers, or None for a free range; a valid link
        value is snapped to the nearest of them (on a log scale).
    """

    link: str
    part: str
    field: str
    parse: Callable[[str], Any]
    to_text: Callable[[Any], str]
    label: str
    options: tuple | None = None

    @property
    def default(self) -> Any:
        """The default, read from the config dataclass."""
        return self.get(Experiment())

    def get(self, exp: Experiment) -> Any:
        return getattr(getattr(exp, self.part), self.field)

    def with_value(self, exp: Experiment, value: Any) -> Experiment:
        """`exp` with this setting set to `value`, checked by the config's own validate().

        Raises ValueError with validate()'s plain-language message if the value is out of range.
        """
        try:
            part = replace(getattr(exp, self.part), **{self.field: value}).validate()
        except TypeError:  # e.g. a word where a number belongs; validate() compares and cannot say more
            raise ValueError(f"{self.label} got a value of the wrong kind.") from None
        return replace(exp, **{self.part: part})

    def snap(self, value: Any) -> Any:
        """The offered option nearest to `value` (ratio distance), or `value` itself if none applies."""
        if self.options is None or value in self.options or not isinstance(value, int | float):
            return value
        numbers = [option for option in self.options if isinstance(option, int | float)]
        if not numbers or not value > 0:
            return value
        return min(numbers, key=lambda option: abs(math.log(option / value)))


SETTINGS: tuple[Setting, ...] = (
    Setting("layers", "network", "hidden_sizes", _layers, _layers_text, "Hidden layers"),
    Setting("activation", "network", "activation", _word, str, "Activation", ACTIVATIONS),
    Setting("init", "network", "initializer", _word, str, "Starting weights", INITIALIZERS),
    Setting("digits", "network", "digits", _digits, _digits_text, "Digits to learn"),
    Setting("epochs", "training", "epochs", _whole_number, str, "Epochs"),
    Setting("lr", "training", "learning_rate", _number, _float_text, "Learning rate", LEARNING_RATE_OPTIONS),
    Setting("batch", "training", "batch_size", _whole_number, str, "Batch size", BATCH_SIZE_OPTIONS),
    Setting("images", "training", "train_size", _images, _images_text, "Training images", (*TRAIN_SIZE_OPTIONS, None)),
    Setting("optimizer", "training", "optimizer", _word, str, "Optimizer", OPTIMIZERS),
    Setting("loss", "training", "loss", _word, str, "Loss", LOSSES),
    Setting("seed", "training", "seed", _whole_number, str, "Random seed"),
    Setting("present", "view", "presenter", _switch, _switch_text, "Presenter mode"),
    Setting("guess", "view", "guess_first", _switch, _switch_text, "Guess first"),
    Setting("step", "view", "lesson_step", _whole_number, str, "Lesson step"),
)
SETTINGS_BY_LINK: dict[str, Setting] = {setting.link: setting for setting in SETTINGS}


# --- Presets: complete experiments -------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A named, complete experiment (every setting given, nothing inherited from the form)."""

    name: str
    title: str
    description: str
    experiment: Experiment = field(default_factory=Experiment)

    def applied_to(self, exp: Experiment) -> Experiment:
        """The preset's network and training, keeping how `exp`'s pages look (its view)."""
        return replace(self.experiment, view=exp.view)


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "lab",
            "Lab example: 7, 8, 9",
            "The lab's example: a small network with three output neurons that only tells 7, 8 and 9 apart. "
            "It trains in a few seconds.",
            Experiment(
                network=NetworkConfig(hidden_sizes=(32, 16), activation="relu", initializer="glorot", digits=(7, 8, 9)),
                training=TrainingConfig(
                    epochs=3, batch_size=32, learning_rate=0.001, optimizer="adam", loss="crossentropy", seed=0
                ),
            ),
        ),
        Preset(
            "default",
            "Start over",
            "The settings nnviz starts with: two hidden layers of 128 and 64 ReLU neurons for all ten digits.",
            Experiment(),
        ),
    )
}


# --- Links ------------------------------------------------------------------------------------------------


def _shown(text: str) -> str:
    text = " ".join(text.split())  # a line break in a link's name or value stays inside one sentence
    return text if len(text) <= MAX_SHOWN_TEXT else text[:MAX_SHOWN_TEXT] + "…"


def to_query(exp: Experiment) -> dict[str, str]:
    """The link parameters of `exp`: only the settings that differ from the defaults."""
    return {s.link: s.to_text(s.get(exp)) for s in SETTINGS if s.get(exp) != s.default}


def _read_setting(exp: Experiment, setting: Setting, text: str) -> Experiment:
    """`exp` with one link value applied: parsed, validated, then snapped to the widget's options."""
    if len(text) > MAX_LINK_VALUE_LENGTH:
        raise ValueError(f"longer than {MAX_LINK_VALUE_LENGTH} characters")
    value = setting.parse(text.strip())
    checked = setting.with_value(exp, value)
    snapped = setting.snap(value)
    return checked if snapped == value else setting.with_value(exp, snapped)


def from_query(params: Mapping[str, str], base: Experiment = Experiment()) -> tuple[Experiment, list[str]]:
    """The experiment a link describes, and one plain sentence per parameter it ignored.

    A ``preset=`` replaces `base` with the preset's complete experiment first;
    every other known parameter then overrides one setting. Unknown names and bad
    values are ignored (e.g. "Ignored epochs=500: Epochs must be 1 to 50, got 500.").
    Never raises, whatever the link holds.
    """
    exp, problems = base, []
    items = [(str(name), str(text)) for name, text in params.items()]
    for name, text in items:
        if name.strip().lower() != PRESET_LINK:
            continue
        preset = PRESETS.get(text.strip().lower())
        if preset is None:
            problems.append(f"Ignored preset={_shown(text)}: the presets are {', '.join(PRESETS)}.")
        else:
            exp = preset.experiment
    for name, text in items:
        key = name.strip().lower()
        if key == PRESET_LINK:
            continue
        setting = SETTINGS_BY_LINK.get(key)
        if setting is None:
            problems.append(f"Ignored {_shown(name)}: not a setting nnviz knows.")
            continue
        try:
            exp = _read_setting(exp, setting, text)
        except (ValueError, OverflowError) as exc:
            problems.append(f"Ignored {_shown(name)}={_shown(text)}: {str(exc).rstrip('.')}.")
        except Exception:  # whatever a parser raises on crafted text, the link is still only ignored
            problems.append(f"Ignored {_shown(name)}={_shown(text)}: not a value nnviz can read.")
    return exp, problems


def link_for(page: str, exp: Experiment) -> str:
    """A relative link to `page` that opens with `exp`, e.g. "/train?layers=32,16&activation=sigmoid"."""
    query = urlencode(to_query(exp), safe=",")
    return f"/{page.strip('/')}" + (f"?{query}" if query else "")
