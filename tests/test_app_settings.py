"""The experiment under AppTest: read from the link once, kept across page switches, written back to the link.

Also: link text is never rendered as markdown. None of these train, so none need MNIST.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from devkit.app_kit import APP_PATH
from nnviz.session.settings import PRESETS, to_query

TIMEOUT = 60
EVIL_KEY = "[Log in here](//ev.il)"
EVIL_IMAGE = "![x](//ev.il/a.png)"


def open_app(params: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    """A new session opened on `page` (default: Draw) with the link parameters `params`."""
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT)
    at.query_params.update(params or {})
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def markdown_texts(at: AppTest) -> list[str]:
    """The source text of every element Streamlit renders as markdown."""
    kinds = (at.markdown, at.caption, at.warning, at.info, at.error, at.success, at.title, at.subheader)
    return [element.value for kind in kinds for element in kind]


def test_a_link_sets_the_form_and_what_it_ignored_is_said_once() -> None:
    at = open_app({"layers": "32", "epochs": "500", "preset": "lab"})
    assert any("epochs\\=500" in w.value and "Epochs must be 1 to 50" in w.value for w in at.warning)
    at.switch_page("pages/screens/train.py").run()
    assert at.session_state["train_layers"] == 1 and at.session_state["train_size_1"] == 32
    assert at.session_state["train_digits"] == [7, 8, 9]
    assert at.slider(key="train_epochs").value == PRESETS["lab"].experiment.training.epochs
    assert not any("epochs" in w.value for w in at.warning), "said once, not on every page"


def test_markdown_in_a_link_is_shown_as_typed_never_as_a_link_or_an_image() -> None:
    at = open_app({EVIL_KEY: "1", "epochs": EVIL_IMAGE}, page="pages/screens/train.py")
    texts = markdown_texts(at)
    assert not any("//ev.il" in text for text in texts), "only the escaped text may reach markdown"
    warning = next(w.value for w in at.warning if "ignored" in w.value)
    # Escaped: every markdown character is shown as itself, so the whole text is there, only backslashed and
    # with invisible breaks (zero-width spaces) where an address could otherwise be turned into a live link.
    shown = warning.replace("\\", "").replace("\u200b", "")
    assert shown.count("[Log in here](//ev.il)") == 1
    assert shown.count("![x](//ev.il/a.png)") == 1


def test_every_change_is_written_to_the_link_and_survives_a_visit_to_draw() -> None:
    at = open_app(page="pages/screens/train.py")
    assert at.query_params == {}, "the default experiment makes a short, empty link"
    at.segmented_control(key="train_activation").set_value("sigmoid").run()
    at.number_input(key="train_size_1").set_value(32).run()
    at.number_input(key="train_size_2").set_value(16).run()
    at.slider(key="train_epochs").set_value(5).run()
    wanted = {"layers": "32,16", "activation": "sigmoid", "epochs": "5"}
    assert at.query_params == wanted

    at.switch_page("pages/screens/draw.py").run()
    assert at.query_params == wanted, "every page keeps the experiment in the address bar"
    at.switch_page("pages/screens/train.py").run()
    assert at.segmented_control(key="train_activation").value == "sigmoid"
    assert (at.number_input(key="train_size_1").value, at.number_input(key="train_size_2").value) == (32, 16)
    assert at.slider(key="train_epochs").value == 5
    assert not at.info, "nothing was trained, so nothing is flagged as changed"

    # A reload is a new session that reads the address bar: the same form again.
    again = open_app(dict(at.query_params), page="pages/screens/train.py")
    assert again.segmented_control(key="train_activation").value == "sigmoid"
    assert (again.number_input(key="train_size_1").value, again.number_input(key="train_size_2").value) == (32, 16)
    assert again.slider(key="train_epochs").value == 5


def test_an_invalid_choice_keeps_the_last_valid_experiment_in_the_link() -> None:
    at = open_app({"digits": "789"}, page="pages/screens/train.py")
    at.session_state["train_digits"] = [7]
    at.run()
    assert any("at least two digits" in w.value for w in at.warning)
    assert at.button(key="train_start").disabled
    assert at.query_params == {"digits": "789"}


def test_start_over_resets_the_form_through_the_table() -> None:
    at = open_app({"layers": "8", "lr": "0.1", "optimizer": "sgd"}, page="pages/screens/train.py")
    at.button(key="train_preset_default").click().run()
    assert at.query_params == to_query(PRESETS["default"].experiment) == {}
    assert at.slider(key="train_layers").value == 2
    assert at.select_slider(key="train_lr").value == PRESETS["default"].experiment.training.learning_rate
