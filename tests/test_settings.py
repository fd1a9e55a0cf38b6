"""The settings table: links round-trip, absurd links are explained and never crash, presets are complete."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.model.network import ACTIVATIONS, INITIALIZERS, MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE, NetworkConfig
from nnviz.session.settings import (
    PRESETS,
    SETTINGS,
    SETTINGS_BY_LINK,
    Experiment,
    ViewConfig,
    from_query,
    link_for,
    to_query,
)
from nnviz.training.config import (
    BATCH_SIZE_OPTIONS,
    LEARNING_RATE_OPTIONS,
    LOSSES,
    MAX_EPOCHS,
    OPTIMIZERS,
    TRAIN_SIZE_OPTIONS,
    TrainingConfig,
)

experiments = st.builds(
    Experiment,
    network=st.builds(
        NetworkConfig,
        hidden_sizes=st.lists(st.integers(1, MAX_LAYER_SIZE), max_size=MAX_HIDDEN_LAYERS).map(tuple),
        activation=st.sampled_from(ACTIVATIONS),
        initializer=st.sampled_from(INITIALIZERS),
        digits=st.sets(st.integers(0, 9), min_size=2).map(lambda d: tuple(sorted(d))),
    ),
    training=st.builds(
        TrainingConfig,
        epochs=st.integers(1, MAX_EPOCHS),
        batch_size=st.sampled_from(BATCH_SIZE_OPTIONS),
        learning_rate=st.sampled_from(LEARNING_RATE_OPTIONS),
        optimizer=st.sampled_from(OPTIMIZERS),
        loss=st.sampled_from(LOSSES),
        train_size=st.sampled_from((*TRAIN_SIZE_OPTIONS, None)),
        seed=st.integers(0, 2**31 - 1),
    ),
    view=st.builds(ViewConfig, presenter=st.booleans(), guess_first=st.booleans()),
)


@settings(max_examples=300, deadline=None)
@given(experiments)
def test_a_link_reproduces_the_experiment_it_was_made_from(exp: Experiment) -> None:
    assert from_query(to_query(exp)) == (exp, [])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*SETTINGS_BY_LINK, "preset", "junk"]) | st.text(max_size=30), st.text()))
def test_any_link_at_all_gives_a_valid_experiment_and_never_raises(params: dict[str, str]) -> None:
    exp, problems = from_query(params)
    exp.validate()
    assert all(isinstance(p, str) and len(p) < 300 for p in problems)


def test_the_table_has_one_row_per_config_field_and_reads_its_defaults_from_the_dataclasses() -> None:
    rows = {(s.part, s.field) for s in SETTINGS}
    expected = {
        (part, f.name)
        for part, config in (("network", NetworkConfig), ("training", TrainingConfig), ("view", ViewConfig))
        for f in fields(config)
    }
    assert rows == expected and len(rows) == len(SETTINGS)
    assert SETTINGS_BY_LINK["lr"].default == TrainingConfig.learning_rate
    assert SETTINGS_BY_LINK["layers"].default == NetworkConfig().hidden_sizes


def test_the_default_experiment_makes_an_empty_link() -> None:
    assert to_query(Experiment()) == {}
    assert link_for("train", Experiment()) == "/train"


def test_a_link_lists_only_what_differs_from_the_defaults() -> None:
    exp = Experiment(network=NetworkConfig(hidden_sizes=(32, 16), activation="sigmoid"))
    assert link_for("/train", exp) == "/train?layers=32,16&activation=sigmoid"


def test_good_values_are_parsed_and_snapped_to_the_offered_choices() -> None:
    exp, problems = from_query(
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
    assert exp.network == NetworkConfig(hidden_sizes=(32, 16), activation="sigmoid", digits=(7, 8, 9))
    assert exp.training == TrainingConfig(epochs=5, learning_rate=0.001, batch_size=128, train_size=None, seed=42)


def test_no_hidden_layer_reads_and_writes_as_none() -> None:
    exp, problems = from_query({"layers": "0"})
    assert problems == [] and exp.network.hidden_sizes == ()
    assert to_query(exp) == {"layers": "none"}


def test_absurd_values_are_ignored_with_a_reason_each() -> None:
    exp, problems = from_query(
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
    assert exp == Experiment()
    assert len(problems) == 9
    assert "Ignored epochs=-3: Epochs must be 1 to 50, got -3." in problems
    assert all(len(p) < 200 for p in problems)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("epochs", "1e999"),
        ("epochs", "9" * 5000),
        ("lr", "inf"),
        ("lr", "-inf"),
        ("lr", "1e999"),
        ("lr", "0"),
        ("lr", "-1"),
        ("batch", "0"),
        ("images", "5"),
        ("seed", str(2**40)),
        ("layers", "1," * 40),
        ("layers", "32,-1"),
        ("digits", "٣٤"),
        ("digits", "abc"),
        ("activation", "🧠"),
        ("optimizer", "\x00"),
        ("present", "maybe"),
    ],
)
def test_an_absurd_value_leaves_the_default_and_says_why(name: str, text: str) -> None:
    exp, problems = from_query({name: text})
    assert exp == Experiment()
    assert len(problems) == 1 and problems[0].startswith(f"Ignored {name}=")


def test_a_huge_valid_number_snaps_to_the_largest_option() -> None:
    exp, problems = from_query({"batch": "4096", "lr": "9.9"})
    assert problems == []
    assert (exp.training.batch_size, exp.training.learning_rate) == (1024, 10.0)


def test_markup_in_a_link_comes_back_cut_short_and_unchanged() -> None:
    _, problems = from_query({"[Log in here](//ev.il)": "1"})
    assert problems == ["Ignored [Log in here](//ev.il): not a setting nnviz knows."]


def test_a_preset_is_a_complete_experiment_that_overrides_the_form() -> None:
    form = Experiment(training=TrainingConfig(learning_rate=10.0, optimizer="sgd", epochs=40))
    exp, problems = from_query({"preset": "lab"}, base=form)
    assert problems == []
    assert exp == PRESETS["lab"].experiment
    assert exp.training.learning_rate == 0.001 and exp.training.optimizer == "adam"
    assert exp.network.digits == (7, 8, 9)


def test_a_link_may_change_a_preset() -> None:
    exp, problems = from_query({"epochs": "5", "preset": "LAB"})
    assert problems == []
    assert exp == replace(PRESETS["lab"].experiment, training=replace(PRESETS["lab"].experiment.training, epochs=5))


def test_every_preset_is_valid_and_keeps_the_view_when_applied_by_a_button() -> None:
    presenting = Experiment(view=ViewConfig(presenter=True))
    for preset in PRESETS.values():
        preset.experiment.validate()
        applied = preset.applied_to(presenting)
        assert applied.view.presenter and applied.network == preset.experiment.network
    assert PRESETS["default"].experiment == Experiment()


def test_with_value_uses_validate_messages() -> None:
    epochs = SETTINGS_BY_LINK["epochs"]
    assert epochs.get(epochs.with_value(Experiment(), 7)) == 7
    with pytest.raises(ValueError, match="Epochs must be 1 to 50, got 0"):
        epochs.with_value(Experiment(), 0)
    with pytest.raises(ValueError, match="Learning rate"):
        SETTINGS_BY_LINK["lr"].with_value(Experiment(), "fast")
