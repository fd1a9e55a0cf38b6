"""Training time-travel: the network as it was after each epoch, from the per-epoch weight snapshots.

The Train page keeps `EpochEvent.weights` of every epoch, in order; these helpers
turn that list back into networks and follow one input's prediction across epochs.
Epochs are numbered from 1, like `EpochEvent.epoch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.model.forward import ForwardPass, forward_pass
from nnviz.model.network import Network, NetworkConfig
from nnviz.training.events import WeightArrays


def network_at_epoch(config: NetworkConfig, snapshots: Sequence[WeightArrays], epoch: int, label: str = "") -> Network:
    """The network after epoch `epoch` (1..len(snapshots)); ValueError with a plain message otherwise."""
    if not snapshots:
        raise ValueError("This model has no saved epochs: train it on the Train page first.")
    if not 1 <= epoch <= len(snapshots):
        raise ValueError(f"Epoch {epoch} is not available: this run saved epochs 1 to {len(snapshots)}.")
    return Network.from_arrays(config, list(snapshots[epoch - 1]), label=label or f"After epoch {epoch}")


def forward_at_epoch(
    config: NetworkConfig, snapshots: Sequence[WeightArrays], epoch: int, x: np.ndarray
) -> ForwardPass:
    """`forward_pass` of input x (784,) or (n, 784) through the network as it was after `epoch`."""
    return forward_pass(network_at_epoch(config, snapshots, epoch), x)


@dataclass(frozen=True)
class EpochProbabilities:
    """How sure the network was of one digit for one input, epoch by epoch.

    epochs: (E,) 1..E. digit: the followed digit. probabilities: (E,) its probability
    after each epoch (0..1). guesses: (E,) the digit the network predicted after each epoch.
    """

    epochs: np.ndarray
    digit: int
    probabilities: np.ndarray
    guesses: np.ndarray


def probability_across_epochs(
    config: NetworkConfig, snapshots: Sequence[WeightArrays], x: np.ndarray, digit: int | None = None
) -> EpochProbabilities:
    """The probability of `digit` for input x (784,) after every epoch.

    digit: one of config.digits; None follows the digit the final network predicts.
    """
    if not snapshots:
        raise ValueError("This model has no saved epochs: train it on the Train page first.")
    digits = np.asarray(config.digits)
    rows = np.stack([forward_at_epoch(config, snapshots, e, x).probabilities[0] for e in range(1, len(snapshots) + 1)])
    if digit is None:
        digit = int(digits[rows[-1].argmax()])
    if digit not in config.digits:
        raise ValueError(
            f"This network does not know the digit {digit}; it learns {', '.join(map(str, config.digits))}."
        )
    return EpochProbabilities(
        epochs=np.arange(1, len(snapshots) + 1),
        digit=int(digit),
        probabilities=rows[:, config.digits.index(digit)].astype(np.float64),
        guesses=digits[rows.argmax(axis=1)],
    )


def time_travel(
    base: Network, base_id: str, snapshots: Sequence[WeightArrays], epoch: int, x: np.ndarray | None
) -> tuple[Network, str, EpochProbabilities | None]:
    """(the network after `epoch`, its cache id, input x's probability across epochs or None without x).

    At the last epoch the network is `base` itself and its id `base_id`; an earlier epoch's id is
    "<base_id>@<epoch>". ValueError (a plain message) for snapshots that do not fit the model.
    """
    network, model_id = base, base_id
    if epoch < len(snapshots):
        network = network_at_epoch(base.config, snapshots, epoch, label=f"{base.label}, after epoch {epoch}")
        model_id = f"{base_id}@{epoch}"
    history = None if x is None else probability_across_epochs(base.config, snapshots, x)
    return network, model_id, history
