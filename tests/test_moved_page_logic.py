"""Pieces moved out of the Network, Learn and Train pages and the canvas: time-travel, the clicked weight,
the Learn metrics, the compare table, the weight tiles and the canvas report.

Each is checked against an independent computation or with contrary inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

from devkit.anatomy import digit_like_input, random_arrays, random_network
from nnviz.explain.features import weight_tiles
from nnviz.explain.loss_landscape import WeightRef, weight_sentence
from nnviz.explain.loss_reading import BatchReading, input_loss
from nnviz.figures.compare import DIFFERS, DIFFERS_BACKGROUND, compare_table
from nnviz.figures.features import neuron_tiles_figure, tile_columns, weight_tiles_figure
from nnviz.lesson import learn_words as words
from nnviz.lesson.captions import star_label
from nnviz.model.forward import forward_pass
from nnviz.model.snapshots import time_travel
from nnviz.session.state.input import reported_drawing
from nnviz.training.run_compare import CompareRow, KeptRun


def test_time_travel_rebuilds_each_epochs_network_and_keys_it_by_epoch() -> None:
    base = random_network(hidden=(8,), seed=1)
    snapshots = [random_arrays(base.config, seed) for seed in (11, 12)] + [base.arrays()]
    x = digit_like_input(2)
    for epoch in (1, 2):
        network, model_id, history = time_travel(base, "abc", snapshots, epoch, x)
        assert model_id == f"abc@{epoch}" and network is not base and network.label.endswith(f"after epoch {epoch}")
        for (w, b), (w_snap, b_snap) in zip(network.arrays(), snapshots[epoch - 1]):
            np.testing.assert_array_equal(w, w_snap)
            np.testing.assert_array_equal(b, b_snap)
        # The followed digit is the final network's answer; each epoch's probability from a plain forward pass.
        digit = int(forward_pass(base, x).probabilities[0].argmax())
        assert history.digit == digit
        np.testing.assert_allclose(history.probabilities[epoch - 1], forward_pass(network, x).probabilities[0][digit])
    network, model_id, history = time_travel(base, "abc", snapshots, 3, None)
    assert network is base and model_id == "abc" and history is None


def test_time_travel_refuses_snapshots_that_do_not_fit_the_model() -> None:
    base = random_network(hidden=(8,), seed=1)
    other = random_network(hidden=(5,), seed=1)
    with pytest.raises(ValueError):
        time_travel(base, "abc", [other.arrays(), base.arrays()], 1, None)


def test_the_weight_sentence_reads_the_clicked_weight_from_the_network() -> None:
    network = random_network(hidden=(8, 6), seed=4)
    for ref in (WeightRef(0, 300, 7), WeightRef(1, 2, 5), WeightRef(2, 5, 9)):
        sentence = weight_sentence(network, ref)
        value = float(network.layers[ref.layer].weights[ref.row, ref.column])
        assert sentence.endswith(f": **w = {value:+.3f}**") and sentence[0].isupper()
        assert sentence[1:].startswith(ref.describe(network.config)[1:])
    network.layers[1].weights[2, 5] = -0.25
    assert weight_sentence(network, WeightRef(1, 2, 5)).endswith("**w = -0.250**")


@pytest.mark.parametrize(
    ("p", "shown"),
    [(0.5, "0.500"), (0.0004, "< 0.001"), (0.0, "0.000"), (0.001, "0.001"), (0.9996, "> 0.999"), (1.0, "1.000")],
)
def test_a_probability_never_reads_0_or_1_when_it_is_not(p: float, shown: str) -> None:
    assert words.probability_text(p) == shown


def test_the_learn_metrics_say_the_numbers_of_the_loss_reading() -> None:
    network, x = random_network(seed=6), digit_like_input(4)
    now = input_loss(network, x, 3)
    loss = words.loss_metrics(now, 3)
    assert [row[0] for row in loss] == ["p (probability of 3)", "Loss −log p", "Mean squared error"]
    assert float(loss[1][1]) == pytest.approx(-np.log(forward_pass(network, x).probabilities[0][3]), abs=6e-4)
    assert words.input_metrics(now)[0][1] == str(int(forward_pass(network, x).probabilities[0].argmax()))
    read = BatchReading(accuracy=0.9876, mean_loss=0.31249, losses=np.zeros(2), right=np.ones(2, bool))
    assert [row[1] for row in words.batch_metrics(read)] == ["98.8%", "0.312"]


def test_the_weight_pickers_words_follow_the_layer() -> None:
    config = random_network(hidden=(8, 6), seed=0).config
    assert words.weight_layer_title(config, 0).endswith(f"→ {config.layer_title(1)}")
    assert " (" not in words.weight_layer_title(config, 1).split(" → ")[0]
    assert "pixel" in words.from_neuron_label(0) and "pixel" not in words.from_neuron_label(1)
    assert words.before_after_title(1) == "Before and after 1 step"
    assert words.before_after_title(3) == "Before and after 3 steps"


def test_the_compare_table_marks_and_highlights_exactly_the_rows_that_differ() -> None:
    rows = [CompareRow("Epochs", ("5", "5"), False), CompareRow("Activation", ("relu", "tanh"), True)]
    runs = (KeptRun(1, history=None), KeptRun(4, history=None))
    table = compare_table(rows, runs)
    assert list(table.data.columns) == ["Setting", "", "Run 1", "Run 4"]
    assert table.data.values.tolist() == [["Epochs", "", "5", "5"], ["Activation", DIFFERS, "relu", "tanh"]]
    styles = table._compute().ctx  # (row, column) → [(property, value), ...] of the cells styled
    assert {cell[0] for cell in styles if styles[cell]} == {1}
    assert all(styles[(1, column)] for column in range(4))
    assert "background-color" in DIFFERS_BACKGROUND


def test_tiles_of_any_neurons_come_in_readable_columns_with_each_neurons_own_weights() -> None:
    network = random_network(hidden=(200,), seed=8)
    assert [tile_columns(n) for n in (1, 32, 33, 144, 145, 512)] == [8, 8, 12, 12, 16, 16]
    neurons = np.array([3, 150, 7])
    figure = neuron_tiles_figure(network, neurons)
    expected = weight_tiles_figure(weight_tiles(network, neurons), neurons, columns=8)
    assert figure.to_json() == expected.to_json()
    np.testing.assert_array_equal(weight_tiles(network, neurons)[1], network.layers[0].weights[:, 150].reshape(28, 28))


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ({"drawing": {"raw": {"objects": [1]}}}, {"objects": [1]}),
        ({"drawing": {"raw": None}}, None),
        ({"drawing": {"raw": [1, 2]}}, None),
        ({"drawing": "raw"}, None),
        ({"other": 1}, None),
        (None, None),
        ("drawing", None),
    ],
)
def test_only_a_well_formed_canvas_report_yields_a_drawing(reported: object, expected: dict | None) -> None:
    assert reported_drawing(reported) == expected


def test_the_latent_maps_star_names_where_the_input_came_from() -> None:
    assert star_label("test digit") == "this test digit" and star_label("photo") == "your photo"
    assert star_label("drawing") == star_label(None) == star_label("noise") == "your drawing"
