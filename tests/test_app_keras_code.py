"""The Train page's "Keras code" panel under AppTest: the code follows the form, the downloads are there."""

from __future__ import annotations

import ast

import pytest
from streamlit.testing.v1 import AppTest

from devkit.app_kit import APP_PATH
from nnviz.export.notebook import CODE_FILES


@pytest.fixture
def train_page() -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=60).run()
    at.switch_page("pages/screens/train.py").run()
    assert not at.exception
    return at


def shown_settings(at: AppTest) -> dict:
    """The UPPER_CASE constants of the Keras code the page shows."""
    (code,) = [block.value for block in at.code if "keras" in block.value]
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(code).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()
    }


def test_the_code_follows_the_form(train_page: AppTest) -> None:
    assert shown_settings(train_page)["HIDDEN_LAYERS"] == [128, 64]
    train_page.slider(key="train_layers").set_value(1).run()
    train_page.number_input(key="train_size_1").set_value(16)
    train_page.slider(key="train_epochs").set_value(7).run()
    settings = shown_settings(train_page)
    assert (settings["HIDDEN_LAYERS"], settings["EPOCHS"]) == ([16], 7)
    caption = " ".join(c.value for c in train_page.caption)
    assert f"{784 * 16 + 16 + 16 * 10 + 10:,} weights and biases" in caption


def test_both_downloads_are_offered(train_page: AppTest) -> None:
    keys = {element.key for element in train_page.get("download_button")}
    assert {key for _, _, key, _ in CODE_FILES} <= keys
