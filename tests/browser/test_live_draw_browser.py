"""The Draw page's live view in real Chromium, held to numpy: the preparation, the forward pass, the live bars.

numpy (nnviz.model.preprocess, nnviz.model.forward) is the oracle: the browser's canvas is read back
and prepared by numpy, and the same inputs go through numpy's network.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

import numpy as np
import pytest

from devkit.browser import draw_digit, drawn_pixel_count, open_app_page, read_metric, wait_for_metric, wait_idle
from devkit.live_strokes import random_drawing, stroke_moves
from nnviz.lesson.wording import percent, probability
from nnviz.live.payload import model_payload
from nnviz.live.words import prediction_sentence
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import forward_pass
from nnviz.model.network import Network, NetworkConfig
from nnviz.model.preprocess import canvas_ink, ink_to_input

pytestmark = pytest.mark.browser

DRAWINGS = 200


def open_live_view(page: Any, url: str) -> Any:
    """Open the Draw page and wait until the live view holds the network; returns the drawing pad."""
    open_app_page(page, url)
    pad = page.locator(".pad")
    pad.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("() => globalThis.nnvizLive && nnvizLive.view() && nnvizLive.view().model", timeout=30_000)
    wait_idle(page)
    return pad


def canvas_rgba(ink_base64: str, side: int) -> np.ndarray:
    """The canvas's red channel (white ink on black) as the opaque RGBA the server decodes."""
    grey = np.frombuffer(base64.b64decode(ink_base64), dtype=np.uint8).reshape(side, side)
    return np.dstack([grey, grey, grey, np.full_like(grey, 255)])


def test_two_hundred_drawings_are_prepared_and_answered_as_numpy_does(page: Any, app_url: str) -> None:
    open_live_view(page, app_url)
    network = load_default_network()
    rng = np.random.default_rng(16)
    agreed, compared, input_gaps, probability_gaps = 0, 0, [], []
    for _ in range(DRAWINGS):
        answer = page.evaluate("strokes => nnvizLive.replay(strokes)", random_drawing(rng))
        expected = ink_to_input(canvas_ink(canvas_rgba(answer["ink"], answer["side"])))
        if expected is None:
            assert answer["inputs"] is None, "numpy found no digit, so the browser must not either"
            continue
        assert answer["inputs"] is not None, "numpy found a digit, so the browser must too"
        compared += 1
        input_gaps.append(np.abs(np.asarray(answer["inputs"]) - expected).mean())
        numpy_probabilities = forward_pass(network, expected).probabilities[0]
        browser_probabilities = np.asarray(answer["activations"][-1])
        probability_gaps.append(np.abs(browser_probabilities - numpy_probabilities).max())
        agreed += int(browser_probabilities.argmax() == numpy_probabilities.argmax())
        if compared == 1:  # one drawing's every layer, fed numpy's own 784 inputs
            browser = page.evaluate("([id, x]) => nnvizLive.forward(id, x)", [answer["modelId"], expected.tolist()])
            for got, want in zip(browser[1:], forward_pass(network, expected).activations[1:]):
                np.testing.assert_allclose(np.asarray(got), want[0], atol=1e-4, rtol=0)
    assert compared >= 0.9 * DRAWINGS, "most synthetic drawings should be digits, not specks"
    assert agreed >= 0.99 * compared, f"{agreed} of {compared} drawings got numpy's digit"
    assert max(input_gaps) <= 0.02, f"largest mean |Δ| of the 784 inputs: {max(input_gaps):.2g}"
    assert max(probability_gaps) <= 0.02, f"largest probability gap: {max(probability_gaps):.2g}"


SHAPES = [
    NetworkConfig(hidden_sizes=(), activation="relu"),
    NetworkConfig(hidden_sizes=(1,), activation="sigmoid"),
    NetworkConfig(hidden_sizes=(512, 512), activation="tanh"),
    NetworkConfig(hidden_sizes=(7, 33, 64, 5), activation="sigmoid", digits=(7, 8, 9)),
    NetworkConfig(hidden_sizes=(300, 20, 20, 512), activation="relu"),
]


def random_network(config: NetworkConfig, rng: np.random.Generator) -> Network:
    sizes = config.layer_sizes
    arrays = [(rng.normal(0, 1 / np.sqrt(a), (a, b)), rng.normal(0, 0.1, b)) for a, b in itertools.pairwise(sizes)]
    return Network.from_arrays(config, arrays)


def test_every_layer_of_any_shape_matches_numpy_for_the_same_inputs(page: Any, app_url: str, mnist) -> None:
    open_live_view(page, app_url)
    rng = np.random.default_rng(3)
    networks = [load_default_network()] + [random_network(config, rng) for config in SHAPES]
    for index, network in enumerate(networks):
        model_id = page.evaluate("payload => nnvizLive.load(payload)", model_payload(network, f"shape-{index}"))
        image = mnist.x_test[index]
        browser = page.evaluate("([id, x]) => nnvizLive.forward(id, x)", [model_id, image.tolist()])
        expected = forward_pass(network, image).activations
        assert len(browser) == len(expected)
        for got, want in zip(browser[1:], expected[1:]):
            np.testing.assert_allclose(np.asarray(got), want[0], atol=1e-4, rtol=0)
        # The view draws this shape: one bar per output digit, one grid per hidden layer.
        page.evaluate("payload => nnvizLive.use(payload)", model_payload(network, f"shown-{index}"))
        page.evaluate("strokes => nnvizLive.replay(strokes)", [[60, 60, 220, 60, 130, 250]])
        labels = page.locator(".live .bar .label").all_text_contents()
        assert labels == [str(d) for d in network.digits]
        assert page.locator(".live .layers canvas").count() == len(network.layers) - 1
        assert page.locator(".live .inside .none").is_visible() == (len(network.layers) == 1)


def test_the_spoken_line_says_the_answer_in_the_servers_words(page: Any, app_url: str) -> None:
    open_live_view(page, app_url)
    answer = page.evaluate("strokes => nnvizLive.replay(strokes)", [[80, 60, 200, 60, 120, 250]])
    probabilities = np.asarray(answer["activations"][-1])
    spoken = page.locator(".live .spoken").text_content()
    assert spoken == prediction_sentence(int(probabilities.argmax()), float(probabilities.max()))
    assert "100%" not in spoken, "never 100 % short of certainty"
    # The browser's formatter against the server's, ties and the edges of the two decimals included.
    shares = [0.0, 0.00004, 0.0001, 0.004, 0.005, 0.125, 0.00125, 0.5, 0.984, 0.985, 0.9949, 0.995, 0.9997]
    shares += [0.99995, 0.999951, 1 - 1e-9, 1.0, *np.random.default_rng(0).random(200).tolist()]
    browser = page.evaluate("shares => shares.map((p) => nnvizLive.percentText(p))", shares)
    assert browser == [percent(share) for share in shares]
    browser = page.evaluate("shares => shares.map((p) => nnvizLive.probabilityText(p))", shares)
    assert browser == [probability(share) for share in shares]  # a probability of 1.0 reads "> 99.99%"


def test_the_answer_bars_move_while_the_pen_is_still_down(page: Any, app_url: str) -> None:
    pad = open_live_view(page, app_url)
    page.evaluate(
        """() => {
            const root = nnvizLive.view().root;
            const seen = (globalThis.__barsSeen = { changes: 0, last: "" });
            (function watch() {
                const now = [...root.querySelectorAll(".fill")].map((f) => f.style.height).join();
                if (now && now !== seen.last) { seen.changes += 1; seen.last = now; }
                requestAnimationFrame(watch);
            })();
        }"""
    )
    box = pad.bounding_box()
    moves = stroke_moves(np.random.default_rng(9))
    page.mouse.move(box["x"] + moves[0][0], box["y"] + moves[0][1])
    page.mouse.down()
    for x, y in moves[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=2)
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    changes_before_release = page.evaluate("() => globalThis.__barsSeen.changes")
    page.mouse.up()
    assert changes_before_release >= 5


@pytest.mark.usefixtures("needs_mnist")
def test_a_test_digit_shows_in_the_view_and_clear_empties_it(page: Any, app_url: str) -> None:
    pad = open_live_view(page, app_url)
    status = "() => nnvizLive.view().root.dataset.status"
    page.locator(".st-key-draw_test_digit button").first.click()
    page.wait_for_function(f"() => ({status})() === 'shown' && nnvizLive.view().data.pixels", timeout=30_000)
    assert drawn_pixel_count(pad) == 0, "a test digit is not drawn on the pad"
    assert "true label" in page.locator(".live .pixels .note").text_content()

    draw_digit(page, pad, "1")
    assert wait_for_metric(page, "Prediction") == "1"
    page.locator(".st-key-draw_clear button").first.click()
    page.wait_for_function(f"() => ({status})() === 'empty'", timeout=30_000)
    wait_idle(page)
    assert drawn_pixel_count(pad) == 0 and read_metric(page, "Prediction") is None


def test_a_very_long_scribble_still_reaches_the_server(page: Any, app_url: str) -> None:
    open_live_view(page, app_url)
    zigzag = [[float(40 + (i % 2) * 200), 40 + i * 200 / 6000] for i in range(6000)]
    page.evaluate("strokes => nnvizLive.replay(strokes)", [[v for point in zigzag for v in point]])
    page.evaluate("() => nnvizLive.report()")
    wait_for_metric(page, "Prediction")
    kept = page.evaluate("() => nnvizLive.view().data.strokes")
    assert len(kept) == 1 and 100 < len(kept[0]) // 2 <= 4000, "the server kept the thinned stroke"
