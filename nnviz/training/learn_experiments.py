"""The Learn page's experiments, run inside a training worker: starting weights, and more data vs simpler methods.

Each experiment has the trainer's signature (network_config, training_config, data,
should_stop, time_limit_s) so the worker runs it exactly like a training
(`TrainerPool.submit(..., experiment=NAME)`). It yields an `ExperimentEvent` per
finished part, then one `FinishedEvent`. TensorFlow and scikit-learn are imported
inside the functions: the server imports this module only for the names and settings.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from nnviz.model.network import INITIALIZERS, NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.data import Dataset, split_data
from nnviz.training.events import BatchEvent, ExperimentEvent, FinishedEvent

STARTING_WEIGHTS = "nnviz.training.learn_experiments:compare_starting_weights"
DATA_SIZES = "nnviz.training.learn_experiments:compare_training_sizes"
EXPERIMENTS = (STARTING_WEIGHTS, DATA_SIZES)  # the only functions a worker will run as an experiment

# Starting weights: plain gradient descent, so nothing rescues a bad start; a few thousand images. Ten epochs:
# small random weights sit on a plateau for several epochs before they learn, and the class should see them leave it.
STARTING_TRAINING = TrainingConfig(epochs=10, batch_size=32, learning_rate=0.1, optimizer="sgd", train_size=3_000)
TILES_SENT = 6  # first-layer tiles per starting choice: enough to see whether they all look the same
ACTIVATION_SAMPLE_IMAGES = 200  # images whose first-hidden-layer values make the "at the start" histogram
ACTIVATION_VALUES_SENT = 5_000

# More data: the default MLP and two classical methods on growing training sets.
TRAINING_SIZES = (100, 300, 1_000, 3_000, 10_000, None)  # None = every training image
TEST_IMAGES = 2_000  # the same test digits for every method and size: ±1 % is plenty to compare
MLP_STEPS = 1_000  # about this many gradient steps at every size (small sets get more epochs), within 3..40 epochs
METHODS = ("Neural network (784-128-64-10)", "Logistic regression", "k-nearest neighbours (k = 3)")


@dataclass(frozen=True)
class Plan:
    """How the page starts an experiment: its function's name, how each part trains, and how many parts report."""

    experiment: str
    training: TrainingConfig
    parts: int


STARTING_PLAN = Plan(STARTING_WEIGHTS, STARTING_TRAINING, len(INITIALIZERS))
DATA_SIZES_PLAN = Plan(DATA_SIZES, TrainingConfig(), len(TRAINING_SIZES) * len(METHODS))

Stop = Callable[[], bool]


def _finished(started: float, parts: int, stopped: bool) -> FinishedEvent:
    if stopped:
        return FinishedEvent("stopped", 0, None, None, f"Stopped after {parts} parts.")
    return FinishedEvent("completed", 0, None, None, f"Done: {parts} parts in {time.perf_counter() - started:.0f} s.")


def _train_collecting(network_config: NetworkConfig, training_config: TrainingConfig, data: Dataset, stop: Stop):
    """Run `nnviz.training.fit.train`; return (loss x positions in epochs, losses, FinishedEvent)."""
    from nnviz.training.fit import train

    xs, ys, finished = [], [], None
    for event in train(network_config, training_config, data, should_stop=stop):
        if isinstance(event, BatchEvent):
            xs.append(event.epoch - 1 + event.step / event.steps_per_epoch)
            ys.append(event.loss)
        elif isinstance(event, FinishedEvent):
            finished = event
    return xs, ys, finished


def compare_starting_weights(
    network_config: NetworkConfig,
    training_config: TrainingConfig,
    data: Dataset,
    should_stop: Stop = lambda: False,
    time_limit_s: float | None = None,
) -> Iterator[ExperimentEvent | FinishedEvent]:
    """Train `network_config` once per initializer with `training_config`; one ExperimentEvent each.

    result: {"initializer", "epochs" (loss x), "losses", "status", "accuracy" (test, or nan),
    "message", "tiles_start"/"tiles_end" (TILES_SENT, 28, 28) first-layer weights,
    "activations_start" (up to 5,000 first-hidden-layer values at the start)}.
    """
    from nnviz.model.forward import ACTIVATION_FUNCTIONS
    from nnviz.model.keras_model import build_model, model_weights

    started = time.perf_counter()
    split = split_data(data, network_config.digits, training_config.train_size, training_config.seed)
    sample = split.x_train[:ACTIVATION_SAMPLE_IMAGES]
    for done, initializer in enumerate(INITIALIZERS):
        if should_stop() or (time_limit_s is not None and time.perf_counter() - started > time_limit_s):
            yield _finished(started, done, stopped=True)
            return
        config = replace(network_config, initializer=initializer)
        start = model_weights(build_model(config, seed=training_config.seed), config)
        first_w, first_b = start[0]
        values = ACTIVATION_FUNCTIONS[config.activation if len(start) > 1 else "softmax"](sample @ first_w + first_b)
        xs, ys, finished = _train_collecting(config, training_config, data, should_stop)
        if should_stop():  # a part cut short by Stop is not a result
            yield _finished(started, done, stopped=True)
            return
        trained = finished.weights if finished is not None and finished.weights is not None else None
        end = trained[0][0] if trained is not None else first_w
        yield ExperimentEvent(
            part=initializer,
            result={
                "initializer": initializer,
                "epochs": xs,
                "losses": ys,
                "status": finished.status if finished else "failed",
                "accuracy": float(finished.test_accuracy)
                if finished is not None and finished.test_accuracy is not None
                else math.nan,
                "message": finished.message if finished else "",
                "tiles_start": np.ascontiguousarray(first_w[:, :TILES_SENT].T).reshape(-1, 28, 28),
                "tiles_end": np.ascontiguousarray(end[:, :TILES_SENT].T).reshape(-1, 28, 28),
                "activations_start": values.ravel()[:ACTIVATION_VALUES_SENT].astype(np.float32),
                **_what_it_learned(config, start, trained, split.x_test, split.y_test),
            },
        )
    yield _finished(started, len(INITIALIZERS), stopped=False)


def _what_it_learned(config: NetworkConfig, start: list, trained: list | None, x_test, y_test) -> dict:
    """What a trained run answers and which of its parameters moved at all.

    "answers": (n_outputs,) how often it gave each answer on the test digits; "truths": (n_outputs,) how
    often each is the true answer; "moved": {"weights", "output_bias", "hidden_bias"} the largest change
    from the start (0.0 = that kind of parameter got exactly zero gradient). Empty without trained weights.
    """
    if trained is None:
        return {}
    from nnviz.model.forward import forward_pass
    from nnviz.model.network import Network

    said = forward_pass(Network.from_arrays(config, trained), x_test).probabilities.argmax(axis=1)
    n = len(config.digits)

    def largest_change(pairs) -> float:
        return max((float(np.abs(new - old).max()) for new, old in pairs), default=0.0)

    return {
        "answers": np.bincount(said, minlength=n),
        "truths": np.bincount(y_test, minlength=n),
        "moved": {
            "weights": largest_change((w, w0) for (w, _), (w0, _) in zip(trained, start)),
            "output_bias": largest_change([(trained[-1][1], start[-1][1])]),
            "hidden_bias": largest_change((b, b0) for (_, b), (_, b0) in zip(trained[:-1], start[:-1])),
        },
    }


def mlp_epochs(n_images: int, batch_size: int) -> int:
    """Epochs giving about MLP_STEPS gradient steps on n_images, within 3..40."""
    steps_per_epoch = max(1, n_images // batch_size)
    return int(min(40, max(3, round(MLP_STEPS / steps_per_epoch))))


def _classical(method: str, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray) -> float:
    """Test accuracy (0..1) of a scikit-learn method trained on (x_train, y_train)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier

    if method == METHODS[1]:
        # 60 iterations: within 0.5 % of converged on MNIST, and ~3x faster than the default 100 at 20,000 images.
        model = LogisticRegression(max_iter=60, tol=1e-3)
    else:
        model = KNeighborsClassifier(n_neighbors=min(3, len(x_train)))
    model.fit(x_train, y_train)
    return float((model.predict(x_test) == y_test).mean())


def compare_training_sizes(
    network_config: NetworkConfig,
    training_config: TrainingConfig,
    data: Dataset,
    should_stop: Stop = lambda: False,
    time_limit_s: float | None = None,
) -> Iterator[ExperimentEvent | FinishedEvent]:
    """Test accuracy of the MLP (`network_config`, trained like `training_config`) and two classical
    methods on TRAINING_SIZES training images; one ExperimentEvent per (method, size).

    result: {"method", "size" (images actually used), "accuracy" (0..1 on TEST_IMAGES test digits), "seconds"}.
    """
    started = time.perf_counter()
    parts = 0
    for size in TRAINING_SIZES:
        split = split_data(data, network_config.digits, size, training_config.seed)
        n = len(split.x_train)
        x_test, y_test = split.x_test[:TEST_IMAGES], split.y_test[:TEST_IMAGES]
        for method in METHODS:
            if should_stop() or (time_limit_s is not None and time.perf_counter() - started > time_limit_s):
                yield _finished(started, parts, stopped=True)
                return
            part_started = time.perf_counter()
            if method == METHODS[0]:
                config = replace(training_config, train_size=size, epochs=mlp_epochs(n, training_config.batch_size))
                _, _, finished = _train_collecting(network_config, config, data, should_stop)
                accuracy = math.nan
                if finished is not None and finished.weights is not None:
                    from nnviz.training.fit import evaluate

                    accuracy = evaluate(finished.weights, network_config.activation, "crossentropy", x_test, y_test)[1]
            else:
                accuracy = _classical(method, split.x_train, split.y_train, x_test, y_test)
            if should_stop():  # a part cut short by Stop is not a result
                yield _finished(started, parts, stopped=True)
                return
            parts += 1
            yield ExperimentEvent(
                part=f"{method}@{n}",
                result={
                    "method": method,
                    "size": n,
                    "accuracy": accuracy,
                    "seconds": time.perf_counter() - part_started,
                },
            )
    yield _finished(started, parts, stopped=False)


def accuracy_by_method(results: dict[str, dict]) -> dict[str, tuple[list[int], list[float]]]:
    """{method: (training sizes ascending, test accuracies)} from `compare_training_sizes` results."""
    table: dict[str, tuple[list[int], list[float]]] = {}
    for method in METHODS:
        rows = sorted((r["size"], r["accuracy"]) for r in results.values() if r["method"] == method)
        if rows:
            table[method] = ([size for size, _ in rows], [accuracy for _, accuracy in rows])
    return table


def data_size_sentence(table: dict[str, tuple[list[int], list[float]]]) -> str:
    """What really happened, in one sentence with the numbers: who wins with little data, who with a lot."""
    if len(table) < 2:
        return ""
    sizes = sorted(set.intersection(*(set(sizes) for sizes, _ in table.values())))
    if not sizes:
        return ""

    def best(size: int) -> tuple[str, float]:
        return max(((m, acc[s.index(size)]) for m, (s, acc) in table.items()), key=lambda pair: pair[1])

    (small_winner, small_acc), (big_winner, big_acc) = best(sizes[0]), best(sizes[-1])
    net = METHODS[0]
    text = (
        f"With {sizes[0]:,} images the best is {small_winner.split(' (')[0].lower()} ({small_acc:.0%}); "
        f"with {sizes[-1]:,} it is {big_winner.split(' (')[0].lower()} ({big_acc:.0%})."
    )
    if net in table and len(table[net][0]) == len(sizes):
        gains = {m: acc[-1] - acc[0] for m, (_, acc) in table.items()}
        biggest_gain = max(gains, key=gains.get)
        text += (
            f" The neural network gained {gains[net]:+.0%} from more data"
            + (
                ", the most of all methods"
                if biggest_gain == net
                else f" ({biggest_gain.split(' (')[0].lower()}: {gains[biggest_gain]:+.0%})"
            )
            + (
                "; here it never fell behind, so the claim that it needs more data to start is not what happened."
                if small_winner == net
                else "; it started behind and caught up, as the lab says."
                if big_winner == net
                else "."
            )
        )
    return text
