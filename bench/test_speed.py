"""The Test page's numbers: test-set accuracy in numpy vs Keras, and the two explanation maps.

    .venv/bin/python bench/test_speed.py [--data-dir DIR] [--epochs 1] [--runs 5]

1. A 784-512-512-10 ReLU model is trained briefly with Keras (so its accuracy means
   something), then scored on all 10,000 MNIST test digits twice with the same weights:
   `nnviz.explain.evaluation.evaluate` (numpy, what the server runs) and `model.predict`.
   Prints the median seconds of each and both accuracies (they must agree).
2. The same numpy scoring for the shipped 784-128-64-10 model (what the Test page computes
   once per model). Target: < 1 s.
3. Gradient × input and occlusion (4 × 4 patch, stride 2) for one input on the shipped
   784-128-64-10 model: median milliseconds over 50 test digits. Target: each <= 30 ms.

Timings depend on the machine's load: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))  # run as a plain script from anywhere

from devkit.data_dir import data_dir_argument  # noqa: E402
from devkit.timing import median_s  # noqa: E402
from nnviz.explain.evaluation import evaluate  # noqa: E402
from nnviz.explain.maps import gradient_times_input, occlusion  # noqa: E402
from nnviz.model.default_model import load_default_network  # noqa: E402
from nnviz.model.mnist import load_mnist  # noqa: E402
from nnviz.model.network import NetworkConfig  # noqa: E402

BIG = NetworkConfig(hidden_sizes=(512, 512))
MAPS_INPUTS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=data_dir_argument())
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = load_mnist(args.data_dir)

    from nnviz.model.keras_model import build_model, model_to_network

    model = build_model(BIG, seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(data.x_train, data.y_train, epochs=args.epochs, batch_size=128, verbose=0)
    network = model_to_network(model, BIG, label="bench")

    evaluation = evaluate(network, data.x_test, data.y_test)
    keras_answers = model.predict(data.x_test, batch_size=1024, verbose=0).argmax(axis=1)
    numpy_s = median_s(lambda: evaluate(network, data.x_test, data.y_test), args.runs)
    keras_s = median_s(lambda: model.predict(data.x_test, batch_size=1024, verbose=0), args.runs)

    default = load_default_network()
    default_s = median_s(lambda: evaluate(default, data.x_test, data.y_test), args.runs)
    inputs = data.x_test[:MAPS_INPUTS]
    winners = [int(np.argmax(default.layers[-1].bias)) for _ in inputs]  # any output: the cost is the same
    saliency_ms = 1000 * median_s(lambda: [gradient_times_input(default, x, w) for x, w in zip(inputs, winners)], 3)
    occlusion_ms = 1000 * median_s(lambda: [occlusion(default, x, w) for x, w in zip(inputs, winners)], 3)

    load = os.getloadavg()[0]
    print(f"load average (1 min): {load:.1f} on {os.cpu_count()} cores")
    print(f"\nAccuracy on {len(data.y_test):,} test digits, {BIG.describe()} after {args.epochs} epoch(s):")
    print(f"  {'':28} {'median time':>12} {'accuracy':>9}")
    print(f"  {'numpy (nnviz.explain.evaluation)':28} {numpy_s * 1000:>9.0f} ms {evaluation.accuracy:>9.2%}")
    print(f"  {'Keras model.predict':28} {keras_s * 1000:>9.0f} ms {np.mean(keras_answers == data.y_test):>9.2%}")
    agree = np.mean(keras_answers == evaluation.predicted)
    print(f"  numpy is {keras_s / numpy_s:.1f}× faster; answers agree on {agree:.2%}")
    print(f"\nThe shipped {default.config.describe()} on the same 10,000 (the Test page's default; target < 1 s):")
    print(f"  numpy (nnviz.explain.evaluation) {default_s * 1000:9.0f} ms")
    print(f"\nOne input on {default.config.describe()} (median over {MAPS_INPUTS} test digits; target <= 30 ms):")
    print(f"  gradient × input        {saliency_ms / MAPS_INPUTS:6.2f} ms")
    print(f"  occlusion 4×4, stride 2 {occlusion_ms / MAPS_INPUTS:6.2f} ms")


if __name__ == "__main__":
    main()
