"""Train and save the model that ships with nnviz (nnviz/model/default_model.npz).

    python -m nnviz.model.make_default_model --data-dir ../shared/data/mnist --out nnviz/model/default_model.npz

784-128-64-10 ReLU, Glorot init, Adam (learning rate 0.001, batch 128), 12 epochs, seed 0,
trained with nnviz's own `nnviz.training.fit.train` on the MNIST training images in the
data folder plus four copies of each shifted by one pixel up, down, left and right (drawn
digits are never centred exactly like MNIST's, and the extra copies make the model robust
to that). The validation split therefore holds shifted twins of training images, so the
printed validation accuracy is optimistic; the test accuracy (official 10,000 test images,
never trained on) is the honest figure. Imports Keras: an offline script, not for the app.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from nnviz.model.default_model import DEFAULT_MODEL_PATH
from nnviz.model.forward import predict_digits
from nnviz.model.mnist import DataUnavailableError, MnistData, load_mnist
from nnviz.model.network import IMAGE_SIDE, Network, NetworkConfig, save_network
from nnviz.training.config import TrainingConfig
from nnviz.training.events import EpochEvent, FinishedEvent
from nnviz.training.fit import train

DEFAULT_NETWORK = NetworkConfig(hidden_sizes=(128, 64), activation="relu", initializer="glorot")
DEFAULT_TRAINING = TrainingConfig(epochs=12, batch_size=128, learning_rate=0.001, optimizer="adam", seed=0)
SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1))  # (down, right) in pixels


def shift_images(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Images (n, 784) moved dy pixels down and dx right; pixels shifted in are black (0)."""
    images = x.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    out = np.zeros_like(images)
    rows_to = slice(max(dy, 0), IMAGE_SIDE + min(dy, 0))
    rows_from = slice(max(-dy, 0), IMAGE_SIDE + min(-dy, 0))
    cols_to = slice(max(dx, 0), IMAGE_SIDE + min(dx, 0))
    cols_from = slice(max(-dx, 0), IMAGE_SIDE + min(-dx, 0))
    out[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return out.reshape(len(x), -1)


def with_shifted_copies(data: MnistData) -> MnistData:
    """The same data with the training set five times over: as is, and shifted by one pixel each way."""
    x = np.concatenate([data.x_train, *(shift_images(data.x_train, dy, dx) for dy, dx in SHIFTS)])
    y = np.tile(data.y_train, 1 + len(SHIFTS))
    return replace(data, x_train=x, y_train=y)


def train_default(data: MnistData, training: TrainingConfig = DEFAULT_TRAINING) -> Network:
    """Train the default architecture on `data` (plus shifted copies), printing each epoch; raises on failure."""
    finished: FinishedEvent | None = None
    for event in train(DEFAULT_NETWORK, training, with_shifted_copies(data)):
        if isinstance(event, EpochEvent):
            print(
                f"epoch {event.epoch}/{event.epochs}: train loss {event.train_loss:.4f}, "
                f"validation loss {event.val_loss:.4f}, validation accuracy {event.val_accuracy:.2%}"
            )
        elif isinstance(event, FinishedEvent):
            finished = event
    if finished is None or finished.status != "completed" or finished.weights is None:
        raise RuntimeError(f"Training did not complete: {finished.message if finished else 'no result'}")
    return Network.from_arrays(DEFAULT_NETWORK, finished.weights, label="Default model")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("NNVIZ_DATA_DIR"), help="folder of MNIST IDX files")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH, help="where to write the .npz")
    parser.add_argument("--epochs", type=int, default=DEFAULT_TRAINING.epochs)
    parser.add_argument("--seed", type=int, default=DEFAULT_TRAINING.seed)
    args = parser.parse_args(argv)
    try:
        data = load_mnist(args.data_dir)
    except DataUnavailableError as exc:
        print(exc, file=sys.stderr)
        return 1
    network = train_default(data, replace(DEFAULT_TRAINING, epochs=args.epochs, seed=args.seed).validate())
    accuracy = float((predict_digits(network, data.x_test) == data.y_test).mean())
    save_network(network, args.out)
    size_kb = args.out.stat().st_size / 1024
    print(f"test accuracy {accuracy:.2%} on {len(data.x_test):,} test images; wrote {args.out} ({size_kb:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
