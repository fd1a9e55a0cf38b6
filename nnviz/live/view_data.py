"""Everything the live view is mounted with on one run: the model (or only its id), the drawing and the words."""

from __future__ import annotations

import numpy as np

from nnviz.lesson.glossary import explain
from nnviz.live.payload import float32_base64, model_payload, value_colours
from nnviz.live.preparation import preparation_parameters
from nnviz.live.strokes import MAX_POINTS, MAX_STROKES
from nnviz.model.forward import OVERFLOW_MESSAGE
from nnviz.model.network import IMAGE_SIDE, INPUT_SIZE, Network
from nnviz.session.state.input import CurrentInput, caption

PROMPT = "Draw a digit on the black square to start."
LOADING = "Loading the network into your browser…"
COVERED = "Guess first! The answer, its bars and the hidden layers stay covered until your class picks a digit below."
BARS = "One bar per output neuron: the tallest wins."
SEES = f"What the network sees: {IMAGE_SIDE} × {IMAGE_SIDE} = {INPUT_SIZE} input neurons, 0 (black) to 1 (white)."
DRAWING = "Your drawing, cropped, scaled to 20 px and centred the way MNIST digits were made."


def known_digits_note(digits: tuple[int, ...]) -> str:
    """For a network that knows only some digits: which, and that it must pick one of them; else ""."""
    if tuple(digits) == tuple(range(10)):
        return ""
    return f"This network only knows {', '.join(str(d) for d in digits)}. Whatever you draw, it must pick one of them."


def live_data(
    network: Network,
    fingerprint: str,
    *,
    browser_holds: object,
    report: object,
    strokes: list[list[float]],
    generation: int,
    current: CurrentInput | None,
    reveal: bool,
    presenter: bool,
) -> dict:
    """The live view's data for this run (JSON-ready).

    browser_holds: the model id the browser said it holds; the weights are sent only when it is not
    `fingerprint`. report: the view's last drawing report as this run read it; its number goes
    back to the view, which then knows the server has its drawing. strokes: the drawing to show
    when the view is first mounted or `generation` changes (Clear, a test digit, a photo), as
    [[x0, y0, ...], ...]. current: the session's input; its pixels
    are sent when it is not a drawing (a test digit, a photo), which the view then shows until the
    pen draws. reveal: False while guess first covers the answer.
    """
    pixels = None
    if current is not None and current.source != "drawing":
        pixels = float32_base64(np.asarray(current.pixels).reshape(INPUT_SIZE))
    source = caption(current).replace("**", "") if current is not None else DRAWING
    return {
        "modelId": fingerprint,
        "model": None if browser_holds == fingerprint else model_payload(network, fingerprint),
        "params": preparation_parameters(),
        "limits": {"strokes": MAX_STROKES, "points": MAX_POINTS},
        "colours": value_colours(),
        "strokes": strokes,
        "generation": int(generation),
        "pixels": pixels,
        "heard": _report_number(report),
        "reveal": bool(reveal),
        "presenter": bool(presenter),
        "words": {
            "prompt": PROMPT,
            "loading": LOADING,
            "overflow": OVERFLOW_MESSAGE,
            "covered": COVERED,
            "bars": BARS,
            "known": known_digits_note(network.digits),
            "drawing": f"{SEES} {DRAWING}",
            "current": f"{SEES} {source}",
            "pixelsHelp": explain("input_layer"),
            "hiddenHelp": explain("hidden_layer"),
        },
    }


def _report_number(report: object) -> int:
    number = report.get("n") if isinstance(report, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else 0
