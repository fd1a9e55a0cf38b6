"""The starting-weights experiment's results, typed: what the worker sent, read once by `read_starting_weights`.

The worker sends one plain dict per starting choice (see
`nnviz.training.learn_experiments.compare_starting_weights`); the page reads these
typed values and the sentences below, which are computed from them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nnviz.model.network import INITIALIZER_LABELS, NetworkConfig

SAME_TILES = 1e-6  # first-layer tiles that differ by less than this (float32 noise) are "all the same"


def share_text(share: float) -> str:
    """A share 0..1 as a whole percentage that never rounds into 0 % or 100 % unless it is exactly that."""
    if 0 < share < 0.005:
        return "under 1%"
    if 0.995 <= share < 1:
        return "over 99%"
    return f"{share:.0%}"


@dataclass(frozen=True)
class StartRun:
    """One training from one starting choice.

    initializer: a key of INITIALIZER_LABELS. epochs, losses: (n,) the training loss curve (x in epochs).
    status: the run's end ("completed", "diverged", "stopped", "failed"). accuracy: on the test digits
    (0..1, nan if unknown). tiles_end: (k, 28, 28) first-layer weights after training.
    activations_start: (m,) values of the first hidden layer before training.
    """

    initializer: str
    epochs: np.ndarray
    losses: np.ndarray
    status: str
    accuracy: float
    tiles_end: np.ndarray
    activations_start: np.ndarray
    answers: np.ndarray | None = None
    truths: np.ndarray | None = None
    moved: Mapping[str, float] | None = None

    @property
    def name(self) -> str:
        return INITIALIZER_LABELS[self.initializer]

    @property
    def legend(self) -> str:
        """ "Glorot: 91% right", "Too large: blew up", or "…: did not finish"."""
        if self.status == "completed" and not math.isnan(self.accuracy):
            return f"{self.name}: {share_text(self.accuracy)} right"
        return f"{self.name}: {'blew up' if self.status == 'diverged' else 'did not finish'}"


@dataclass(frozen=True)
class StartingWeights:
    """The runs that arrived so far, in arrival order."""

    runs: tuple[StartRun, ...]

    def run(self, initializer: str) -> StartRun | None:
        return next((run for run in self.runs if run.initializer == initializer), None)

    def curves(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """{legend: (epochs, losses)} of every run."""
        return {run.legend: (run.epochs, run.losses) for run in self.runs}

    def tile_rows(self) -> list[np.ndarray]:
        """The all-zeros run's tiles after training, then Glorot's if it arrived; [] without the zeros run."""
        rows = [self.run(name) for name in ("zeros", "glorot")]
        return [run.tiles_end for run in rows if run is not None] if rows[0] is not None else []

    def start_activations(self) -> dict[str, np.ndarray]:
        """{name: first-hidden-layer values before training} of Glorot and Too large, those that arrived."""
        return {run.name: run.activations_start for run in map(self.run, ("glorot", "too_large")) if run is not None}


def read_starting_weights(results: Mapping[str, Mapping]) -> StartingWeights:
    """The typed runs of a starting-weights job's results ({part: result dict}, as the worker sent them)."""
    return StartingWeights(
        tuple(
            StartRun(
                initializer=str(r["initializer"]),
                epochs=np.asarray(r["epochs"], np.float64),
                losses=np.asarray(r["losses"], np.float64),
                status=str(r["status"]),
                accuracy=float(r["accuracy"]),
                tiles_end=np.asarray(r["tiles_end"], np.float32),
                activations_start=np.asarray(r["activations_start"], np.float32),
                answers=None if r.get("answers") is None else np.asarray(r["answers"], np.int64),
                truths=None if r.get("truths") is None else np.asarray(r["truths"], np.int64),
                moved=r.get("moved"),
            )
            for r in results.values()
        )
    )


def zero_tiles_sentence(rows: list[np.ndarray]) -> str:
    """What the tile rows of `StartingWeights.tile_rows` show, with the zeros run's real spread."""
    zeros = rows[0]
    spread = float(np.abs(zeros - zeros[0]).max())
    if spread < SAME_TILES:
        top = (
            f"top row, {len(zeros)} neurons that started at zero, after training: all the same (largest "
            f"difference {spread:.1g}), because equal starts get equal gradients."
        )
    else:
        top = (
            f"top row, {len(zeros)} neurons that started at zero, after training: they differ by up to {spread:.2g}, "
            "so something other than the gradient (noise, a changed setting) told them apart."
        )
    bottom = ""
    if len(rows) > 1:
        differ = float(np.abs(rows[1] - rows[1][0]).max()) >= SAME_TILES
        bottom = f" Bottom row: Glorot's neurons{', each different' if differ else ''}. Blue: ink there pushes the "
        bottom += "neuron up, orange: down."
    return f"What am I looking at: {top}{bottom}"


# The loss has left its plateau once it is below this share of where it started; a curve that takes
# longer than PLATEAU_MIN_EPOCHS to get there sat on a plateau (a good start gets there within an epoch).
PLATEAU_LEFT = 0.9
PLATEAU_MIN_EPOCHS = 1.5


def plateau_end(run: StartRun) -> float | None:
    """The epoch (x of the loss curve) at which the loss first fell below PLATEAU_LEFT of its first value.

    None if it never did (still on the plateau at the end); a small number if it learned from the start.
    """
    if len(run.losses) == 0 or not np.isfinite(run.losses[0]):
        return None
    below = np.flatnonzero(run.losses < PLATEAU_LEFT * run.losses[0])
    return float(run.epochs[below[0]]) if below.size else None


def plateau_sentence(run: StartRun) -> str | None:
    """ "Small random: stuck on a plateau for 3.4 epochs (loss near 2.30), then learns — slowly: 87% right after
    10 epochs." None for a run that learned within its first epoch, blew up or did not finish."""
    if run.status != "completed" or len(run.epochs) == 0:
        return None
    end, last = plateau_end(run), float(run.epochs[-1])
    near = f"the loss stayed near {run.losses[0]:.2f}"
    if end is None:
        return f"{run.name}: stuck on a plateau for all {last:.0f} epochs ({near}); it has not started to learn."
    if end < PLATEAU_MIN_EPOCHS:
        return None
    return (
        f"{run.name}: stuck on a plateau for {end:.1f} epochs ({near}), then learns — slowly: "
        f"{share_text(run.accuracy)} right after {last:.0f} epochs."
    )


def constant_answer_sentence(run: StartRun, digits: tuple[int, ...], activation: str) -> str | None:
    """Why a run that answers (almost) one digit scores what it does, and which of its parameters learned.

    "All zeros: 11% right, because it answers 1 for 100% of the test digits and 11% of them are 1s." Then,
    from the run's measured changes: "Only the output biases learned: with ReLU every hidden neuron starts at
    exactly 0, so every weight got exactly zero gradient." None if it gives no single answer most of the time.
    """
    if run.answers is None or run.truths is None or run.answers.sum() == 0:
        return None
    top = int(run.answers.argmax())
    said_share = run.answers[top] / run.answers.sum()
    if said_share < 0.9:
        return None
    truth_share = run.truths[top] / run.truths.sum()
    text = (
        f"{run.name}: {share_text(run.accuracy)} right, because it answers {digits[top]} for "
        f"{share_text(said_share)} of the test digits, and {share_text(truth_share)} of them are {digits[top]}s."
    )
    moved = run.moved or {}
    if moved.get("weights", 1.0) == 0.0 and moved.get("output_bias", 0.0) > 0.0:
        reason = (
            "with ReLU every hidden neuron starts at exactly 0, so every weight got exactly zero gradient"
            if activation == "relu"
            else "every weight got exactly zero gradient"
        )
        text += f" Only the output biases learned: {reason}."
    return text


def what_happened(reading: StartingWeights, config: NetworkConfig) -> str:
    """The starting-weights runs' stories for `config`'s network, from their curves and answers; "" if none."""
    sentences = []
    for run in reading.runs:
        sentence = constant_answer_sentence(run, config.digits, config.activation) or plateau_sentence(run)
        if sentence:
            sentences.append(sentence)
    return " ".join(sentences)
