"""One-input forward pass with every layer's activations: nnviz's numpy path vs Keras, same weights.

    .venv/bin/python bench/forward_pass.py [--data-dir DIR] [--runs 2000]

Uses the shipped default model (784-128-64-10 ReLU) and real MNIST test digits as inputs
(random inputs if the data is missing). Prints the median milliseconds per input of
`nnviz.model.forward.forward_pass`, of `model.predict` and of a direct `model(x)` call on a Keras
model that outputs all layers, and the ratios. Target: numpy <= 0.1 ms per input.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))  # run as a plain script from anywhere

from devkit.data_dir import data_dir_argument  # noqa: E402
from nnviz.model.default_model import load_default_network  # noqa: E402
from nnviz.model.forward import forward_pass  # noqa: E402
from nnviz.model.mnist import DataUnavailableError, load_mnist_test  # noqa: E402


def median_ms(call: Callable[[np.ndarray], object], inputs: np.ndarray, runs: int) -> float:
    """Median wall time of `call` on one input, cycling through `inputs`, in milliseconds."""
    times = []
    for i in range(runs):
        x = inputs[i % len(inputs)][np.newaxis, :]
        started = time.perf_counter()
        call(x)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=data_dir_argument())
    parser.add_argument("--runs", type=int, default=2000, help="numpy runs (Keras gets fewer: it is slow)")
    args = parser.parse_args()
    try:
        inputs, _ = load_mnist_test(args.data_dir)
        source = f"MNIST test digits from {args.data_dir}"
    except DataUnavailableError:
        inputs = np.random.default_rng(0).random((100, 784), dtype=np.float32)
        source = "random inputs (MNIST not found)"
    inputs = np.ascontiguousarray(inputs[:200], dtype=np.float32)
    network = load_default_network()

    from nnviz.model.keras_model import all_layers_model, network_to_model

    model = all_layers_model(network_to_model(network), network.config)
    # Same weights, same answers (checked here so the timing compares like with like).
    keras_outputs = model(inputs[:1], training=False)
    np.testing.assert_allclose(forward_pass(network, inputs[0]).activations[-1], keras_outputs[-1], atol=1e-5)

    def keras_predict(x: np.ndarray) -> object:
        return model.predict(x, verbose=0)

    def keras_call(x: np.ndarray) -> object:
        return [t.numpy() for t in model(x, training=False)]

    def numpy_path(x: np.ndarray) -> object:
        return forward_pass(network, x)

    for call in (numpy_path, keras_call, keras_predict):  # warm-up: first calls trace and allocate
        median_ms(call, inputs, 5)
    numpy_ms = median_ms(numpy_path, inputs, args.runs)
    call_ms = median_ms(keras_call, inputs, max(50, args.runs // 10))
    predict_ms = median_ms(keras_predict, inputs, max(30, args.runs // 40))
    numpy_again_ms = median_ms(numpy_path, inputs, args.runs)  # after Keras, to show the order does not matter

    print(f"forward pass, one input, all activations, {network.config.describe()}; inputs: {source}")
    print(f"  numpy forward_pass : {numpy_ms:8.4f} ms per input (again after Keras: {numpy_again_ms:.4f} ms)")
    print(f"  keras model(x)     : {call_ms:8.4f} ms per input  ({call_ms / numpy_ms:,.0f}x the numpy time)")
    print(f"  keras model.predict: {predict_ms:8.4f} ms per input  ({predict_ms / numpy_ms:,.0f}x the numpy time)")
    print(f"  target numpy <= 0.1 ms: {'met' if max(numpy_ms, numpy_again_ms) <= 0.1 else 'NOT met'}")


if __name__ == "__main__":
    main()
