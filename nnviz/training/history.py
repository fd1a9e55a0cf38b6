"""Everything a training run has reported so far, gathered from its events.

The Train page keeps one `TrainingHistory` per session and feeds it each
event it polls; the figures and the progress bar read from it. Pure data,
no UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nnviz.lesson.wording import percent
from nnviz.model.network import Network, NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.events import BatchEvent, EpochEvent, FinishedEvent, QueuedEvent, StartedEvent, WeightArrays


@dataclass
class TrainingHistory:
    """The curves and snapshots of one run.

    batch_epochs/batch_losses: x (fractional epoch, 0..epochs) and y of the training-loss curve.
    epoch_numbers, train_losses, val_losses, val_accuracies (0..1): one point per finished epoch.
    snapshots: the weights after each finished epoch (index 0 = after epoch 1).
    start_weights: the weights before training (epoch 0), once epoch 1 has finished.
    """

    network_config: NetworkConfig
    training_config: TrainingConfig
    batch_epochs: list[float] = field(default_factory=list)
    batch_losses: list[float] = field(default_factory=list)
    epoch_numbers: list[int] = field(default_factory=list)
    train_losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    val_accuracies: list[float] = field(default_factory=list)
    snapshots: list[WeightArrays] = field(default_factory=list)
    start_weights: WeightArrays | None = None
    samples_seen: int = 0
    seconds: float = 0.0
    progress: float = 0.0  # 0..1 of the whole run
    queue_position: int | None = None  # 1 = next in line for a free trainer; None once training
    finished: FinishedEvent | None = None

    def add(self, event: object) -> None:
        """Record one event from the trainer."""
        epochs = self.training_config.epochs
        if isinstance(event, QueuedEvent):
            self.queue_position = event.position
        elif isinstance(event, StartedEvent):
            self.queue_position = None
        elif isinstance(event, BatchEvent):
            position = event.epoch - 1 + event.step / event.steps_per_epoch
            self.batch_epochs.append(position)
            self.batch_losses.append(event.loss)
            self.samples_seen = event.samples_seen
            self.seconds = event.seconds
            self.progress = min(position / epochs, 1.0)
        elif isinstance(event, EpochEvent):
            self.epoch_numbers.append(event.epoch)
            self.train_losses.append(event.train_loss)
            self.val_losses.append(event.val_loss)
            self.val_accuracies.append(event.val_accuracy)
            self.snapshots.append(event.weights)
            if event.start_weights is not None:
                self.start_weights = event.start_weights
            self.seconds = event.seconds
            self.progress = min(event.epoch / epochs, 1.0)
        elif isinstance(event, FinishedEvent):
            self.finished = event
            self.queue_position = None
            if event.status == "completed":
                self.progress = 1.0

    @property
    def epochs_done(self) -> int:
        return len(self.epoch_numbers)

    @property
    def seconds_left(self) -> float | None:
        """Estimated seconds to the end, from the pace so far (None until there is a pace)."""
        if self.progress <= 0.02 or self.seconds <= 0:
            return None
        return self.seconds * (1 - self.progress) / self.progress

    @property
    def model_label(self) -> str:
        """The badge of the finished run's model; its epoch count agrees with the message's."""
        finished = self.finished
        if finished is not None and finished.status == "completed" and finished.test_accuracy is not None:
            return f"Your model ({percent(finished.test_accuracy, 1)} on test digits)"
        done = 0 if finished is None else finished.epochs_done
        return f"Your model (stopped after epoch {done} of {self.training_config.epochs})"

    def trained_network(self) -> Network | None:
        """The finished run's model, or None if the run left nothing worth keeping.

        A run that ended early keeps the weights of its last complete epoch (a diverged
        one too: those are finite); with no complete epoch there is nothing to keep.
        """
        if self.finished is None or self.finished.weights is None or self.finished.status == "failed":
            return None
        return Network.from_arrays(self.network_config, self.finished.weights, label=self.model_label)
