"""Real-data quality: the shipped default model, and the default architecture trained briefly."""

from __future__ import annotations

import sys

import numpy as np

from nnviz.model.default_model import load_default_network
from nnviz.model.forward import predict_digits
from nnviz.model.network import NetworkConfig
from nnviz.training.config import TrainingConfig


def test_default_model_loads_without_keras() -> None:
    network = load_default_network()
    assert network.label == "Default model"
    assert network.config == NetworkConfig(hidden_sizes=(128, 64), activation="relu", initializer="glorot")
    for layer in network.layers:
        assert layer.weights.dtype == np.float32
    if "keras" not in sys.modules:  # only meaningful when no earlier test imported it
        assert "tensorflow" not in sys.modules


def test_shipped_default_model_is_at_least_97_percent(mnist) -> None:
    assert len(mnist.x_test) == 10_000
    accuracy = (predict_digits(load_default_network(), mnist.x_test) == mnist.y_test).mean()
    assert accuracy >= 0.97, f"default model test accuracy {accuracy:.2%}"


def test_default_architecture_three_epochs_reaches_95_percent(mnist, trainer) -> None:
    from nnviz.training.fit import train

    training = TrainingConfig(epochs=3)  # the Train page's defaults: Adam, learning rate 0.001, batch 32
    finished = list(train(NetworkConfig(hidden_sizes=(128, 64), activation="relu"), training, mnist))[-1]
    assert finished.status == "completed"
    assert finished.test_accuracy >= 0.95, finished.message
