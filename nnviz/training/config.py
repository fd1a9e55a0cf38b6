"""The settings of one training run, validated, as a plain frozen dataclass."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

OPTIMIZERS = ("sgd", "momentum", "adam")
OPTIMIZER_LABELS = {"sgd": "Gradient descent (SGD)", "momentum": "SGD with momentum", "adam": "Adam"}
LOSSES = ("crossentropy", "mse")
LOSS_LABELS = {"crossentropy": "Cross-entropy", "mse": "Mean squared error"}
MAX_EPOCHS = 50
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 1e-4, 10.0
MIN_TRAIN_SIZE = 100
MAX_BATCH_SIZE = 4096
# What the Train page's sliders offer (a log scale for the learning rate).
LEARNING_RATE_OPTIONS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZE_OPTIONS = (8, 16, 32, 64, 128, 256, 512, 1024)
TRAIN_SIZE_OPTIONS = (1_000, 2_000, 5_000, 10_000, 20_000)  # and None: every training image there is


@dataclass(frozen=True)
class TrainingConfig:
    """How to train.

    epochs: 1..50 passes over the training set.
    batch_size: examples per gradient step, 1..4096.
    learning_rate: step size, 1e-4..10.
    optimizer: one of OPTIMIZERS; loss: one of LOSSES.
    train_size: how many training images to use (None = all available).
    seed: same seed + same settings = same weights and curve.
    """

    epochs: int = 3
    batch_size: int = 32  # with Adam at 0.001, 3 epochs of the default network reach ~96 %
    learning_rate: float = 0.001
    optimizer: str = "adam"
    loss: str = "crossentropy"
    train_size: int | None = None
    seed: int = 0

    def validate(self) -> TrainingConfig:
        """Raise ValueError with a plain-language reason if out of range; return self."""
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"Epochs must be 1 to {MAX_EPOCHS}, got {self.epochs}.")
        if not 1 <= self.batch_size <= MAX_BATCH_SIZE:
            raise ValueError(f"Batch size must be 1 to {MAX_BATCH_SIZE}, got {self.batch_size}.")
        if not MIN_LEARNING_RATE <= self.learning_rate <= MAX_LEARNING_RATE:
            raise ValueError(
                f"Learning rate must be {MIN_LEARNING_RATE:g} to {MAX_LEARNING_RATE:g}, got {self.learning_rate:g}."
            )
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}.")
        if self.loss not in LOSSES:
            raise ValueError(f"Unknown loss {self.loss!r}; choose one of {', '.join(LOSSES)}.")
        if self.train_size is not None and self.train_size < MIN_TRAIN_SIZE:
            raise ValueError(f"Use at least {MIN_TRAIN_SIZE} training images, got {self.train_size}.")
        if not 0 <= self.seed < 2**31:
            raise ValueError(f"Seed must be 0 to {2**31 - 1}, got {self.seed}.")
        return self

    def to_json(self) -> str:
        return json.dumps(asdict(self))
