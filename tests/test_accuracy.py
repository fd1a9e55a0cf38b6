"""Real-data quality: the shipped default model, and the default architecture trained briefly."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from devkit.data_dir import PROJECT_ROOT
from nnviz.model.default_model import load_default_network
from nnviz.model.forward import predict_digits
from nnviz.model.network import Network, NetworkConfig
from nnviz.training.config import TrainingConfig


def test_default_model_loads_as_float32_numpy(default_network: Network) -> None:
    assert default_network.label == "Default model"
    assert default_network.config == NetworkConfig(hidden_sizes=(128, 64), activation="relu", initializer="glorot")
    for layer in default_network.layers:
        assert layer.weights.dtype == np.float32


def test_default_model_loads_without_keras() -> None:
    # In a fresh interpreter: in this one, collecting the Keras oracle tests has already imported Keras.
    script = (
        "import sys\n"
        "import numpy as np\n"
        "from nnviz.model.default_model import load_default_network\n"
        "from nnviz.model.forward import predict_digits\n"
        "predict_digits(load_default_network(), np.zeros((1, 784), np.float32))\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras'))\n"
        "print(heavy[:5])\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


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
