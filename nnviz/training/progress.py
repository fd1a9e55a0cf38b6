"""What the Train page says about a run: where it is, how far it got, and how it ended, from its history.

Every sentence is computed from the run's own numbers. A score is never rounded up to a
perfect one: 99.97 % is shown as 99.97 %, not 100.0 % (`nnviz.lesson.wording`).
"""

from __future__ import annotations

from typing import Literal

from nnviz.lesson.wording import percent
from nnviz.model.network import NetworkConfig
from nnviz.training.history import TrainingHistory

Tone = Literal["success", "warning", "error"]

SHARED_TRAINING = "Classmates chose exactly the same settings and seed, so you all watch one shared training."
STARTING = "Starting a trainer for you: the first one takes about 10 seconds to get ready."


def waiting_sentence(queue_position: int | None, waiting_for_trainer_start: bool) -> str | None:
    """Why the run has not begun yet (its place in line, or a trainer starting up); None once it trains."""
    if queue_position:
        return f"Waiting for a free trainer: you are number {queue_position} in line."
    return STARTING if waiting_for_trainer_start else None


def progress_text(history: TrainingHistory) -> str:
    """The progress bar's text: "Epoch 2 of 5 · 3,000 images seen · about 12 s left" (the estimate once known)."""
    epochs = history.training_config.epochs
    text = f"Epoch {min(history.epochs_done + 1, epochs)} of {epochs} · {history.samples_seen:,} images seen"
    left = history.seconds_left
    return text if left is None else f"{text} · about {left:.0f} s left"


def outcome(history: TrainingHistory) -> tuple[Tone, str] | None:
    """How a finished run ended, as (tone, markdown sentence); None while it runs."""
    finished = history.finished
    if finished is None:
        return None
    score = finished.test_accuracy
    if finished.status == "completed" and score is not None:
        return (
            "success",
            f"Done! Your network gets **{percent(score, 1)}** of the 'unseen' test images right. "
            "It is now your model on every page.",
        )
    if finished.status in ("stopped", "timeout"):
        accuracy = "" if score is None else f" It gets {percent(score, 1)} of test images right."
        return "warning", f"{finished.message}{accuracy}"
    return "error", finished.message


def parameter_arithmetic(config: NetworkConfig) -> str:
    """Markdown: how many weights and biases `config` has, and the sum for each layer (n_in × n_out + n_out)."""
    lines = [
        f"{name.replace('_', ' ')}: {n_in:,} × {n_out:,} + {n_out:,} = **{total:,}**"
        for name, n_in, n_out, total in config.param_terms()
    ]
    return f"**{config.param_count:,} weights and biases to learn**\n\n" + "\n\n".join(lines)
