"""Build time of the Network page's node-link diagram for a 784-512-512-10 model (target: ≤ 50 ms).

Times, for one digit-like input, each repeated --runs times after one warm-up:
    forward   forward_pass (the numbers the diagram shows);
    layout    nnviz.figures.diagram_layout.build_diagram (sampling 32 of 512, top-50 edges per gap);
    figure    nnviz.figures.diagram.diagram_figure (the go.Figure);
    diagram   layout + figure: the number the target is about;
    json      fig.to_json(), what st.plotly_chart then serialises (reported, not in the target);
and, side by side in the same run, the Draw page's three figures for the same
network (nnviz.figures.draw) as a reference. Prints medians, the very first
(cold) build, and the diagram's ratio to the target and to the Draw figures.

Usage, from the project root:
    .venv/bin/python bench/diagram_build.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devkit.anatomy import digit_like_input, random_network
from devkit.timing import ms_since
from nnviz.figures.diagram import diagram_figure
from nnviz.figures.diagram_layout import build_diagram
from nnviz.figures.draw import input_figure, layer_figure, output_figure
from nnviz.model.forward import forward_pass

TARGET_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    network, x = random_network(hidden=(512, 512)), digit_like_input()
    times: dict[str, list[float]] = {k: [] for k in ("forward", "layout", "figure", "diagram", "json", "draw figures")}
    cold = 0.0
    for run in range(args.runs + 1):
        start = time.perf_counter()
        forward = forward_pass(network, x)
        forward_ms = ms_since(start)
        start = time.perf_counter()
        layout = build_diagram(network, forward)
        layout_ms = ms_since(start)
        start = time.perf_counter()
        fig = diagram_figure(layout, selected=(1, int(layout.layers[1].shown[0])))
        figure_ms = ms_since(start)
        start = time.perf_counter()
        fig.to_json()
        json_ms = ms_since(start)
        start = time.perf_counter()
        input_figure(forward.activations[0][0])
        for values in forward.activations[1:-1]:
            layer_figure(values[0], network.config.activation)
        output_figure(forward.probabilities[0], network.digits)
        draw_ms = ms_since(start)
        if run == 0:  # the first build pays plotly's one-off validator imports
            cold = layout_ms + figure_ms
            continue
        for key, value in zip(times, (forward_ms, layout_ms, figure_ms, layout_ms + figure_ms, json_ms, draw_ms)):
            times[key].append(value)

    print(f"{network.label}: median of {args.runs} runs (ms)")
    medians = {key: statistics.median(values) for key, values in times.items()}
    for key, value in medians.items():
        print(f"  {key:<13} {value:8.2f}")
    print(f"  {'cold diagram':<13} {cold:8.2f}  (first build in this process)")
    print(f"diagram / target {TARGET_MS:.0f} ms = {medians['diagram'] / TARGET_MS:.2f}  (≤ 1 passes)")
    print(f"diagram / Draw page figures = {medians['diagram'] / medians['draw figures']:.2f}")


if __name__ == "__main__":
    main()
