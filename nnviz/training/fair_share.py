"""A fair share of the trainers: what a run costs before it starts, and how much of them one browser may use.

A run's cost is weights × training images × epochs: the work of one pass of every image
through every weight, times the passes. The default run (784-128-64-10, 3 epochs, all ten
digits) is the unit a student sees ("this run is about 40× the default").

The trainers are shared by the class. Runs that cost no more than the default are always
allowed (and the pool keeps a trainer free of heavy runs for them, nnviz.training.pool). A
heavier run draws on its browser's share: over any WINDOW_S, one browser (all its tabs: see
nnviz.classroom.visitors) may use workers × WINDOW_S / students seconds of training, where
students are the browsers that trained in that window. A heavy run whose estimated time does
not fit in what is left is refused with a sentence; one that fits gets what is left as its
time limit, so a wrong estimate cannot take more.

The time estimate is rough (the words say "about"): per epoch, images × weights / COMPUTE_RATE
for the arithmetic plus steps × weights / STEP_RATE for reading and writing every weight once per
batch, which dominates small batches. Both rates are for one worker (one TensorFlow thread) on
the 2-core development machine. Its images are the ones the run trains on here: the server's
training set (`TrainingSet`, e.g. the offline folder's 24,345 of MNIST's 60,000) split the way
nnviz.training.data.split_data splits it. The cost keeps counting MNIST's full set, so that
"× the default" means the same on every server.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from nnviz.model.network import NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.data import validation_size

MNIST_TRAINING_IMAGES = 60_000
FULL_TRAINING_IMAGES = 55_000  # MNIST's 60,000 training images less the 5,000 held out for validation
COMPUTE_RATE = 3e9  # weight × image passes (forward and backward) per second: 784-128-64-10 at batch 128
STEP_RATE = 6e7  # weights read and updated per second and step: 4 × 512 neurons at batch 8 (~400 images/s)
WINDOW_S = 30 * 60  # the stretch of a lesson over which shares are counted
MIN_SHARE_S = 60.0  # however full the class, a browser may train a heavy run of a minute


class Trainers(Protocol):
    """What the share needs to know of the trainer pool."""

    max_concurrent: int
    time_limit_s: float


@dataclass(frozen=True)
class TrainingSet:
    """How many training images of each digit the server's MNIST holds: `per_digit[d]` for digit d (10 counts)."""

    per_digit: tuple[int, ...]

    @classmethod
    def from_labels(cls, labels: np.ndarray) -> TrainingSet:
        """From the training labels ((n,) ints 0..9): the count of each digit."""
        return cls(tuple(int(n) for n in np.bincount(np.asarray(labels, dtype=np.int64), minlength=10)[:10]))

    @property
    def total(self) -> int:
        return sum(self.per_digit)

    @property
    def is_full_mnist(self) -> bool:
        return self.total >= MNIST_TRAINING_IMAGES

    def trained_on(self, digits: tuple[int, ...], train_size: int | None) -> int:
        """Images one epoch trains on, as split_data splits them: the digits' images less validation, cut to size."""
        kept = sum(self.per_digit[d] for d in digits)
        held_out = validation_size(kept) if kept else 0
        left = max(0, kept - held_out)
        return left if train_size is None else min(left, int(train_size))


def training_images(training: TrainingConfig, digits: int = 10) -> int:
    """Images one epoch of the cost counts: the chosen digits' share of MNIST's full set, cut to `train_size`."""
    available = FULL_TRAINING_IMAGES * digits // 10
    return available if training.train_size is None else min(available, int(training.train_size))


def run_cost(network: NetworkConfig, training: TrainingConfig) -> int:
    """weights × training images × epochs (≥ 1)."""
    return max(1, network.param_count * training_images(training, len(network.digits)) * training.epochs)


DEFAULT_COST = run_cost(NetworkConfig(), TrainingConfig())


def estimated_seconds(network: NetworkConfig, training: TrainingConfig, images: int | None = None) -> float:
    """Roughly how long one worker trains this run on `images` per epoch (None: MNIST's full share), in seconds."""
    if images is None:
        images = training_images(training, len(network.digits))
    steps = math.ceil(images / training.batch_size)
    per_epoch = images * network.param_count / COMPUTE_RATE + steps * network.param_count / STEP_RATE
    return training.epochs * per_epoch


def duration(seconds: float) -> str:
    """'40 s', '6 min', '1.5 min', '2 h': rounded the way a person would say it (never to zero)."""
    if seconds < 59.5:
        return f"{max(1, round(seconds))} s"
    minutes = seconds / 60
    if minutes < 9.95:
        return f"{minutes:.1f}".removesuffix(".0") + " min"
    if minutes < 119.5:
        return f"{round(minutes)} min"
    return f"{seconds / 3600:.1f}".removesuffix(".0") + " h"


def times_default(cost: int) -> str:
    """The cost as a multiple of the default run: '40×', '1.5×', '0.25×' (two significant figures)."""
    ratio = cost / DEFAULT_COST
    return (f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.2g}") + "×"


@dataclass(frozen=True)
class Quote:
    """What a run would take from the class's trainers, before it starts.

    browser: whose share it draws on; cost: weights × images × epochs; seconds: the time estimate;
    heavy: costs more than the default; cap_s: the most a heavy run of this browser may train now (its share left);
    images: the images one epoch trains on here; held: the server's training images (None: MNIST's full 60,000).
    """

    browser: str
    cost: int
    seconds: float
    heavy: bool
    cap_s: float
    images: int = FULL_TRAINING_IMAGES
    held: int | None = None

    @property
    def allowed(self) -> bool:
        return not self.heavy or self.seconds <= self.cap_s

    def sentence(self) -> str:
        """Said on the Train page before the press."""
        # The time depends on the training set: a server with part of MNIST says how much it has.
        where = "" if self.held is None else f" (this server holds {self.held:,} of MNIST's {MNIST_TRAINING_IMAGES:,})"
        work = (
            f"This run is about {times_default(self.cost)} the default; it trains on {self.images:,} images"
            f"{where} and would take ~{duration(self.seconds)}"
        )
        if not self.heavy:
            return work + "."
        return f"{work}; the cap here is {duration(self.cap_s)} (your share of the trainers while the class trains)."

    def refusal(self) -> str:
        """Said when a heavy run does not fit the browser's share."""
        return (
            f"This run would take ~{duration(self.seconds)}, more than the {duration(self.cap_s)} of trainer time "
            "your browser has left while the class trains. Try fewer epochs, fewer images or a smaller network, "
            "or train the default (always allowed)."
        )


class FairShare:
    """The trainer time each browser's heavy runs used in the last `window_s` seconds. Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, window_s: float = WINDOW_S) -> None:
        self._clock = clock
        self._window_s = window_s
        self._spent: dict[str, deque[tuple[float, float]]] = {}  # browser -> (when, seconds) of its runs
        self._lock = threading.Lock()

    def _forget_old(self) -> None:
        since = self._clock() - self._window_s
        for browser in list(self._spent):
            runs = self._spent[browser]
            while runs and runs[0][0] <= since:
                runs.popleft()
            if not runs:
                del self._spent[browser]

    def quote(
        self,
        browser: str,
        network: NetworkConfig,
        training: TrainingConfig,
        trainers: Trainers,
        training_set: TrainingSet | None = None,
    ) -> Quote:
        """What the run would cost `browser` now, on `trainers` (a TrainerPool: its size and time limit).

        training_set: what the server's MNIST holds (None: MNIST's full training set).
        """
        workers, limit_s = trainers.max_concurrent, trainers.time_limit_s
        with self._lock:
            self._forget_old()
            students = len(self._spent.keys() | {browser})
            share = min(limit_s, max(MIN_SHARE_S, workers * self._window_s / students))
            left = max(0.0, share - sum(seconds for _, seconds in self._spent.get(browser, ())))
        cost = run_cost(network, training)
        if training_set is None:
            images, held = training_images(training, len(network.digits)), None
        else:
            images = training_set.trained_on(network.digits, training.train_size)
            held = None if training_set.is_full_mnist else training_set.total
        seconds = estimated_seconds(network, training, images)
        return Quote(browser, cost, seconds, cost > DEFAULT_COST, left, images, held)

    def charge(self, quote: Quote) -> float | None:
        """A run of `quote` starts: every run counts its browser as a student, a heavy one spends its time.
        Returns the run's own time limit (what is left of the share) for a heavy run, None for a light one."""
        with self._lock:
            spent = min(quote.seconds, quote.cap_s) if quote.heavy else 0.0
            self._spent.setdefault(quote.browser, deque()).append((self._clock(), spent))
        return quote.cap_s if quote.heavy else None


SERVER_SHARE = FairShare()  # one per server process, like its trainer pool


def queue_table(queued: list) -> list[dict[str, object]]:
    """The teacher's view of the trainers: one row per nnviz.training.pool.QueuedTraining, as plain values."""
    return [
        {
            "Run": q.training_id,
            "Where": "training" if q.position == 0 else f"waiting, number {q.position} in line",
            "Network": q.network.describe(),
            "Epochs": q.training.epochs,
            "Cost": times_default(run_cost(q.network, q.training)) + " the default",
            "Students": q.students if not q.other_rooms else f"{q.students} (and students of other rooms)",
            "Trained for": duration(q.seconds) if q.position == 0 else "—",
        }
        for q in queued
    ]


NO_QUEUE = "No run of this room's students is training or waiting right now."
