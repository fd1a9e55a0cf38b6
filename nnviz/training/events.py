"""What a training run reports while it runs, as small picklable dataclasses.

The training loop yields these; the worker process forwards them over a pipe;
the Train page polls and draws them. No UI object is ever touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PREVIOUS_MODEL_KEPT = "Your previous model is kept."  # said whenever a run ends with nothing to adopt

WeightArrays = list[tuple[np.ndarray, np.ndarray]]  # [(weights (n_in, n_out), bias (n_out,)), ...]


@dataclass(frozen=True)
class BatchEvent:
    """Training loss after some batches (reported several times per epoch).

    epoch: 1-based; step: batches done in this epoch; steps_per_epoch: batches per epoch;
    samples_seen: training examples processed so far in the whole run; loss: mean
    loss over the batches since the previous BatchEvent.
    """

    epoch: int
    step: int
    steps_per_epoch: int
    samples_seen: int
    loss: float
    seconds: float  # since training started


@dataclass(frozen=True)
class EpochEvent:
    """End of an epoch: averages and a snapshot of the weights as they are now.

    start_weights: the weights before any training (the "epoch 0" snapshot), sent with epoch 1 only.
    """

    epoch: int
    epochs: int
    train_loss: float
    val_loss: float
    val_accuracy: float  # 0..1
    weights: WeightArrays
    seconds: float
    start_weights: WeightArrays | None = None


@dataclass(frozen=True)
class FinishedEvent:
    """The run is over.

    status: "completed", "stopped" (the user pressed Stop), "diverged" (loss became
    NaN or exploded), "timeout" (wall-clock limit) or "failed" (worker error).
    epochs_done: complete epochs; weights: the final weights, or None if there are
    none worth keeping; test_accuracy: 0..1 on the test set, or None; message: a
    plain sentence for the page.
    """

    status: str
    epochs_done: int
    weights: WeightArrays | None
    test_accuracy: float | None
    message: str


@dataclass(frozen=True)
class QueuedEvent:
    """Every trainer is busy: this run waits its turn. position 1 = next in line (sent whenever it changes)."""

    position: int


@dataclass(frozen=True)
class StartedEvent:
    """A trainer has picked the run up; BatchEvents follow. seconds_waited: since the run was submitted."""

    seconds_waited: float


@dataclass(frozen=True)
class ExperimentEvent:
    """One finished part of a Learn-page experiment run by a worker (see `nnviz.training.learn_experiments`).

    part: which part ("glorot", "Logistic regression@1000", ...); result: plain values and numpy arrays only.
    """

    part: str
    result: dict
