"""The Lesson page under AppTest: every step, back/next, the step in the link, its buttons and its check questions."""

from __future__ import annotations

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devkit import app_state
from devkit.app_kit import APP_PATH
from devkit.canvas_injection import canvas_rgba, inject_drawing
from nnviz.lesson.glossary import TERMS, explain
from nnviz.lesson.steps import STEP_COUNT, STEPS, step_experiment
from nnviz.model.default_model import load_default_network
from nnviz.session.address import Address, query, tab_label
from nnviz.session.settings import ViewConfig
from nnviz.session.state.input import InputState
from nnviz.session.state.view import ViewState

TIMEOUT = 30
PAGE_TITLES = {  # each page's st.title, to know which page ran
    "draw": "Draw a digit",
    "train": "Train your own network",
    "network": "Inside the network",
}
STEP_OF = {step.title: number for number, step in enumerate(STEPS, start=1)}


def lesson(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    at.switch_page("pages/screens/lesson.py").run()
    assert not at.exception
    return at


def step_shown(at: AppTest) -> int:
    return int(at.header[0].value.split(" · ")[0])


def title(at: AppTest) -> str:
    return at.title[0].value


def go_to(at: AppTest, number: int) -> AppTest:
    at.selectbox(key="lesson_jump").set_value(number).run()
    assert not at.exception and step_shown(at) == number
    return at


def test_next_walks_every_step_and_back_returns() -> None:
    at = lesson()
    assert step_shown(at) == 1 and at.button(key="lesson_back").disabled
    for number in range(2, STEP_COUNT + 1):
        at.button(key="lesson_next").click().run()
        assert not at.exception
        assert step_shown(at) == number
        assert at.header[0].value == f"{number} · {STEPS[number - 1].title}"
        assert at.query_params["step"] == str(number)  # the current step is in the link
        assert f"Step {number} of {STEP_COUNT}" in at.get("progress")[0].proto.text
        assert at.code[0].value.endswith(f"step={number}")  # the hand-out link carries the step too
    assert at.button(key="lesson_next").disabled
    at.button(key="lesson_back").click().run()
    assert step_shown(at) == STEP_COUNT - 1


@pytest.mark.parametrize(("link", "shown"), [("5", 5), ("99", STEP_COUNT), ("abc", 1), ("0", 1)])
def test_a_link_opens_its_step_and_bad_steps_are_harmless(link: str, shown: int) -> None:
    at = lesson({"step": link})
    assert step_shown(at) == shown


def test_buttons_open_the_right_page_with_the_steps_settings() -> None:
    at = go_to(lesson(), STEP_OF["The 7/8/9 example"])
    at.button(key="lesson_open").click().run()
    assert not at.exception and title(at) == PAGE_TITLES["train"]
    assert at.session_state["train_digits"] == [7, 8, 9]
    assert at.session_state["train_layers"] == 2 and at.session_state["train_size_1"] == 32
    assert at.query_params["digits"] == "789"

    at = go_to(lesson(), STEP_OF["Layers and feed-forward"])
    at.button(key="lesson_open").click().run()
    assert not at.exception and title(at) == PAGE_TITLES["network"]

    at = go_to(lesson(), STEP_OF["Neurons are numbers"])
    at.button(key="lesson_open").click().run()
    assert not at.exception and title(at) == PAGE_TITLES["draw"]


def test_every_step_opens_its_place_with_exactly_its_experiment(mnist_dir) -> None:
    at = lesson({"present": "1"})
    for number, step in enumerate(STEPS, start=1):
        go_to(at, number).button(key="lesson_open").click().run()
        assert not at.exception
        assert app_state.concern(at, ViewState).page == step.page, step.title
        expected = Address(step.place, step_experiment(number, ViewConfig(presenter=True)))
        assert dict(at.query_params) == query(expected), step.title  # nothing left over from an earlier step
        if step.place.tab is not None:
            assert at.session_state[f"{step.page}_tabs"] == tab_label(step.page, step.place.tab)
        at.switch_page("pages/screens/lesson.py").run()
        assert step_shown(at) == number  # back on the lesson, at the same step


def test_the_check_question_is_answered_by_the_live_network(mnist) -> None:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT).run()
    seven = mnist.x_test[np.flatnonzero(mnist.y_test == 7)[0]]
    inject_drawing(at, "draw", canvas_rgba(seven))
    pixels = app_state.concern(at, InputState).current.pixels
    at.switch_page("pages/screens/lesson.py").run()
    go_to(at, STEP_OF["Layers and feed-forward"])
    assert not at.success  # the answer waits until it is asked for
    at.toggle(key=f"lesson_reveal_{STEP_OF['Layers and feed-forward']}").set_value(True).run()
    # Independently: hidden layer 1 of the default model is ReLU(x W + b).
    first = load_default_network().layers[0]
    expected = int(np.argmax(np.maximum(pixels @ first.weights + first.bias, 0)))
    assert re.search(rf"\bNeuron {expected} of hidden layer 1 fires most", at.success[0].value)


def test_without_a_drawing_the_check_asks_for_one() -> None:
    at = go_to(lesson(), STEP_OF["Layers and feed-forward"])
    assert any("Draw a digit first" in c.value for c in at.caption)


def test_the_glossary_links_every_term_to_its_page_and_filters() -> None:
    at = lesson()
    links = at.get("page_link")
    assert len(links) == len(TERMS)
    at.text_input(key="lesson_glossary_filter").input("bias").run()
    assert 1 <= len(at.get("page_link")) < len(TERMS)


def test_the_pages_tooltips_read_the_glossary(mnist_dir) -> None:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT).run()
    at.switch_page("pages/screens/train.py").run()
    assert at.slider(key="train_epochs").help == explain("epoch")
    assert at.select_slider(key="train_lr").help == explain("learning_rate")
    assert at.selectbox(key="train_init").help == explain("initialization")


def test_the_hand_out_link_leaves_presenter_mode_to_the_teacher_and_shows_a_qr_code() -> None:
    at = go_to(lesson({"present": "1", "guess": "1"}), 3)
    assert "present" not in at.code[0].value and "guess=1" in at.code[0].value
    assert len(at.get("image")) == 1
