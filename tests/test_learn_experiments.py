"""The Learn page's worker-side experiments and the epoch-0 snapshot, in process and through the trainer pool."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from devkit.ci import require_module

keras = require_module("keras")
require_module("sklearn")

from devkit.synthetic import make_synthetic  # noqa: E402
from nnviz.model.keras_model import build_model, model_weights  # noqa: E402
from nnviz.model.network import INITIALIZERS, NetworkConfig  # noqa: E402
from nnviz.training import learn_experiments  # noqa: E402
from nnviz.training.config import TrainingConfig  # noqa: E402
from nnviz.training.events import EpochEvent, ExperimentEvent, FinishedEvent  # noqa: E402
from nnviz.training.fit import train  # noqa: E402
from nnviz.training.history import TrainingHistory  # noqa: E402
from nnviz.training.learn_experiments import (  # noqa: E402
    METHODS,
    STARTING_WEIGHTS,
    compare_starting_weights,
    compare_training_sizes,
)
from nnviz.training.pool import TrainerPool  # noqa: E402

TINY = NetworkConfig(hidden_sizes=(8,), activation="tanh")
QUICK = TrainingConfig(epochs=1, batch_size=32, learning_rate=0.1, optimizer="sgd", train_size=300)


@pytest.fixture(scope="module")
def synthetic():
    return make_synthetic(n_train=800, n_test=200)


def test_the_first_epoch_carries_the_starting_weights(synthetic) -> None:
    config = TrainingConfig(epochs=2, batch_size=32, train_size=200, seed=3)
    events = list(train(TINY, config, synthetic))
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    start = model_weights(build_model(TINY, seed=3), TINY)
    assert epochs[0].start_weights is not None and epochs[1].start_weights is None
    for (w, b), (w0, b0) in zip(epochs[0].start_weights, start):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)
    assert not np.array_equal(epochs[0].weights[0][0], start[0][0]), "epoch 1 moved the weights"
    history = TrainingHistory(TINY, config)
    for event in events:
        history.add(event)
    assert history.start_weights is epochs[0].start_weights and len(history.snapshots) == 2


def test_starting_weights_one_result_per_choice_with_the_reasons(synthetic) -> None:
    events = list(compare_starting_weights(TINY, QUICK, synthetic))
    results = {e.part: e.result for e in events if isinstance(e, ExperimentEvent)}
    assert list(results) == list(INITIALIZERS)
    assert events[-1].status == "completed"
    zeros, glorot, too_large = results["zeros"], results["glorot"], results["too_large"]
    # All zeros: the neurons stay identical through training; Glorot's differ.
    assert np.abs(zeros["tiles_end"] - zeros["tiles_end"][0]).max() == 0.0
    assert np.abs(glorot["tiles_end"] - glorot["tiles_end"][0]).max() > 0.0
    # Too large: tanh neurons start saturated at ±1; Glorot's start in the middle.
    assert np.abs(too_large["activations_start"]).mean() > 0.95
    assert np.abs(glorot["activations_start"]).mean() < 0.6
    assert glorot["status"] == "completed" and len(glorot["losses"]) == len(glorot["epochs"]) > 0
    assert glorot["accuracy"] > zeros["accuracy"]


@pytest.mark.parametrize(("activation", "weights_move"), [("relu", False), ("sigmoid", True)])
def test_all_zeros_moves_only_the_output_biases_when_every_hidden_value_is_zero(
    synthetic, activation: str, weights_move: bool
) -> None:
    # relu(0) = 0: no hidden value, so no weight gets a gradient; sigmoid(0) = 0.5 feeds the output weights.
    config = NetworkConfig(hidden_sizes=(8,), activation=activation)
    events = list(compare_starting_weights(config, QUICK, synthetic))
    zeros = next(e.result for e in events if isinstance(e, ExperimentEvent) and e.part == "zeros")
    assert (zeros["moved"]["weights"] > 0) == weights_move
    assert zeros["moved"]["output_bias"] > 0
    assert zeros["answers"].sum() == zeros["truths"].sum() == len(synthetic.y_test)


def test_training_sizes_every_method_at_every_size(synthetic, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learn_experiments, "TRAINING_SIZES", (100, None))
    monkeypatch.setattr(learn_experiments, "TEST_IMAGES", 150)
    monkeypatch.setattr(learn_experiments, "MLP_STEPS", 30)
    events = list(compare_training_sizes(TINY, TrainingConfig(batch_size=32), synthetic))
    results = [e.result for e in events if isinstance(e, ExperimentEvent)]
    assert isinstance(events[-1], FinishedEvent) and events[-1].status == "completed"
    expected = [(m, 100, k) for k in range(learn_experiments.SUBSETS) for m in METHODS] + [(m, 720, 0) for m in METHODS]
    assert [(r["method"], r["size"], r["subset"]) for r in results] == expected
    assert {r["available"] for r in results} == {len(synthetic.y_train)}
    for r in results:
        assert 0.3 < r["accuracy"] <= 1.0, r  # ten well-separated clusters: far above chance (0.1)


def test_a_stop_ends_an_experiment_between_parts(synthetic) -> None:
    events = list(compare_starting_weights(TINY, QUICK, synthetic, should_stop=lambda: True))
    assert len(events) == 1 and events[0].status == "stopped"


def test_the_pool_runs_an_experiment_in_a_worker(mnist_dir: Path) -> None:
    env = {**os.environ, "NNVIZ_DATA_DIR": str(mnist_dir)}
    pool = TrainerPool(max_concurrent=1, runs_per_worker=10, warm_spares=0, env=env, worker_args=("--no-warm-up",))
    try:
        run = pool.submit(TINY, QUICK, experiment=STARTING_WEIGHTS)
        events: list = []
        deadline = time.monotonic() + 240
        while not run.done and time.monotonic() < deadline:
            events += run.wait(timeout=0.2)
            if any(isinstance(e, ExperimentEvent) for e in events):
                run.stop()  # one part through the pool is enough; the rest is tested in process above
        assert isinstance(events[-1], FinishedEvent) and events[-1].status == "stopped", events[-1:]
        parts = [e for e in events if isinstance(e, ExperimentEvent)]
        assert [p.part for p in parts] == list(INITIALIZERS[: len(parts)]) and parts
        assert parts[0].result["tiles_end"].shape == (6, 28, 28)
        refused = pool.submit(TINY, QUICK, experiment="os:system")
        deadline = time.monotonic() + 60
        late: list = []
        while not refused.done and time.monotonic() < deadline:
            late += refused.wait(timeout=1.0)
        assert late[-1].status == "failed" and "unknown experiment" in late[-1].message
    finally:
        pool.shutdown()
