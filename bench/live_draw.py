"""The Draw page's live view: browser time per pointer move, server CPU per stroke, and a class of 30, in one run.

Starts the app (`streamlit run app.py` on a free 127.0.0.1 port) and prints, side by side:

  browser   headless Chromium draws long strokes on the Draw page with the mouse; the view times
            each animation frame's work (preparation + forward pass + redraw, `performance.now()`
            in the page) while the pen is down: p50 / p95 for 784-128-64-10 (the default model)
            and 784-512-512-10 (random weights, handed to the view through its test hook).
            Goals: p95 ≤ 16 ms and ≤ 33 ms.
  cpu       server CPU per Draw stroke (user + system of the server process, /proc/<pid>/stat):
            one websocket session sends the view's stroke report (strokes + the canvas PNG, as the
            browser does when a stroke ends) N times. Goal ≤ 10 ms. With --before <commit>, the same
            figure for that commit's Draw page (its streamlit-drawable-canvas payload), served from an
            exported copy in a temporary folder, so both run on this machine under the same load.
  class     1 session (40 strokes) and then 30 sessions, each reporting a stroke every 2 s: p50 / p95 of
            report → the server's run finished (what the view waits for to know the server has the
            drawing). Goal: p95 with 30 ≤ 1.2 × p95 with one.

Usage, from the project root:
    NNVIZ_DATA_DIR=/work/shared/data/mnist .venv/bin/python bench/live_draw.py
    NNVIZ_DATA_DIR=/work/shared/data/mnist .venv/bin/python bench/live_draw.py --before a87559e
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

import numpy as np

from bench.classroom import Session, cpu_seconds, machine_load, part_cpu, timed_live_stroke
from devkit.browser import (
    CHROMIUM_ARGS,
    VIEWPORT,
    StreamlitServer,
    chromium_executable,
    open_draw_page,
    wait_idle,
)
from devkit.data_dir import real_data_dir
from nnviz.live.payload import model_payload
from nnviz.model.network import Network, NetworkConfig


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


# --------------------------------------------------------------------------- browser time per move


def big_network() -> Network:
    config = NetworkConfig(hidden_sizes=(512, 512))
    rng = np.random.default_rng(0)
    sizes = config.layer_sizes
    arrays = [(rng.normal(0, 1 / np.sqrt(a), (a, b)), np.zeros(b)) for a, b in itertools.pairwise(sizes)]
    return Network.from_arrays(config, arrays, label="784-512-512-10")


def browser_part(url: str, strokes: int) -> dict[str, list[float]]:
    """ms of work per animation frame while the pen is down, per model."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {"784-128-64-10": [], "784-512-512-10": []}
    big = model_payload(big_network(), "bench-784-512-512-10")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=VIEWPORT).new_page()
        pad = open_draw_page(page, url)
        rng = np.random.default_rng(1)
        for i in range(2 * strokes + 2):
            name = "784-512-512-10" if i % 2 else "784-128-64-10"
            if name != "784-128-64-10":
                page.evaluate("payload => nnvizLive.use(payload)", big)
            during = timed_live_stroke(page, pad, rng)
            page.wait_for_function("() => nnvizLive.view().root.dataset.synced === 'true'", timeout=30_000)
            wait_idle(page)
            if i >= 2:  # the first stroke of each model warms the JIT up
                timings[name] += during
        browser.close()
    return timings


# --------------------------------------------------------------------------- the view's stroke report


async def live_sessions(url: str, n: int) -> list[Session]:
    sessions = [Session(url, f"s{i}") for i in range(n)]
    for session in sessions:
        await session.open("")
        await session.wait_finished(1, 60)
        # The browser says it holds the model once it decoded it; from then on only its id is sent.
        await session.live_stroke(0)
    return sessions


async def cpu_part(url: str, pid: int, strokes: int) -> float:
    (session,) = await live_sessions(url, 1)
    for i in range(3):
        await session.live_stroke(i + 1)
    before = cpu_seconds(pid)
    for i in range(strokes):
        await session.live_stroke(i + 4)
    spent = (cpu_seconds(pid) - before) / strokes * 1000
    if session.errors:
        print(f"  cpu: errors {session.errors[:3]}")
    await session.close()
    return spent


async def class_part(url: str, n: int, rounds: int, every: float = 2.0) -> list[float]:
    sessions = await live_sessions(url, n)
    latencies: list[float] = []

    async def draw(session: Session, offset: float) -> None:
        await asyncio.sleep(offset)
        for i in range(rounds):
            started = time.perf_counter()
            took = await session.live_stroke(i + 1)
            if took is not None:
                latencies.append(took)
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - started)))

    await asyncio.gather(*(draw(s, every * k / n) for k, s in enumerate(sessions)))
    errors = [e for s in sessions for e in s.errors]
    if errors:
        print(f"  class of {n}: {len(errors)} errors, e.g. {errors[:2]}")
    for session in sessions:
        await session.close()
    return latencies


# --------------------------------------------------------------------------- before: an older commit's Draw page


def exported(commit: str, into: Path) -> Path:
    """The project at `commit`, exported with `git archive` into `into` (no git metadata is touched)."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(["git", "-C", str(root), "archive", commit], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def server_env() -> dict[str, str]:
    data_dir = real_data_dir()
    return {"NNVIZ_DATA_DIR": str(data_dir)} if data_dir else {}


def before_cpu(commit: str, strokes: int) -> float:
    with tempfile.TemporaryDirectory(prefix="nnviz-before-") as folder:
        server = StreamlitServer("app.py", env=server_env(), cwd=exported(commit, Path(folder)))
        with server:
            server.wait_ready()
            figures = asyncio.run(part_cpu(server, strokes))
    return figures["draw"]


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strokes", type=int, default=8, help="long strokes per model in the browser")
    parser.add_argument("--cpu-strokes", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=8, help="strokes per session in the class part")
    parser.add_argument("--before", metavar="COMMIT", help="also measure server CPU per stroke at this commit")
    args = parser.parse_args()
    if chromium_executable() is None:
        print("needs Chromium (apt-get install -y chromium)")
        return 1
    print(f"machine: {machine_load()}")
    before = before_cpu(args.before, args.cpu_strokes) if args.before else None
    with StreamlitServer("app.py", env=server_env()) as server:
        server.wait_ready()
        timings = browser_part(server.url, args.strokes)
        cpu = asyncio.run(cpu_part(server.url, server.process.pid, args.cpu_strokes))
        # One session alone gets as many strokes as a few of the class's, faster (alone, the pace does not matter).
        one = asyncio.run(class_part(server.url, 1, max(args.rounds, 40), every=0.5))
        thirty = asyncio.run(class_part(server.url, 30, args.rounds))
    print(f"machine after: {machine_load()}")
    print()
    print(f"{'measure':<52}{'p50':>9}{'p95':>9}{'goal':>12}")
    for name, goal in (("784-128-64-10", 16), ("784-512-512-10", 33)):
        values = timings[name]
        label = f"browser ms per frame while drawing, {name} (n={len(values)})"
        print(f"{label:<52}{statistics.median(values):>9.2f}{p(values, 0.95):>9.2f}{'≤ ' + str(goal):>12}")
    print(f"{'server CPU ms per Draw stroke (live view)':<52}{cpu:>9.1f}{'':>9}{'≤ 10':>12}")
    if before is not None:
        label = f"server CPU ms per Draw stroke ({args.before}, canvas)"
        print(f"{label:<52}{before:>9.1f}{'':>9}{'(was 31.5)':>12}")
    for n, values in ((1, one), (30, thirty)):
        ms = [v * 1000 for v in values]
        label = f"report → server run finished, {n} session{'s' if n > 1 else ''} ms (n={len(ms)})"
        print(f"{label:<52}{statistics.median(ms):>9.1f}{p(ms, 0.95):>9.1f}")
    ratio = p(thirty, 0.95) / p(one, 0.95)
    print(f"{'p95 with 30 / p95 with one':<52}{'':>9}{ratio:>9.2f}{'≤ 1.2':>12}")
    print(f"(Chromium and the server share this machine's {os.cpu_count()} cores.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
