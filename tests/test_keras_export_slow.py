"""The exported Keras script trains the experiment's network: run in a subprocess on the offline MNIST.

Oracles: Keras itself (the script's own model.count_params() against nnviz's parameter count,
its printed test accuracy), and nbformat's validator for the notebook. Slow: each run imports
TensorFlow and trains one short epoch.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnviz.export.keras_code import SCRIPT_NAME, keras_script
from nnviz.export.notebook import keras_notebook
from nnviz.model.network import NetworkConfig
from nnviz.session.settings import PRESETS, Experiment
from nnviz.training.config import TrainingConfig

pytestmark = pytest.mark.slow

# Sigmoid, plain SGD and mean squared error learn slowly: a big step and small batches reach
# 80 % within one epoch of 2,000 images.
SIGMOID_SGD_MSE = Experiment(
    network=NetworkConfig(hidden_sizes=(64,), activation="sigmoid", initializer="glorot"),
    training=TrainingConfig(optimizer="sgd", loss="mse", learning_rate=10.0, batch_size=8, epochs=5, seed=0),
)
EXPERIMENTS = {"default": Experiment(), "lab 7/8/9": PRESETS["lab"].experiment, "sigmoid/SGD/MSE": SIGMOID_SGD_MSE}


def run_script(script: str, folder: Path, data_dir: Path, *arguments: str) -> str:
    path = folder / SCRIPT_NAME
    path.write_text(script)
    env = {**os.environ, "NNVIZ_DATA_DIR": str(data_dir), "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [sys.executable, str(path), *arguments], cwd=folder, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def number_before(text: str, words: str) -> float:
    match = re.search(r"([\d,.]+)%? " + re.escape(words), text)
    assert match, f"no number before {words!r} in {text[-1500:]}"
    return float(match.group(1).replace(",", ""))


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_the_script_trains_the_same_network(name: str, mnist_dir: Path, tmp_path: Path) -> None:
    experiment = EXPERIMENTS[name]
    out = run_script(keras_script(experiment), tmp_path, mnist_dir, "--epochs", "1", "--images", "2000")
    assert number_before(out, "weights and biases") == experiment.network.param_count
    assert number_before(out, "training images") == 2000
    accuracy = re.search(r"test accuracy: ([\d.]+)%", out)
    assert accuracy and float(accuracy.group(1)) >= 80.0, out[-1500:]


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_the_script_states_every_setting(name: str) -> None:
    experiment = EXPERIMENTS[name]
    script = keras_script(experiment)
    tree = ast.parse(script)  # valid Python
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()
    }
    network, training = experiment.network, experiment.training
    assert constants["DIGITS"] == list(network.digits)
    assert constants["HIDDEN_LAYERS"] == list(network.hidden_sizes)
    assert constants["ACTIVATION"] == network.activation
    assert constants["LEARNING_RATE"] == training.learning_rate
    assert constants["BATCH_SIZE"] == training.batch_size
    assert constants["EPOCHS"] == training.epochs
    assert constants["IMAGES"] == training.train_size
    assert constants["SEED"] == training.seed
    assert ("mean_squared_error" in script) == (training.loss == "mse")
    assert ("SGD(" in script) == (training.optimizer in ("sgd", "momentum"))
    assert ("momentum=0.9" in script) == (training.optimizer == "momentum")


def test_the_notebook_is_valid_and_holds_the_same_code() -> None:
    text = keras_notebook(PRESETS["lab"].experiment)
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    ast.parse(code)
    assert "DIGITS = [7, 8, 9]" in code
    assert "argparse" not in code  # a notebook has no command line
    assert json.loads(text)["nbformat"] == 4
