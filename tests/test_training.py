"""Training: the loss falls, Stop and divergence end runs cleanly, labels map right, seeds reproduce.

Most tests use a small synthetic set (a fixed random "prototype" image per digit plus
noise) so they run in a fraction of a second each; one uses the real MNIST.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from devkit.ci import require_module

keras = require_module("keras")

from devkit.synthetic import SyntheticData, make_synthetic  # noqa: E402
from nnviz.model.forward import predict_digits  # noqa: E402
from nnviz.model.keras_model import network_to_model  # noqa: E402
from nnviz.model.network import Network, NetworkConfig  # noqa: E402
from nnviz.training.config import TrainingConfig  # noqa: E402
from nnviz.training.data import MAX_VALIDATION, digits_to_indices, split_data  # noqa: E402
from nnviz.training.events import BatchEvent, EpochEvent, FinishedEvent  # noqa: E402
from nnviz.training.fit import MAX_CHUNK_STEPS, evaluate, make_optimizer, train  # noqa: E402

SMALL_NET = NetworkConfig(hidden_sizes=(32,), activation="relu")


@pytest.fixture(scope="module")
def synthetic() -> SyntheticData:
    return make_synthetic()


def run(network: NetworkConfig, training: TrainingConfig, data, **kwargs) -> list:
    return list(train(network, training, data, **kwargs))


def of_type(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def assert_finite(weights) -> None:
    for w, b in weights:
        assert np.isfinite(w).all() and np.isfinite(b).all()
        assert w.dtype == np.float32 and b.dtype == np.float32


def test_loss_falls_and_events_are_well_formed(synthetic: SyntheticData) -> None:
    events = run(SMALL_NET, TrainingConfig(epochs=3, batch_size=32, learning_rate=0.01, optimizer="sgd"), synthetic)
    batches, epochs, finished = of_type(events, BatchEvent), of_type(events, EpochEvent), events[-1]
    assert isinstance(finished, FinishedEvent) and finished.status == "completed"
    assert of_type(events, FinishedEvent) == [finished]
    assert len(epochs) == finished.epochs_done == 3
    assert batches[-1].loss < 0.5 * batches[0].loss
    assert epochs[-1].val_loss < epochs[0].val_loss
    assert finished.test_accuracy > 0.9
    steps = batches[0].steps_per_epoch
    assert steps == len(split_data(synthetic, SMALL_NET.digits, None, 0).x_train) // 32  # last partial batch dropped
    for epoch in (1, 2, 3):
        in_epoch = [b for b in batches if b.epoch == epoch]
        # A point every 512 samples, but at least 20 per epoch: here every 2 steps (33 steps per epoch).
        assert [b.step for b in in_epoch] == [*range(2, steps, 2), steps]
        assert in_epoch[-1].step == steps
        assert [b.step for b in in_epoch] == sorted({b.step for b in in_epoch})
    assert [b.samples_seen for b in batches] == sorted(b.samples_seen for b in batches)
    assert batches[-1].samples_seen == 3 * steps * 32
    assert [e.epoch for e in epochs] == [1, 2, 3] and all(e.epochs == 3 for e in epochs)
    for event in epochs:
        assert 0 <= event.val_accuracy <= 1
        assert_finite(event.weights)
        assert [w.shape for w, _ in event.weights] == [(784, 32), (32, 10)]
    for a, b in zip(epochs[-1].weights, finished.weights):
        np.testing.assert_array_equal(a[0], b[0])
    assert "3 epochs" in finished.message and "Test accuracy" in finished.message


def test_loss_falls_on_real_mnist(mnist) -> None:
    events = run(NetworkConfig(hidden_sizes=(64,)), TrainingConfig(epochs=2, train_size=2000, seed=1), mnist)
    batches, finished = of_type(events, BatchEvent), events[-1]
    assert finished.status == "completed"
    assert batches[-1].loss < 0.5 * batches[0].loss
    assert finished.test_accuracy > 0.8


@pytest.mark.parametrize(
    ("optimizer", "loss", "learning_rate"),
    [("sgd", "mse", 0.5), ("momentum", "crossentropy", 0.01), ("adam", "mse", 0.003)],
)
def test_every_optimizer_and_loss_learns(synthetic: SyntheticData, optimizer: str, loss: str, learning_rate) -> None:
    config = TrainingConfig(epochs=2, batch_size=32, learning_rate=learning_rate, optimizer=optimizer, loss=loss)
    events = run(NetworkConfig(hidden_sizes=(16,), activation="tanh"), config, synthetic)
    batches, finished = of_type(events, BatchEvent), events[-1]
    assert finished.status == "completed"
    assert batches[-1].loss < 0.7 * batches[0].loss
    assert finished.test_accuracy > 0.5


def test_optimizers_are_the_keras_ones() -> None:
    sgd = make_optimizer(TrainingConfig(optimizer="sgd", learning_rate=0.05))
    momentum = make_optimizer(TrainingConfig(optimizer="momentum", learning_rate=0.05))
    adam = make_optimizer(TrainingConfig(optimizer="adam", learning_rate=10))
    assert isinstance(sgd, keras.optimizers.SGD) and sgd.momentum == 0
    assert isinstance(momentum, keras.optimizers.SGD) and momentum.momentum == 0.9
    assert isinstance(adam, keras.optimizers.Adam)
    assert float(sgd.learning_rate) == pytest.approx(0.05) and float(adam.learning_rate) == 10


@pytest.mark.parametrize("loss", ["crossentropy", "mse"])
def test_reported_loss_is_the_keras_loss(synthetic: SyntheticData, loss: str) -> None:
    network = Network.from_arrays(SMALL_NET, run(SMALL_NET, TrainingConfig(epochs=1), synthetic)[-1].weights)
    x, y = synthetic.x_test, synthetic.y_test
    probabilities = np.asarray(network_to_model(network)(x))
    one_hot = np.eye(10, dtype=np.float32)[y]
    if loss == "crossentropy":
        expected = keras.losses.CategoricalCrossentropy()(one_hot, probabilities)
    else:
        expected = keras.losses.MeanSquaredError()(one_hot, probabilities)
    value, accuracy = evaluate(network.arrays(), "relu", loss, x, y)
    assert value == pytest.approx(float(expected), rel=1e-4)
    assert accuracy == pytest.approx(float((probabilities.argmax(axis=1) == y).mean()))


def test_stop_keeps_the_model_of_the_last_complete_epoch(synthetic: SyntheticData) -> None:
    seen: list = []
    config = TrainingConfig(epochs=20, batch_size=16, learning_rate=0.01, optimizer="sgd")

    def should_stop() -> bool:
        # Checked between chunks (~0.1 s of work each): Stop is pressed once epoch 2 has shown a loss point.
        return any(isinstance(e, BatchEvent) and e.epoch == 2 for e in seen)

    for event in train(SMALL_NET, config, synthetic, should_stop=should_stop):
        seen.append(event)
    finished, epochs = seen[-1], of_type(seen, EpochEvent)
    assert finished.status == "stopped"
    assert 1 <= finished.epochs_done == len(epochs) < 20
    k = finished.epochs_done
    assert finished.message.startswith(f"Stopped after epoch {k} of 20: the model from the end of epoch {k} is kept.")
    assert finished.test_accuracy > 0.9, "the kept weights are the trained ones"
    for kept, snapshot in zip(finished.weights, epochs[-1].weights):
        np.testing.assert_array_equal(kept[0], snapshot[0])


def test_stop_at_an_epoch_boundary_keeps_that_epoch(synthetic: SyntheticData) -> None:
    seen: list = []
    config = TrainingConfig(epochs=5, batch_size=16, learning_rate=0.01, optimizer="sgd")
    for event in train(SMALL_NET, config, synthetic, should_stop=lambda: bool(of_type(seen, EpochEvent))):
        seen.append(event)
    finished = seen[-1]
    assert finished.status == "stopped" and finished.epochs_done == 1
    assert "Stopped after epoch 1 of 5" in finished.message
    for kept, snapshot in zip(finished.weights, of_type(seen, EpochEvent)[0].weights):
        np.testing.assert_array_equal(kept[0], snapshot[0])


def test_stop_before_the_first_epoch_ends_keeps_no_weights_so_the_previous_model_stays(
    synthetic: SyntheticData,
) -> None:
    seen: list = []
    # Batches of 1 give 1,200 steps per epoch, more than one compiled chunk can take (MAX_CHUNK_STEPS): however
    # fast the machine, the first loss point arrives while epoch 1 still has steps to go, so Stop lands inside it.
    config = TrainingConfig(epochs=2, batch_size=1)
    assert len(split_data(synthetic, tuple(range(10)), None, config.seed).y_train) > MAX_CHUNK_STEPS
    for event in train(SMALL_NET, config, synthetic, should_stop=lambda: bool(of_type(seen, BatchEvent))):
        seen.append(event)
    finished = seen[-1]
    assert finished.status == "stopped" and finished.epochs_done == 0
    assert finished.weights is None and finished.test_accuracy is None
    assert finished.message == "Stopped during epoch 1 of 2, before any epoch finished. Your previous model is kept."


def test_time_limit(synthetic: SyntheticData) -> None:
    events = run(SMALL_NET, TrainingConfig(epochs=2), synthetic, time_limit_s=0)
    assert len(events) == 1
    assert events[0].status == "timeout" and "time limit" in events[0].message
    assert events[0].weights is None and "previous model is kept" in events[0].message


def assert_no_bad_numbers(events: list) -> None:
    for event in events:
        if isinstance(event, BatchEvent):
            assert math.isfinite(event.loss)
        if isinstance(event, EpochEvent):
            assert math.isfinite(event.train_loss) and math.isfinite(event.val_loss)
            assert_finite(event.weights)


def test_huge_learning_rate_diverges(synthetic: SyntheticData) -> None:
    network = NetworkConfig(hidden_sizes=(64, 32), initializer="too_large")
    events = run(network, TrainingConfig(epochs=3, learning_rate=10, optimizer="sgd", batch_size=32), synthetic)
    finished = events[-1]
    assert finished.status == "diverged"
    assert "two settings can do that here" in finished.message  # too-large start and a huge step
    assert_no_bad_numbers(events)
    assert finished.weights is None or all(np.isfinite(w).all() for w, _ in finished.weights)
    assert finished.epochs_done == len(of_type(events, EpochEvent))


def test_divergence_keeps_the_last_good_epoch(synthetic: SyntheticData) -> None:
    # One step per epoch (batch = all 100 images): epoch 1's single step is computed from the
    # initial weights, so it ends finite; its huge update makes epoch 2's loss explode.
    network = NetworkConfig(hidden_sizes=(64, 32), initializer="too_large")
    training = TrainingConfig(epochs=4, learning_rate=10, optimizer="sgd", batch_size=4096, train_size=100)
    events = run(network, training, synthetic)
    finished, epochs = events[-1], of_type(events, EpochEvent)
    assert finished.status == "diverged"
    assert finished.epochs_done == len(epochs) >= 1
    assert_no_bad_numbers(events)
    for kept, snapshot in zip(finished.weights, epochs[-1].weights):
        np.testing.assert_array_equal(kept[0], snapshot[0])
    assert f"end of epoch {len(epochs)} is kept" in finished.message


def test_subset_labels_map_to_output_indices(synthetic: SyntheticData) -> None:
    assert list(digits_to_indices(np.array([7, 8, 9, 3, 7]), (7, 8, 9))) == [0, 1, 2, -1, 0]
    split = split_data(synthetic, (7, 8, 9), None, seed=0)
    for x, y in ((split.x_train, split.y_train), (split.x_val, split.y_val), (split.x_test, split.y_test)):
        assert set(np.unique(y)) == {0, 1, 2}
        np.testing.assert_array_equal(np.round(x[:, 0] * 10).astype(int), np.array([7, 8, 9])[y])
    assert len(split.x_test) == np.isin(synthetic.y_test, (7, 8, 9)).sum()

    config = NetworkConfig(hidden_sizes=(16,), digits=(7, 8, 9))
    finished = run(config, TrainingConfig(epochs=3, batch_size=16, learning_rate=0.01), synthetic)[-1]
    assert [w.shape for w, _ in finished.weights] == [(784, 16), (16, 3)]
    network = Network.from_arrays(config, finished.weights)
    keep = np.isin(synthetic.y_test, (7, 8, 9))
    predicted = predict_digits(network, synthetic.x_test)
    assert set(np.unique(predicted)) <= {7, 8, 9}
    assert (predicted[keep] == synthetic.y_test[keep]).mean() > 0.9
    assert finished.test_accuracy == pytest.approx((predicted[keep] == synthetic.y_test[keep]).mean())


def test_split_sizes(synthetic: SyntheticData) -> None:
    full = split_data(synthetic, tuple(range(10)), None, seed=3)
    assert len(full.x_val) == 120 and len(full.x_train) == 1080
    small = split_data(synthetic, tuple(range(10)), 200, seed=3)
    assert len(small.x_train) == 200
    np.testing.assert_array_equal(small.x_val, full.x_val)  # validation does not depend on train_size
    assert not set(map(bytes, small.x_train)) & set(map(bytes, small.x_val))
    big = SyntheticData(np.zeros((60_000, 784), np.float32), np.arange(60_000) % 10, synthetic.x_test, synthetic.y_test)
    assert len(split_data(big, tuple(range(10)), None, seed=0).x_val) == MAX_VALIDATION
    one_image = SyntheticData(synthetic.x_train[:1], np.array([7]), synthetic.x_test, synthetic.y_test)
    with pytest.raises(ValueError, match="too few"):
        split_data(one_image, (7, 8), None, 0)


def losses_and_weights(events: list) -> tuple[list[float], list]:
    return [e.loss for e in of_type(events, BatchEvent)], events[-1].weights


def test_same_seed_same_curve_even_when_interleaved(synthetic: SyntheticData) -> None:
    config = TrainingConfig(epochs=2, batch_size=32, seed=7)
    alone_losses, alone_weights = losses_and_weights(run(SMALL_NET, config, synthetic))
    # Two runs at once in this process, stepped alternately: the same seed must still give the same curve.
    same, other = [], []
    same_run = train(SMALL_NET, config, synthetic)
    other_run = train(SMALL_NET, TrainingConfig(epochs=2, batch_size=32, seed=8), synthetic)
    for a, b in zip(same_run, other_run):
        same.append(a)
        other.append(b)
    same.extend(same_run)
    other.extend(other_run)
    same_losses, same_weights = losses_and_weights(same)
    other_losses, other_weights = losses_and_weights(other)
    assert same_losses == alone_losses
    for (w, b), (w2, b2) in zip(alone_weights, same_weights):
        np.testing.assert_array_equal(w, w2)
        np.testing.assert_array_equal(b, b2)
    assert other_losses != alone_losses
    assert not np.array_equal(other_weights[0][0], alone_weights[0][0])


def test_snapshots_are_independent_copies(synthetic: SyntheticData) -> None:
    epochs = of_type(run(SMALL_NET, TrainingConfig(epochs=2, batch_size=32), synthetic), EpochEvent)
    assert len(epochs) == 2
    assert not np.array_equal(epochs[0].weights[0][0], epochs[1].weights[0][0])


@pytest.mark.parametrize(
    ("config", "match"),
    [
        (NetworkConfig(hidden_sizes=(8,) * 5), "At most 4 hidden layers"),
        (NetworkConfig(hidden_sizes=(0,)), "1 to 512 neurons"),
        (NetworkConfig(hidden_sizes=(16, 513)), "Hidden layer 2"),
        (NetworkConfig(activation="softplus"), "Unknown activation"),
        (NetworkConfig(initializer="ones"), "Unknown initializer"),
        (NetworkConfig(digits=()), "at least two digits"),
        (NetworkConfig(digits=(7,)), "at least two digits"),
        (NetworkConfig(digits=(8, 10)), "0 to 9"),
        (NetworkConfig(digits=(9, 7)), "ascending"),
        (NetworkConfig(digits=(7, 7, 8)), "unique"),
    ],
)
def test_invalid_network_config_raises(synthetic: SyntheticData, config: NetworkConfig, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        train(config, TrainingConfig(), synthetic)


@pytest.mark.parametrize(
    ("config", "match"),
    [
        (TrainingConfig(epochs=0), "Epochs"),
        (TrainingConfig(epochs=51), "Epochs"),
        (TrainingConfig(batch_size=0), "Batch size"),
        (TrainingConfig(batch_size=4097), "Batch size"),
        (TrainingConfig(learning_rate=0), "Learning rate"),
        (TrainingConfig(learning_rate=11), "Learning rate"),
        (TrainingConfig(optimizer="rmsprop"), "Unknown optimizer"),
        (TrainingConfig(loss="hinge"), "Unknown loss"),
        (TrainingConfig(train_size=50), "at least 100"),
        (TrainingConfig(seed=-1), "Seed"),
    ],
)
def test_invalid_training_config_raises(synthetic: SyntheticData, config: TrainingConfig, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        train(SMALL_NET, config, synthetic)


def test_valid_edge_configs_train(synthetic: SyntheticData) -> None:
    # No hidden layer at all, two digits, a batch larger than the data, the smallest training set.
    config = NetworkConfig(hidden_sizes=(), digits=(0, 1))
    events = run(config, TrainingConfig(epochs=2, batch_size=4096, train_size=100, learning_rate=0.01), synthetic)
    assert events[-1].status == "completed"
    assert [w.shape for w, _ in events[-1].weights] == [(784, 2)]
    assert len(of_type(events, EpochEvent)) == 2


def test_xla_path_learns_and_reproduces(synthetic: SyntheticData) -> None:
    # Long runs use the XLA-compiled loop; it must be as reproducible as the plain one.
    config = TrainingConfig(epochs=2, batch_size=32, seed=3)
    first = run(SMALL_NET, config, synthetic, jit_compile=True)
    again = run(SMALL_NET, config, synthetic, jit_compile=True)
    assert first[-1].status == "completed" and first[-1].test_accuracy > 0.9
    first_losses, first_weights = losses_and_weights(first)
    again_losses, again_weights = losses_and_weights(again)
    assert first_losses == again_losses
    np.testing.assert_array_equal(first_weights[0][0], again_weights[0][0])
    assert first_losses[-1] < 0.5 * first_losses[0]
