"""Cold start: from launching `streamlit run app.py` to the Draw page showing a ready canvas in Chromium.

Each launch is a fresh server process (nothing cached in memory). Chromium is
started once beforehand and stays open, since a teacher's browser is already
running; each launch gets a fresh browser context. Timed, from just before the
server process is spawned, with the wall clock of this script:
    health  /_stcore/health first answers 200 (polled every 50 ms);
    canvas  the Draw canvas's drawing surface (canvas.upper-canvas) is visible
            in the page, which is loaded as soon as the server is healthy;
    idle    the first script run has finished (stApp reports "notRunning").

Prints each launch and the medians (target: canvas ≤ 5 s on a 2-core machine).

Usage, from the project root:
    .venv/bin/python bench/cold_start.py [--launches 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devkit.browser import (
    CHROMIUM_ARGS,
    VIEWPORT,
    StreamlitServer,
    browser_missing,
    canvas_surface,
    chromium_executable,
    wait_idle,
)
from devkit.data_dir import real_data_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--launches", type=int, default=3, help="server launches to time (default 3)")
    parser.add_argument("--app", default="app.py", help="entry script (default app.py)")
    args = parser.parse_args()

    if problem := browser_missing():
        print(problem)
        return 2
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()

    data_dir = real_data_dir()
    env = {"NNVIZ_DATA_DIR": str(data_dir)} if data_dir else {}
    results: dict[str, list[float]] = {"health": [], "canvas": [], "idle": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for launch in range(1, args.launches + 1):
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                with StreamlitServer(args.app, env=env) as server:
                    health = server.wait_healthy()
                    page.goto(server.url)
                    canvas_surface(page).wait_for(state="visible", timeout=120_000)
                    canvas = time.perf_counter() - server.started_at
                    wait_idle(page, 120_000)
                    idle = time.perf_counter() - server.started_at
                context.close()
                for name, value in (("health", health), ("canvas", canvas), ("idle", idle)):
                    results[name].append(value)
                print(f"launch {launch}: health {health:5.2f} s   canvas ready {canvas:5.2f} s   idle {idle:5.2f} s")
        finally:
            browser.close()

    print(
        f"\nmedian of {args.launches}: health {statistics.median(results['health']):.2f} s, "
        f"canvas ready {statistics.median(results['canvas']):.2f} s (target ≤ 5 s), "
        f"first run idle {statistics.median(results['idle']):.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
