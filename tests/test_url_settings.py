"""Settings from a link are parsed defensively: good values are taken, absurd ones explained."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from nnviz.url_settings import parse_training_link
from tests.conftest import APP_PATH


def test_good_values_are_parsed_and_snapped_to_the_offered_choices() -> None:
    settings, problems = parse_training_link(
        {
            "layers": "32,16",
            "activation": "Sigmoid",
            "digits": "7,8,9",
            "epochs": "5",
            "lr": "0.0009",
            "batch": "100",
            "images": "all",
            "seed": "42",
        }
    )
    assert problems == []
    assert settings == {
        "layers": [32, 16],
        "activation": "sigmoid",
        "digits": [7, 8, 9],
        "epochs": 5,
        "lr": 0.001,
        "batch": 128,
        "images": None,
        "seed": 42,
    }


def test_the_lab_preset_sets_digits_seven_eight_nine() -> None:
    assert parse_training_link({"preset": "lab"}) == ({"digits": [7, 8, 9]}, [])


def test_absurd_values_are_ignored_with_a_reason_each() -> None:
    settings, problems = parse_training_link(
        {
            "layers": "9999",
            "epochs": "-3",
            "lr": "nan",
            "digits": "5",
            "activation": "x" * 500,
            "seed": "1e99",
            "hack": "<script>",
            "preset": "nope",
            "batch": "inf",
        }
    )
    assert settings == {}
    assert len(problems) == 9
    assert "Ignored epochs=-3: must be 1 to 50." in problems
    assert all(len(p) < 200 for p in problems)


def test_the_train_page_applies_a_link_and_explains_what_it_ignored(mnist_dir) -> None:
    at = AppTest.from_file(APP_PATH, default_timeout=30)
    at.query_params.update({"layers": "32", "epochs": "500", "preset": "lab"})
    at.run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert at.session_state["train_layers"] == 1 and at.session_state["train_size_1"] == 32
    assert at.session_state["train_digits"] == [7, 8, 9]
    assert any("epochs=500" in w.value for w in at.warning)
