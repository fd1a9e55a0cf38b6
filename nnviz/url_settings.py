"""Training settings from a link, so a teacher can hand the class a ready-made experiment.

Example: ``/train?preset=lab`` or ``/train?layers=32,16&activation=sigmoid&epochs=5&digits=789``.
Anything in a link is untrusted: every value is parsed, range-checked and
either accepted or reported back in plain words; nothing here raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from nnviz.network import ACTIVATIONS, INITIALIZERS, MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE
from nnviz.settings import SETTINGS
from nnviz.training_config import (
    BATCH_SIZE_OPTIONS,
    LEARNING_RATE_OPTIONS,
    LOSSES,
    MAX_EPOCHS,
    OPTIMIZERS,
    TRAIN_SIZE_OPTIONS,
)

# How the pages look (present, guess, step) is read by the settings table, not by the Train form.
VIEW_LINKS = frozenset(setting.link for setting in SETTINGS if setting.part == "view")
MAX_SHOWN_VALUE = 24  # a long junk value is cut short in the message
PRESETS = {"lab": {"digits": [7, 8, 9]}}


def _shown(value: str) -> str:
    return value if len(value) <= MAX_SHOWN_VALUE else value[:MAX_SHOWN_VALUE] + "…"


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        number = int(text)
        if not low <= number <= high:
            raise ValueError(f"must be {low} to {high}")
        return number

    return parse


def _choice(options: Sequence[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text.lower() not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text.lower()

    return parse


def _nearest(options: Sequence[float]) -> Callable[[str], float]:
    """Snap to the nearest offered value (the sliders only offer these)."""

    def parse(text: str) -> float:
        number = float(text)
        if not number > 0 or number == float("inf"):
            raise ValueError("must be a positive number")
        return min(options, key=lambda option: abs(option - number) / option)

    return parse


def _layers(text: str) -> list[int]:
    if text.strip().lower() in ("", "none", "0"):
        return []
    sizes = [int(part) for part in text.split(",")]
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers")
    if any(not 1 <= size <= MAX_LAYER_SIZE for size in sizes):
        raise ValueError(f"each layer needs 1 to {MAX_LAYER_SIZE} neurons")
    return sizes


def _digits(text: str) -> list[int]:
    characters = [c for c in text if c not in ", "]
    if not characters or any(not c.isdigit() for c in characters):
        raise ValueError("must be digits such as 789")
    digits = sorted({int(c) for c in characters})
    if len(digits) < 2:
        raise ValueError("pick at least two digits")
    return digits


def _images(text: str) -> int | None:
    return None if text.lower() == "all" else _nearest(TRAIN_SIZE_OPTIONS)(text)


PARSERS: dict[str, Callable[[str], object]] = {
    "layers": _layers,
    "activation": _choice(ACTIVATIONS),
    "init": _choice(INITIALIZERS),
    "digits": _digits,
    "epochs": _int_in(1, MAX_EPOCHS),
    "lr": _nearest(LEARNING_RATE_OPTIONS),
    "batch": lambda text: int(_nearest(BATCH_SIZE_OPTIONS)(text)),
    "images": _images,
    "optimizer": _choice(OPTIMIZERS),
    "loss": _choice(LOSSES),
    "seed": _int_in(0, 2**31 - 1),
}


def parse_training_link(params: Mapping[str, str]) -> tuple[dict[str, object], list[str]]:
    """Turn a link's query parameters into settings.

    Returns (settings, problems): settings maps names of PARSERS (plus what a
    `preset` sets) to parsed values; problems holds one plain sentence per
    parameter that was ignored, e.g. "Ignored epochs=500: must be 1 to 50."
    """
    settings: dict[str, object] = {}
    problems: list[str] = []
    preset = params.get("preset")
    if preset is not None:
        if preset.lower() in PRESETS:
            settings.update(PRESETS[preset.lower()])
        else:
            problems.append(f"Ignored preset={_shown(preset)}: the presets are {', '.join(PRESETS)}.")
    for name, text in params.items():
        if name == "preset" or name in VIEW_LINKS:
            continue
        parser = PARSERS.get(name)
        if parser is None:
            problems.append(f"Ignored {_shown(name)}: not a setting this page knows.")
            continue
        try:
            settings[name] = parser(text.strip())
        except (ValueError, OverflowError) as exc:
            reason = str(exc) if str(exc).startswith(("must", "at most", "each", "pick")) else "not a valid value"
            problems.append(f"Ignored {_shown(name)}={_shown(text)}: {reason}.")
    return settings, problems
