"""Guess first and presenter mode under AppTest: covered until the class guesses, the tally, bigger figures."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devkit.app_kit import APP_PATH, wait_for_training
from devkit.live_injection import live_data, report_drawing

TIMEOUT = 60


def app(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    assert not at.exception
    return at


def revealed(at: AppTest) -> bool:
    """Whether the Draw page's live view may show its answer (guess first covers it until the class guesses)."""
    return live_data(at)["reveal"]


def digit_of(mnist, digit: int) -> np.ndarray:
    return mnist.x_test[np.flatnonzero(mnist.y_test == digit)[0]]


def guess_picker(at: AppTest):
    pickers = [p for p in at.radio if p.label == "Your class's guess"]
    return pickers[0] if pickers else None


def test_guess_first_covers_the_answer_until_the_class_guesses(mnist) -> None:
    at = app({"guess": "1"})
    assert at.sidebar.toggle(key="view_guess").value
    report_drawing(at, digit_of(mnist, 7))
    assert not at.exception
    assert not revealed(at) and guess_picker(at) is not None

    guess_picker(at).set_value(9).run()
    assert not at.exception
    assert revealed(at)
    assert any(info.value == "You guessed 9, it said 7. Not this time." for info in at.info)
    assert any("0 of 1 guesses right" in c.value for c in at.sidebar.caption)

    # More strokes on the same drawing keep the answer shown; a new drawing asks again.
    more = digit_of(mnist, 7).copy()
    more[:28] = 1.0
    report_drawing(at, more)
    assert revealed(at) and guess_picker(at) is None
    at.button(key="draw_clear").click().run()
    report_drawing(at, digit_of(mnist, 3))
    assert not revealed(at) and guess_picker(at) is not None
    guess_picker(at).set_value(3).run()
    assert any(info.value == "You guessed 3, it said 3. Right!" for info in at.info)
    assert any("1 of 2 guesses right" in c.value for c in at.sidebar.caption)


def test_the_guess_first_switch_puts_itself_in_the_link(mnist) -> None:
    at = app({})
    report_drawing(at, digit_of(mnist, 7))
    assert revealed(at) and "guess" not in at.query_params
    at.sidebar.toggle(key="view_guess").set_value(True).run()
    assert at.query_params["guess"] == "1"
    assert not revealed(at)  # this drawing now waits for a guess


def test_guess_first_on_train_waits_for_a_curve_then_marks_it(trainer) -> None:
    at = app({"guess": "1", "layers": "16", "epochs": "1", "images": "1000"})
    at.switch_page("pages/screens/train.py").run()
    assert at.button(key="train_start").disabled  # guess first
    picker = next(group for group in at.get("button_group") if group.label.startswith("Guess first"))
    picker.set_value("fast").run()
    assert not at.button(key="train_start").disabled, "a picked shape lets the class train"
    at.button(key="train_start").click().run()
    assert not at.exception
    wait_for_training(at)
    assert not at.exception
    verdicts = [info.value for info in at.info if info.value.startswith("You guessed “falls fast”")]
    assert verdicts, [info.value for info in at.info]
    assert any("of 1 guesses right" in c.value for c in at.sidebar.caption)
    assert any(chart.proto.id and "guess_curve_fig" in chart.proto.id for chart in at.get("plotly_chart"))
    # The guess belonged to that run: the picker is empty again, and the next run waits for a new guess.
    picker = next(group for group in at.get("button_group") if group.label.startswith("Guess first"))
    assert picker.value is None and at.button(key="train_start").disabled


def figure_height(at: AppTest, key_part: str) -> int:
    import json

    for chart in at.get("plotly_chart"):
        if key_part in chart.proto.id:
            return json.loads(chart.proto.spec)["layout"]["height"]
    raise AssertionError(f"no chart keyed {key_part}")


@pytest.mark.parametrize(
    "page", ["pages/screens/draw.py", "pages/screens/lesson.py", "pages/screens/network.py", "pages/screens/train.py"]
)
def test_presenter_mode_injects_its_css(page: str, mnist_dir) -> None:
    at = app({"present": "1"})
    at.switch_page(page).run()
    assert not at.exception
    assert any("stMetricValue" in html.proto.body for html in at.get("html"))
    plain = app({})
    plain.switch_page(page).run()
    assert not any("stMetricValue" in html.proto.body for html in plain.get("html"))


def test_presenter_mode_sizes_the_live_view() -> None:
    assert live_data(app({"present": "1"}))["presenter"] is True
    assert live_data(app({}))["presenter"] is False
