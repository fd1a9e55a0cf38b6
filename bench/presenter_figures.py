"""What presenter mode costs per figure: nnviz.figures.style.for_presenter on the Draw and Network figures.

Builds, for one digit-like input through a 784-128-64-10 network, the Draw page's
figures (pixels, a hidden layer, the output bars) and the Network page's diagram,
then times `for_presenter` on each, --runs times after one warm-up, side by side
with the time to build the figure itself. Prints medians in milliseconds.

Usage, from the project root:
    .venv/bin/python bench/presenter_figures.py [--runs 30]
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
from nnviz.figures.style import for_presenter
from nnviz.model.forward import forward_pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    network, x = random_network(hidden=(128, 64)), digit_like_input()
    forward = forward_pass(network, x)
    builders = {
        "pixels": lambda: input_figure(x),
        "hidden layer": lambda: layer_figure(forward.activations[1][0], "relu"),
        "output bars": lambda: output_figure(forward.probabilities[0], network.digits),
        "diagram": lambda: diagram_figure(build_diagram(network, forward)),
    }
    print(f"{'figure':<14}{'build ms':>10}{'for_presenter ms':>18}")
    for name, build in builders.items():
        built, enlarged = [], []
        for run in range(args.runs + 1):
            start = time.perf_counter()
            figure = build()
            build_ms = ms_since(start)
            start = time.perf_counter()
            for_presenter(figure)
            presenter_ms = ms_since(start)
            if run:  # the first run warms caches up
                built.append(build_ms)
                enlarged.append(presenter_ms)
        print(f"{name:<14}{statistics.median(built):>10.1f}{statistics.median(enlarged):>18.1f}")


if __name__ == "__main__":
    main()
