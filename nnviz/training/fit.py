"""Train a network with Keras and report progress as events (imports TensorFlow).

Only the training worker, offline scripts and tests import this module.

How it stays fast: the training images live in TensorFlow once per run; each
epoch is a seeded numpy permutation cut into fixed-size batches of indices; one
`tf.function` runs a *chunk* of K optimizer steps per call (a `tf.while_loop`
inside the graph), so Python runs once per chunk, not once per batch. K adapts
to the measured step time so Python gets control back about every 0.1 s (to
send events and check Stop). Long runs compile the function with XLA (see
XLA_MIN_STEPS). Every batch has the same shape, so the function is traced once
per run: the last partial batch of each epoch is dropped (each epoch reshuffles,
so every image still gets used).

How it stays reproducible, even with several runs in one process: initializers
are seeded per layer (`nnviz.model.keras_model`), shuffling uses the run's own numpy
Generator (`keras.utils.set_random_seed`, process-global, is never called), and
the loss points are fixed groups of steps (SAMPLES_PER_POINT), not whatever a
chunk happened to cover - timing changes when points arrive, never their values.

The loss is computed from the output layer's weighted sums (logits): the same
value as Keras's cross-entropy on the softmax output, but without its clipping
of probabilities, which would cap the loss at ~16 and hide a blow-up.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator

import keras
import numpy as np
import tensorflow as tf

from nnviz.lesson.wording import percent
from nnviz.model.forward import ACTIVATION_FUNCTIONS
from nnviz.model.keras_model import build_model
from nnviz.model.network import NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.data import Dataset, SplitData, split_data
from nnviz.training.divergence import diverged_message
from nnviz.training.events import PREVIOUS_MODEL_KEPT, BatchEvent, EpochEvent, FinishedEvent, WeightArrays

TrainingEvent = BatchEvent | EpochEvent | FinishedEvent

# Loss points: one per this many training samples (at least MIN_POINTS_PER_EPOCH per epoch).
# Fixed by the settings, never by timing, so the same settings give the same curve.
SAMPLES_PER_POINT = 512
MIN_POINTS_PER_EPOCH = 20
TARGET_CHUNK_SECONDS = 0.1  # Python regains control (events out, Stop checked) about ten times a second
MAX_CHUNK_STEPS = 1024  # the size of the per-step loss buffer one compiled call fills
# A loss this many times the untrained loss (first step), or NaN/inf, means training blew up...
EXPLODE_FACTOR = 1e3
EXPLODE_FLOOR = 1e2  # ...but a loss below this never counts as exploded (MSE is at most 2)
# With TensorFlow's default thread pools XLA makes a step 2-3x faster but compiling costs ~0.5 s
# more than a plain trace, so only runs with at least this many steps use it. On one thread per op
# (the worker's setting) XLA gains only ~10% and delays the first loss point by ~1 s: never used there.
# Decided from the settings and the process's thread setting, never from timing.
XLA_MIN_STEPS = 1_000


def _kept(epochs_done: int) -> str:
    return f"the model from the end of epoch {epochs_done} is kept."


def set_tensorflow_threads(threads: int = 1) -> None:
    """Run each TensorFlow op on `threads` threads, one op at a time. Process-wide: for the training worker.

    Call it before TensorFlow runs anything (it raises RuntimeError after). On the 2-core
    classroom machine one thread trained the default network ~1.4x faster than TensorFlow's
    default pools (handing tiny matmuls between threads costs more than it saves; see
    bench/training_throughput.py) and leaves the other core to the Streamlit server.
    """
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


def make_optimizer(config: TrainingConfig) -> keras.optimizers.Optimizer:
    """Plain SGD (gradient descent), SGD with momentum 0.9, or Adam, at the configured learning rate."""
    rate = float(config.learning_rate)  # Keras refuses an int such as 10
    if config.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=rate)
    if config.optimizer == "momentum":
        return keras.optimizers.SGD(learning_rate=rate, momentum=0.9)
    if config.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=rate)
    raise ValueError(f"Unknown optimizer {config.optimizer!r}.")


def evaluate(weights: WeightArrays, activation: str, loss: str, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(mean loss, accuracy 0..1) of numpy weights on images x (n, 784) with output indices y (n,)."""
    if len(x) == 0:
        return float("nan"), float("nan")
    hidden = ACTIVATION_FUNCTIONS[activation]
    a = x
    for w, b in weights[:-1]:
        a = hidden(a @ w + b)
    logits = (a @ weights[-1][0] + weights[-1][1]).astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    if loss == "crossentropy":
        value = -log_probs[np.arange(len(y)), y].mean()
    else:
        one_hot = np.eye(logits.shape[1])[y]
        value = ((np.exp(log_probs) - one_hot) ** 2).mean()
    return float(value), float((logits.argmax(axis=1) == y).mean())


def _finite(weights: WeightArrays) -> bool:
    return all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in weights)


class _ChunkRunner:
    """Owns the Keras model, its optimizer and the compiled K-steps-per-call training function."""

    def __init__(
        self, network_config: NetworkConfig, training_config: TrainingConfig, split: SplitData, jit_compile: bool
    ) -> None:
        self.config = network_config
        self.model = build_model(network_config, seed=training_config.seed)
        self.kernels = [self.model.get_layer(name).kernel for name in network_config.dense_names]
        self.biases = [self.model.get_layer(name).bias for name in network_config.dense_names]
        self.variables = [v for pair in zip(self.kernels, self.biases) for v in pair]
        self.optimizer = make_optimizer(training_config)
        self.optimizer.build(self.variables)
        self.hidden_activation = {"relu": tf.nn.relu, "sigmoid": tf.math.sigmoid, "tanh": tf.math.tanh}[
            network_config.activation
        ]
        self.crossentropy = training_config.loss == "crossentropy"
        self.n_outputs = len(network_config.digits)
        self.x = tf.constant(split.x_train)
        self.y = tf.constant(split.y_train, dtype=tf.int32)
        # autograph off: the loop is an explicit tf.while_loop, and skipping the conversion traces ~0.1 s faster.
        self._chunk = tf.function(self._run_chunk, jit_compile=jit_compile, autograph=False)

    def _loss(self, xb: tf.Tensor, yb: tf.Tensor) -> tf.Tensor:
        a = xb
        for kernel, bias in zip(self.kernels[:-1], self.biases[:-1]):
            a = self.hidden_activation(tf.matmul(a, kernel.value) + bias.value)
        logits = tf.matmul(a, self.kernels[-1].value) + self.biases[-1].value
        if self.crossentropy:
            return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits))
        return tf.reduce_mean(tf.square(tf.nn.softmax(logits) - tf.one_hot(yb, self.n_outputs)))

    def _run_chunk(
        self, x: tf.Tensor, y: tf.Tensor, batches: tf.Tensor, start: tf.Tensor, count: tf.Tensor
    ) -> tf.Tensor:
        """Run `count` optimizer steps on batches[start : start + count]; (MAX_CHUNK_STEPS,) per-step losses."""

        def body(i: tf.Tensor, losses: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
            idx = tf.gather(batches, start + i)  # not batches[start + i]: XLA would recompile per start value
            xb = tf.gather(x, idx)
            yb = tf.gather(y, idx)
            with tf.GradientTape() as tape:
                loss = self._loss(xb, yb)
            grads = tape.gradient(loss, self.variables)
            self.optimizer.apply(grads, self.variables)
            return i + 1, tf.tensor_scatter_nd_update(losses, [[i]], [loss])

        # An explicit while_loop: with autograph's `for i in tf.range(count)` XLA would recompile for every count.
        _, losses = tf.while_loop(lambda i, _: i < count, body, (tf.constant(0), tf.zeros([MAX_CHUNK_STEPS])))
        return losses

    def run(self, batches: tf.Tensor, start: int, count: int) -> np.ndarray:
        """Train on `count` (<= MAX_CHUNK_STEPS) batches from row `start` of `batches` (steps, batch) int32.

        Returns the (count,) float64 loss of each step, computed before that step's update.
        """
        losses = self._chunk(self.x, self.y, batches, tf.constant(start, tf.int32), tf.constant(count, tf.int32))
        return losses.numpy()[:count].astype(np.float64)

    def weights(self) -> WeightArrays:
        """[(W, b), ...] float32 numpy copies of the current weights."""
        return [
            (np.array(k.numpy(), dtype=np.float32), np.array(b.numpy(), dtype=np.float32))
            for k, b in zip(self.kernels, self.biases)
        ]


def train(
    network_config: NetworkConfig,
    training_config: TrainingConfig,
    data: Dataset,
    should_stop: Callable[[], bool] = lambda: False,
    time_limit_s: float | None = None,
    *,
    jit_compile: bool | None = None,
) -> Iterator[TrainingEvent]:
    """Train a fresh network and yield progress; the last event is always a `FinishedEvent`.

    data: an `nnviz.model.mnist.MnistData` (x (n, 784) float32 0..1, y (n,) digits). Only
        `network_config.digits` are used; `nnviz.training.data.split_data` picks the
        training, validation and test images. Outputs are indices into the digits.
    should_stop: polled between chunks (~every 0.1 s); True ends the run as "stopped",
        keeping the partly trained weights.
    time_limit_s: wall-clock limit in seconds; reaching it ends the run as "timeout", weights kept.
    jit_compile: force XLA on or off; None decides from the number of steps and threads (XLA_MIN_STEPS).

    Yields a BatchEvent (mean loss of its steps, each taken before that step's update) every
    SAMPLES_PER_POINT training samples, and at least MIN_POINTS_PER_EPOCH per epoch;
    an EpochEvent (mean training loss, validation loss/accuracy, weight snapshot) after
    every epoch; then one FinishedEvent. Raises ValueError for an invalid configuration
    or too little data, at the call, before anything is yielded.
    """
    network_config.validate()
    training_config.validate()
    split = split_data(data, network_config.digits, training_config.train_size, training_config.seed)
    return _Run(network_config, training_config, split, should_stop, time_limit_s, jit_compile).events()


class _Run:
    """One training run: the epoch/chunk loop and the rules for how it ends."""

    def __init__(
        self,
        network_config: NetworkConfig,
        training_config: TrainingConfig,
        split: SplitData,
        should_stop: Callable[[], bool],
        time_limit_s: float | None,
        jit_compile: bool | None,
    ) -> None:
        self.network_config = network_config
        self.training_config = training_config
        self.split = split
        self.should_stop = should_stop
        self.time_limit_s = time_limit_s
        self.n_train = len(split.x_train)
        self.batch_size = min(training_config.batch_size, self.n_train)
        # Fixed batch shape (so one trace serves the whole run): the last partial batch is dropped.
        self.steps_per_epoch = self.n_train // self.batch_size
        if jit_compile is None:
            jit_compile = (
                training_config.epochs * self.steps_per_epoch >= XLA_MIN_STEPS
                and tf.config.threading.get_intra_op_parallelism_threads() != 1
            )
        self.jit_compile = jit_compile
        self.start_weights: WeightArrays = []  # set when the run starts
        self.last_good: WeightArrays | None = None  # the latest finite end-of-epoch snapshot

    def events(self) -> Iterator[TrainingEvent]:
        epochs = self.training_config.epochs
        steps = self.steps_per_epoch
        started = time.perf_counter()
        runner = _ChunkRunner(self.network_config, self.training_config, self.split, self.jit_compile)
        start_weights = self.start_weights = runner.weights()  # "epoch 0": where gradient descent started
        shuffle_rng = np.random.default_rng(np.random.SeedSequence([self.training_config.seed, 2]))
        point_steps = max(1, min(math.ceil(steps / MIN_POINTS_PER_EPOCH), round(SAMPLES_PER_POINT / self.batch_size)))
        chunk = 1  # the first call mostly traces: keep it short so the first loss point comes early
        untrained_loss: float | None = None
        for epoch in range(1, epochs + 1):
            order = shuffle_rng.permutation(self.n_train)[: steps * self.batch_size]
            batches = tf.constant(order.reshape(steps, self.batch_size).astype(np.int32))
            epoch_losses = np.empty(steps)
            done = 0  # steps trained in this epoch
            reported = 0  # steps of this epoch already in a loss point
            while done < steps:
                if self.should_stop():
                    yield self._ended_early("stopped", "Stopped", epoch - 1)
                    return
                if self.time_limit_s is not None and time.perf_counter() - started > self.time_limit_s:
                    reason = f"Training reached its time limit of {self.time_limit_s:g} s"
                    yield self._ended_early("timeout", reason, epoch - 1)
                    return
                count = min(chunk, steps - done, MAX_CHUNK_STEPS)
                chunk_started = time.perf_counter()
                epoch_losses[done : done + count] = runner.run(batches, done, count)
                per_step = (time.perf_counter() - chunk_started) / count
                if untrained_loss is None:
                    untrained_loss = float(epoch_losses[0])
                else:  # size chunks from real steps, not from the first call's tracing
                    chunk = max(1, round(TARGET_CHUNK_SECONDS / max(per_step, 1e-6)))
                done += count
                limit = max(EXPLODE_FACTOR * untrained_loss, EXPLODE_FLOOR)
                # Loss points: every point_steps steps, and the remainder at the end of the epoch.
                while done - reported >= point_steps or (done == steps and reported < steps):
                    end = min(reported + point_steps, steps)
                    loss = float(epoch_losses[reported:end].mean())
                    if not math.isfinite(loss) or loss > limit:
                        yield self._diverged(epoch)
                        return
                    reported = end
                    samples = ((epoch - 1) * steps + end) * self.batch_size
                    yield BatchEvent(epoch, end, steps, samples, loss, time.perf_counter() - started)
            weights = runner.weights()
            if not _finite(weights):
                yield self._diverged(epoch)
                return
            self.last_good = weights
            val_loss, val_accuracy = evaluate(
                weights, self.network_config.activation, self.training_config.loss, self.split.x_val, self.split.y_val
            )
            yield EpochEvent(
                epoch=epoch,
                epochs=epochs,
                train_loss=float(epoch_losses.mean()),
                val_loss=val_loss,
                val_accuracy=val_accuracy,
                weights=weights,
                seconds=time.perf_counter() - started,
                start_weights=start_weights if epoch == 1 else None,
            )
        yield self._finished("completed", epochs, self.last_good, f"Training finished: {epochs} epochs.")

    def _ended_early(self, status: str, reason: str, epochs_done: int) -> FinishedEvent:
        """A run ended before its last epoch keeps the model from the end of its last complete epoch.

        The kept model is then the one the curves and the snapshots show, and a run
        stopped before any epoch finished replaces nothing.
        """
        epochs = self.training_config.epochs
        if epochs_done == 0:
            message = f"{reason} during epoch 1 of {epochs}, before any epoch finished. {PREVIOUS_MODEL_KEPT}"
        else:
            message = f"{reason} after epoch {epochs_done} of {epochs}: {_kept(epochs_done)}"
        return self._finished(status, epochs_done, self.last_good, message)

    def _diverged(self, epoch: int) -> FinishedEvent:
        training = self.training_config
        activation = self.network_config.activation
        message = diverged_message(epoch, self.start_weights, activation, training.optimizer, training.learning_rate)
        if self.last_good is None:
            message += f" No epoch finished before that. {PREVIOUS_MODEL_KEPT}"
        else:
            message += f" {_kept(epoch - 1)}"
        return self._finished("diverged", epoch - 1, self.last_good, message)

    def _finished(self, status: str, epochs_done: int, weights: WeightArrays | None, message: str) -> FinishedEvent:
        """The closing event, with the test accuracy of whatever weights are kept."""
        accuracy = None
        if weights is not None and len(self.split.x_test):
            accuracy = evaluate(
                weights, self.network_config.activation, self.training_config.loss, self.split.x_test, self.split.y_test
            )[1]
            if status == "completed":
                message += f" Test accuracy: {percent(accuracy, 1)} on {len(self.split.x_test):,} test images."
        return FinishedEvent(status, epochs_done, weights, accuracy, message)
