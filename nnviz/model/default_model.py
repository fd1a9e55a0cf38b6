"""The model that ships with nnviz, so the Draw page works offline on first start (no Keras here).

nnviz/model/default_model.npz is a 784-128-64-10 ReLU network (Glorot init, Adam, learning rate
0.001, batch 128, 12 epochs, seed 0) made with

    python -m nnviz.model.make_default_model --data-dir ../shared/data/mnist --out nnviz/model/default_model.npz

from the MNIST IDX files in ../shared/data/mnist (24,345 training images, each also used
shifted by one pixel up, down, left and right; 10% held out for validation; the official
10,000 test images). Test accuracy: 97.99% on those 10,000 test images. Re-running
the command reproduces the file's weights bit for bit (checked on the 2-core build
machine, TensorFlow 2.21 / Keras 3.15). See `nnviz.model.make_default_model` for the details.
"""

from __future__ import annotations

from pathlib import Path

from nnviz.model.network import Network, load_network

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "default_model.npz"
DEFAULT_LABEL = "Default model"


def load_default_network() -> Network:
    """The shipped default network, labelled "Default model"."""
    network = load_network(DEFAULT_MODEL_PATH)
    network.label = DEFAULT_LABEL
    return network
