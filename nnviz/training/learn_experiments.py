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
# Every size below "all" is measured on this many random subsets: one subset can flatter a method by chance.
SUBSETS = 3
MNIST_TRAINING_IMAGES = 60_000  # the full MNIST training set; an offline folder may hold fewer


@dataclass(frozen=True)
class Plan:
    """How the page starts an experiment: its function's name, how each part trains, and how many parts report."""

    experiment: str
    training: TrainingConfig
    parts: int


STARTING_PLAN = Plan(STARTING_WEIGHTS, STARTING_TRAINING, len(INITIALIZERS))


def subsets_at(size: int | None) -> int:
    """How many random subsets of `size` training images are measured (one for all of them: there is only one)."""
    return 1 if size is None else SUBSETS


DATA_SIZES_PLAN = Plan(DATA_SIZES, TrainingConfig(), sum(map(subsets_at, TRAINING_SIZES)) * len(METHODS))

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
    methods on TRAINING_SIZES training images, each size on `subsets_at(size)` random subsets; one
    ExperimentEvent per (method, size, subset).

    result: {"method", "size" (images actually used), "subset" (0..), "accuracy" (0..1 on TEST_IMAGES
    test digits), "seconds", "available" (all training images in the data set, before the validation split)}.
    """
    started = time.perf_counter()
    parts = 0
    for size, subset in ((n, k) for n in TRAINING_SIZES for k in range(subsets_at(n))):
        seed = training_config.seed + subset
        split = split_data(data, network_config.digits, size, seed)
        n = len(split.x_train)
        x_test, y_test = split.x_test[:TEST_IMAGES], split.y_test[:TEST_IMAGES]
        for method in METHODS:
            if should_stop() or (time_limit_s is not None and time.perf_counter() - started > time_limit_s):
                yield _finished(started, parts, stopped=True)
                return
            part_started = time.perf_counter()
            if method == METHODS[0]:
                epochs = mlp_epochs(n, training_config.batch_size)
                config = replace(training_config, train_size=size, epochs=epochs, seed=seed)
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
                part=f"{method}@{n}#{subset}",
                result={
                    "method": method,
                    "size": n,
                    "subset": subset,
                    "accuracy": accuracy,
                    "seconds": time.perf_counter() - part_started,
                    "available": len(data.y_train),
                },
            )
    yield _finished(started, parts, stopped=False)


def _by_size(results: dict[str, dict], method: str) -> dict[int, list[float]]:
    """{training size: [accuracy of each subset]} of one method, sizes ascending."""
    table: dict[int, list[float]] = {}
    for r in sorted(results.values(), key=lambda r: (r["size"], r.get("subset", 0))):
        if r["method"] == method:
            table.setdefault(r["size"], []).append(r["accuracy"])
    return table


def accuracy_by_method(results: dict[str, dict]) -> dict[str, tuple[list[int], list[float]]]:
    """{method: (training sizes ascending, mean test accuracy over the subsets)} from `compare_training_sizes`."""
    table: dict[str, tuple[list[int], list[float]]] = {}
    for method in METHODS:
        if rows := _by_size(results, method):
            table[method] = (list(rows), [float(np.mean(values)) for values in rows.values()])
    return table


def accuracy_spread(results: dict[str, dict]) -> dict[str, tuple[list[int], list[float], list[float]]]:
    """{method: (training sizes ascending, lowest, highest accuracy over the subsets)}."""
    table = {}
    for method in METHODS:
        if rows := _by_size(results, method):
            table[method] = (list(rows), [min(v) for v in rows.values()], [max(v) for v in rows.values()])
    return table


def _short(method: str) -> str:
    return method.split(" (")[0].lower()


def _and(numbers: list[int]) -> str:
    """ "300", "300 and 1,000", "300, 1,000 and 3,000"."""
    texts = [f"{n:,}" for n in numbers]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _points(share: float) -> str:
    """A difference of two accuracies (0..1) in percentage points: "+23 percentage points"."""
    return f"{100 * share:+.0f} percentage point{'' if round(abs(100 * share)) == 1 else 's'}"


def data_size_sentence(results: dict[str, dict]) -> str:
    """What really happened, with the numbers: who is best with little and with much data, how much the
    network gained, and from which size it leads the other methods beyond the spread of its subsets."""
    table, spread = accuracy_by_method(results), accuracy_spread(results)
    if len(table) < 2:
        return ""
    sizes = sorted(set.intersection(*(set(sizes) for sizes, _ in table.values())))
    if not sizes:
        return ""

    def mean(method: str, size: int) -> float:
        return table[method][1][table[method][0].index(size)]

    def span(method: str, size: int) -> tuple[float, float]:
        at = spread[method][0].index(size)
        return spread[method][1][at], spread[method][2][at]

    def best(size: int) -> str:
        return max(table, key=lambda m: mean(m, size))

    small, big = best(sizes[0]), best(sizes[-1])
    subsets = max(len(_by_size(results, small)[sizes[0]]), 1)
    over = f" over {subsets} random subsets" if subsets > 1 else ""
    text = (
        f"With {sizes[0]:,} images the highest average is {_short(small)}'s ({mean(small, sizes[0]):.0%}{over}); "
        f"with {sizes[-1]:,} it is {_short(big)}'s ({mean(big, sizes[-1]):.0%})."
    )
    net = METHODS[0]
    if net not in table or any(size not in table[net][0] for size in sizes):
        return text

    def standing(size: int) -> str:
        """ "leads", "behind" or "level": level when the two methods' subsets overlap."""
        rival = max((m for m in table if m != net), key=lambda m: mean(m, size))
        (net_low, net_high), (rival_low, rival_high) = span(net, size), span(rival, size)
        if net_low > rival_high:
            return "leads"
        return "behind" if net_high < rival_low else "level"

    standings = [standing(size) for size in sizes]
    gain = mean(net, sizes[-1]) - mean(net, sizes[0])
    text += f" The neural network gained {_points(gain)} from {sizes[0]:,} to {sizes[-1]:,} images."
    groups: list[tuple[str, list[int]]] = []
    for size, where in zip(sizes, standings):
        if groups and groups[-1][0] == where:
            groups[-1][1].append(size)
        else:
            groups.append((where, [size]))
    words = {"leads": "ahead", "level": "level", "behind": "behind"}
    text += " Against the best other method it was " + "; ".join(
        f"{words[where]} at {_and(group)}" for where, group in groups
    )
    single = [size for size in sizes if len(_by_size(results, net)[size]) == 1]
    if single and subsets > 1:
        text += f" (one set of {_and(single)} images only: no spread)"
    if standings[0] == "behind" and standings[-1] == "leads":
        text += ": it started behind and caught up, as the lab says."
    elif standings[0] != "behind":
        text += f": with {sizes[0]:,} images it was not behind, so here it did not need more data to start."
    else:
        text += "."
    return text + all_images_note(results)


def all_images_note(results: dict[str, dict]) -> str:
    """ " The largest size, 21,911 images, is all there is: the folder holds 24,345 of MNIST's 60,000 training
    images, and 2,434 are kept aside for validation." Empty when the results do not say what was available."""
    rows = [r for r in results.values() if "available" in r]
    if not rows:
        return ""
    largest, available = max(r["size"] for r in rows), int(rows[0]["available"])
    if available >= MNIST_TRAINING_IMAGES:
        holds = f"the data holds all {MNIST_TRAINING_IMAGES:,} of MNIST's training images"
    else:
        holds = f"the offline folder holds {available:,} of MNIST's {MNIST_TRAINING_IMAGES:,} training images"
    return (
        f" The largest size, {largest:,} images, is all there is: {holds}, "
        f"and {available - largest:,} are kept aside for validation."
    )
