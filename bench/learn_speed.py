"""The Learn page's numbers, side by side in one run.

1. Gradient of one input through a 784-512-512-10 network: nnviz's numpy backprop
   (`nnviz.model.backprop.output_gradient`) vs TensorFlow's `tf.GradientTape` on the same
   weights (eager, and inside a `tf.function`). Target: numpy ≤ 1× TensorFlow.
2. Loss against one weight, 41 points, 1,000 test images, 784-128-64-10 (the default
   model): the incremental curve (`OneWeightLoss`, only what changes when one weight
   moves) vs 41 full forward passes; for a weight in each layer. Target ≤ 150 ms.
3. Server CPU per rerun after a stroke (AppTest, `time.process_time`): the Learn page
   (each tab open in turn) beside the Draw page, same drawings.

Usage, from the project root (NNVIZ_DATA_DIR pointing at MNIST):
    .venv/bin/python bench/learn_speed.py
    .venv/bin/python bench/learn_speed.py --repeats 50 --strokes 10
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devkit.timing import median_s  # noqa: E402
from nnviz.explain.loss_landscape import CURVE_POINTS, OneWeightLoss, WeightRef, weight_curve  # noqa: E402
from nnviz.explain.loss_reading import evaluation_batch  # noqa: E402
from nnviz.model.backprop import network_params, output_gradient, params_mean_loss  # noqa: E402
from nnviz.model.default_model import load_default_network  # noqa: E402
from nnviz.model.mnist import load_mnist_test  # noqa: E402
from nnviz.model.network import Network, NetworkConfig  # noqa: E402


def median_ms(action: Callable[[], object], repeats: int) -> float:
    action()  # warm-up (first-call allocations, tracing)
    return median_s(action, repeats) * 1000


def input_gradient(repeats: int) -> None:
    import tensorflow as tf

    from nnviz.model.keras_model import network_to_model

    config = NetworkConfig(hidden_sizes=(512, 512))
    rng = np.random.default_rng(0)
    arrays = [
        (rng.normal(0, np.sqrt(2 / (a + b)), (a, b)).astype(np.float32), np.zeros(b, np.float32))
        for a, b in zip(config.layer_sizes[:-1], config.layer_sizes[1:])
    ]
    network = Network.from_arrays(config, arrays)
    x = (rng.random(784) * (rng.random(784) < 0.2)).astype(np.float32)
    direction = np.eye(10)[7]
    model = network_to_model(network)
    dense = [model.get_layer(name) for name in config.dense_names]
    x_tf, direction_tf = tf.constant(x[None]), tf.constant(direction[None], tf.float32)

    def tape() -> tf.Tensor:
        with tf.GradientTape() as g:
            g.watch(x_tf)
            a = x_tf
            for layer in dense[:-1]:
                a = layer(a)
            logits = tf.matmul(a, dense[-1].kernel) + dense[-1].bias
            score = tf.reduce_sum(logits * direction_tf)
        return g.gradient(score, x_tf)

    compiled = tf.function(tape)
    np.testing.assert_allclose(output_gradient(network, x, direction), tape().numpy()[0], rtol=1e-3, atol=1e-5)
    ours = median_ms(lambda: output_gradient(network, x, direction), repeats)
    eager = median_ms(lambda: tape().numpy(), repeats)
    graph = median_ms(lambda: compiled().numpy(), repeats)
    print("1. Input gradient, one image, 784-512-512-10 (median of", repeats, "runs)")
    print(f"   numpy backprop (nnviz)        {ours:8.2f} ms")
    print(f"   tf.GradientTape, eager        {eager:8.2f} ms   numpy/TF = {ours / eager:.2f}x")
    print(f"   tf.GradientTape, tf.function  {graph:8.2f} ms   numpy/TF = {ours / graph:.2f}x")


def weight_curve_speed(repeats: int) -> None:
    network = load_default_network()
    x_test, y_test = load_mnist_test()
    x, labels = evaluation_batch(x_test, y_test, network.digits)
    params = network_params(network)
    print(f"\n2. Loss vs one weight, {CURVE_POINTS} points, {len(labels):,} test images, {network.config.describe()}")
    print("   weight                          41 points  + batch pass  whole figure  41 full passes")
    for ref in (WeightRef(0, 14 * 28 + 14, 5), WeightRef(1, 10, 20), WeightRef(2, 30, 3)):
        values = np.linspace(-1, 1, CURVE_POINTS) + params[ref.layer][0][ref.row, ref.column]

        def incremental(ref: WeightRef = ref, values: np.ndarray = values) -> np.ndarray:
            return OneWeightLoss(params, "relu", x, labels, "crossentropy", ref).losses(values)

        def brute(ref: WeightRef = ref, values: np.ndarray = values) -> list[float]:
            out = []
            changed = [(w.copy(), b) for w, b in params]
            for v in values:
                changed[ref.layer][0][ref.row, ref.column] = v
                out.append(params_mean_loss(changed, "relu", x, labels, "crossentropy"))
            return out

        np.testing.assert_allclose(incremental(), brute(), rtol=1e-9)
        built = OneWeightLoss(params, "relu", x, labels, "crossentropy", ref)
        points = median_ms(lambda built=built, values=values: built.losses(values), repeats)
        with_pass = median_ms(incremental, repeats)
        figure = median_ms(lambda ref=ref: weight_curve(params, "relu", x, labels, "crossentropy", ref), repeats)
        slow = median_ms(brute, max(3, repeats // 10))
        label = f"layer {ref.layer}, row {ref.row}, column {ref.column}"
        print(f"   {label:31s} {points:7.1f} ms  {with_pass:8.1f} ms  {figure:9.1f} ms  {slow:10.1f} ms")
    print(
        "   (41 points: the curve once the weight's batch pass is cached; + batch pass: from scratch;\n"
        "    whole figure: what the page computes for a newly picked weight, valley search and gradient included)"
    )


def rerun_cpu(strokes: int) -> None:
    from streamlit.testing.v1 import AppTest

    from devkit.canvas_injection import canvas_rgba, inject_drawing
    from pages.ui.learn_parts import TABS_KEY

    x_test, _ = load_mnist_test()
    drawings = [canvas_rgba(x_test[i]) for i in range(strokes)]

    def per_stroke(page: str, canvas: str, tab: str | None) -> float:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        at.switch_page(page).run()
        if tab is not None:
            at.session_state[TABS_KEY] = tab
            at.run()
        inject_drawing(at, canvas, drawings[0])  # warm-up: caches, first figures
        times = []
        for rgba in drawings[1:]:
            started = time.process_time()
            inject_drawing(at, canvas, rgba)
            times.append((time.process_time() - started) * 1000)
            assert not at.exception, at.exception
        return statistics.median(times)

    print(f"\n3. Server CPU per rerun after a stroke (AppTest, time.process_time, median of {strokes - 1})")
    draw = per_stroke("pages/screens/draw.py", "draw", None)
    print(f"   Draw page                          {draw:8.1f} ms")
    for tab in ("1 · Loss", "2 · Gradient descent", "3 · One step", "4 · Starting weights"):
        learn = per_stroke("pages/screens/learn.py", "learn", tab)
        print(f"   Learn page, tab {tab:20s} {learn:8.1f} ms   {learn / draw:.1f}x Draw")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--strokes", type=int, default=6)
    args = parser.parse_args()
    weight_curve_speed(args.repeats)
    rerun_cpu(args.strokes)
    input_gradient(args.repeats)  # last: importing TensorFlow would slow the AppTest reruns above


if __name__ == "__main__":
    main()
