"""A class of 30 on one server: drawing, training bursts and abandoned runs, side by side in one run.

Starts the app (`streamlit run app.py` on a free 127.0.0.1 port, NNVIZ_DATA_DIR
set) and drives sessions at the Streamlit websocket level, the way the browser
does: `BackMsg.rerun_script` with the widgets' states (the canvas is a
bidirectional component whose value is set through its widget state, the same
payload as devkit/canvas_injection.py), and `ForwardMsg`s back. A fragment with
`run_every` is polled as the browser polls it: on `auto_rerun` the client sends
`rerun_script(fragment_id, is_auto_rerun)` every interval until
`stop_auto_rerun`.

What it prints (every part bounded in count and time; talks only to 127.0.0.1):
  cpu       server CPU per stroke rerun on Draw and on Network (from
            /proc/<server pid>/stat, one session, sequential strokes), and an
            in-process profile of one stroke rerun split into phases (canvas
            payload decoding, preprocessing, forward pass, figure building,
            st.plotly_chart (plotly validation + JSON), the rest = Streamlit).
  draw      N = 1, 10, 30 sessions each drawing a stroke every 2 s: p50/p95 of
            stroke → "Prediction" metric received, errors, server CPU share.
  burst     30 sessions press Train (page defaults) within 1 s: per session the
            time to its first queue position or progress message, first loss
            point, finish; reruns sent per session per second while waiting;
            peak RSS of server + workers; a Draw probe's stroke p95 during the
            burst vs idle.
  varied    30 sessions press Train with 30 different settings within 1 s: first message
            (target ≤ 2 s for all), last finish vs the sum of run times / trainers (≤ 1.2×),
            a Draw probe's stroke p95 during the burst and as the runs end (≤ 1.5× idle).
  lab       30 sessions press the Lab example at once: time until all finish.
  heavylab  two students start heavy runs, then 30 press the Lab example: every Lab run ≤ 60 s.
  busy      stroke p95 on Draw while 2 different trainings run vs idle.
  abandon   a session's socket is closed mid-run while another session waits
            in line: seconds until the waiting run starts (its trainer freed).

Usage, from the project root:
    NNVIZ_DATA_DIR=/work/shared/data/mnist .venv/bin/python bench/classroom.py           # everything, ~8 min
    NNVIZ_DATA_DIR=/work/shared/data/mnist .venv/bin/python bench/classroom.py --quick   # cpu + draw N=1,10
    .venv/bin/python bench/classroom.py --parts cpu,draw,abandon
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

import numpy as np
from PIL import Image, ImageDraw
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import connect as websocket_connect
from websockets.exceptions import ConnectionClosed

from devkit.browser import DIGIT_STROKES, PROJECT_ROOT, StreamlitServer
from devkit.data_dir import real_data_dir

PARTS = ("cpu", "draw", "burst", "varied", "lab", "heavylab", "busy", "abandon")
HEAVY_RUN = "layers=512,512,512,512&epochs=5&batch=8"  # ~18x the default run: ~13 min of a trainer, under the cap


def varied_run(k: int) -> str:
    """Session k's own settings in the varied burst: small runs of different sizes and seeds, none alike."""
    return f"seed={400 + k}&epochs={1 + k % 3}&images={(1000, 2000, 5000)[k % 3]}&layers={16 * (1 + k % 4)}"


CANVAS_SIDE = 280
PEN = 20
STROKE_EVERY_S = 2.0
PROBE_EVERY_S = 0.5  # the probe of a burst strokes faster than a student, for enough strokes to take a p95 of
REDRAWS_S = (
    5.0  # after the last run ended the waiting pages redraw whole, spread over up to 4 s (nnviz.training.redraw)
)
STROKE_TIMEOUT_S = 15.0
TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- the canvas payload


def canvas_payload(digit: str, jitter: int = 0) -> str:
    """The canvas's widget state after drawing `digit` (what the browser sends on mouse-up), as JSON."""
    image = Image.new("RGBA", (CANVAS_SIDE, CANVAS_SIDE), (0, 0, 0, 255))
    pen = ImageDraw.Draw(image)
    for stroke in DIGIT_STROKES[digit]:
        points = [(x * CANVAS_SIDE + jitter, y * CANVAS_SIDE) for x, y in stroke]
        pen.line(points, fill=(255, 255, 255, 255), width=PEN, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    objects = [{"type": "path", "path": [["M", 0, 0], ["L", 1, 1]]} for _ in DIGIT_STROKES[digit]]
    return json.dumps({"drawing": {"raw": {"objects": objects, "background": "#000000"}, "data": data_url}})


# Strokes cycle through these, so two strokes in a row always differ (the page skips an unchanged image).
PAYLOADS = [canvas_payload(d, j) for j in (0, 6) for d in DIGIT_STROKES]
LIVE_VIEW = "nnviz.live_draw"


def live_report(digit: str, jitter: int, n: int) -> dict[str, object]:
    """What the Draw page's live view reports when a stroke ends: its strokes (canvas px) and the canvas PNG."""
    image = Image.new("RGBA", (CANVAS_SIDE, CANVAS_SIDE), (0, 0, 0, 255))
    pen = ImageDraw.Draw(image)
    strokes = []
    for stroke in DIGIT_STROKES[digit]:
        points = [(x * CANVAS_SIDE + jitter, y * CANVAS_SIDE) for x, y in stroke]
        pen.line(points, fill=(255, 255, 255, 255), width=PEN, joint="curve")
        strokes.append([round(v, 1) for point in points for v in point])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    image_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"strokes": strokes, "image": image_url, "n": n}


REPORTS = [(d, j) for j in (0, 6) for d in DIGIT_STROKES]  # two reports in a row always differ


# --------------------------------------------------------------------------- process figures


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def shows_loss(progress_text: str) -> bool:
    """True if a Train page progress text says training has processed images (a loss point exists)."""
    return "images seen" in progress_text and "· 0 images seen" not in progress_text


def machine_load() -> str:
    """The machine's load averages: latencies mean little when other programs keep the cores busy."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --------------------------------------------------------------------------- one websocket session


@dataclass
class Session:
    """One browser tab, at the websocket level."""

    base: str  # http://127.0.0.1:port
    name: str
    query: str = ""
    t0: float = field(default_factory=time.perf_counter)
    ws: object = None
    page_hashes: dict[str, str] = field(default_factory=dict)
    page_hash: str = ""
    widget_ids: dict[str, str] = field(default_factory=dict)  # user key → element id
    canvas_fragment: str = ""
    live_id: str = ""  # the Draw page's live view (a bidirectional component), if this page has one
    live_model: str = ""  # the model id the live view was sent: the browser says it holds it
    live_reports: int = 0
    auto: dict[str, asyncio.Task] = field(default_factory=dict)
    finished: int = 0
    reruns_sent: int = 0
    auto_sent: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)
    predictions: list[float] = field(default_factory=list)  # arrival times of "Prediction" metrics
    queue_alerts: list[tuple[float, str]] = field(default_factory=list)
    progress: list[tuple[float, str]] = field(default_factory=list)
    outcomes: list[tuple[float, str]] = field(default_factory=list)
    closed: bool = False
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task | None = None

    async def open(self, page: str = "") -> None:
        url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await websocket_connect(url, subprotocols=["streamlit"], max_size=64 * 2**20, compression=None)
        self._reader = asyncio.ensure_future(self._read())
        await self.rerun(page_name=page)

    async def close(self) -> None:
        self.closed = True
        for task in self.auto.values():
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def rerun(
        self, widgets: list[WidgetState] = (), fragment: str = "", auto: bool = False, page_name: str = ""
    ) -> None:
        state = ClientState(
            query_string=self.query,
            page_script_hash=self.page_hash,
            page_name=page_name,
            widget_states=WidgetStates(widgets=list(widgets)),
            fragment_id=fragment,
            is_auto_rerun=auto,
        )
        if self.closed:
            return
        self.reruns_sent += 1
        self.auto_sent += auto
        try:
            await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        except Exception as exc:  # a closed socket
            self.errors.append(f"send: {exc!r}")

    async def wait_finished(self, count: int, timeout: float) -> bool:
        """Wait until `count` script runs have finished in total."""
        deadline = time.perf_counter() + timeout
        while self.finished < count:
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                return False
        return True

    async def wait_for(self, check: Callable[[], bool], timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while not check():
            left = deadline - time.perf_counter()
            if left <= 0 or self.closed:
                return False
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
        return True

    def widget(self, key: str) -> str:
        if key not in self.widget_ids:
            raise KeyError(f"{self.name}: no widget {key!r} (seen: {sorted(self.widget_ids)[:12]})")
        return self.widget_ids[key]

    async def stroke(self, index: int) -> float | None:
        """Send one stroke; seconds until the server has it (None on timeout).

        On Draw, the live view's report when a stroke ends, until the server's run for it finished (the
        browser has already drawn the answer); on the other pages, the canvas, until "Prediction" arrived.
        """
        if self.live_id:
            return await self.live_stroke(index)
        canvas = next((k for k in self.widget_ids if "_canvas_" in k), None)
        if canvas is None:
            self.errors.append("no canvas")
            return None
        seen = len(self.predictions)
        start = time.perf_counter()
        widget = WidgetState(id=self.widget_ids[canvas], json_value=PAYLOADS[index % len(PAYLOADS)])
        await self.rerun([widget], fragment=self.canvas_fragment)
        if not await self.wait_for(lambda: len(self.predictions) > seen, STROKE_TIMEOUT_S):
            self.errors.append("stroke timed out")
            return None
        return self.predictions[seen] - start

    async def live_stroke(self, index: int) -> float | None:
        """Report one stroke as the live view does; seconds until the server's run for it finished."""
        self.live_reports += 1
        digit, jitter = REPORTS[index % len(REPORTS)]
        state = {"drawing": live_report(digit, jitter, self.live_reports), "model": self.live_model}
        done = self.finished
        start = time.perf_counter()
        await self.rerun([WidgetState(id=self.live_id, json_value=json.dumps(state))], fragment=self.canvas_fragment)
        if not await self.wait_finished(done + 1, STROKE_TIMEOUT_S):
            self.errors.append("stroke timed out")
            return None
        return time.perf_counter() - start

    async def press(self, key: str) -> None:
        await self.rerun([WidgetState(id=self.widget(key), trigger_value=True)])

    async def _poll(self, fragment: str, interval: float) -> None:
        while not self.closed:
            await asyncio.sleep(interval)
            await self.rerun(fragment=fragment, auto=True)

    async def _read(self) -> None:
        while True:
            try:
                data = await self.ws.recv()
            except ConnectionClosed:
                self.closed = True
                self._changed.set()
                return
            self.messages += 1
            self._on_message(ForwardMsg.FromString(data))
            self._changed.set()

    def _on_message(self, msg: ForwardMsg) -> None:
        now = time.perf_counter()
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            if msg.new_session.page_script_hash:
                self.page_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            self.page_hashes = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "script_finished":
            self.finished += 1
        elif kind == "auto_rerun":
            fragment, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            old = self.auto.get(fragment)
            if old is None or old.interval != interval:  # the browser ignores a repeat with the same interval
                if old is not None:
                    old.cancel()
                task = asyncio.ensure_future(self._poll(fragment, interval))
                task.interval = interval
                self.auto[fragment] = task
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                if (task := self.auto.pop(fragment, None)) is not None:
                    task.cancel()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._on_element(now, msg.delta.new_element, msg.delta.fragment_id)

    def _on_element(self, now: float, element, fragment: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "bidi_component" and element.bidi_component.component_name == LIVE_VIEW:
            self.live_id = element.bidi_component.id
            self.canvas_fragment = fragment
            self.live_model = json.loads(element.bidi_component.json)["modelId"]
        elif kind == "metric" and element.metric.label == "Prediction":
            self.predictions.append(now)
        elif kind == "bidi_component" or kind in ("button", "number_input", "plotly_chart"):
            widget_id = getattr(element, kind).id
            key = widget_id.rsplit("-", 1)[-1] if widget_id.startswith("$$ID") else widget_id
            if kind == "bidi_component":
                # Only the current canvas: its key changes when it is cleared.
                for old in [k for k in self.widget_ids if "_canvas_" in k]:
                    del self.widget_ids[old]
                self.canvas_fragment = fragment
            self.widget_ids[key] = widget_id
        elif kind == "alert":
            body = element.alert.body
            if "in line" in body:
                self.queue_alerts.append((now, body))
            elif body.startswith(("Done!", "Stopped", "Training", "The trainer", "The server")):
                self.outcomes.append((now, body))
            elif "trainer" in body.lower():
                self.queue_alerts.append((now, body))
        elif kind == "progress":
            self.progress.append((now, element.progress.text))
        elif kind == "exception":
            self.errors.append(f"exception: {element.exception.message[:120]}")


# --------------------------------------------------------------------------- parts


async def open_sessions(base: str, n: int, page: str, query: str = "", prefix: str = "s") -> list[Session]:
    sessions = [Session(base, f"{prefix}{i}", query=query) for i in range(n)]
    for session in sessions:  # one after another: a class does not open the page in the same millisecond
        await session.open(page)
        await session.wait_finished(1, 60)
    return sessions


async def part_cpu(server: StreamlitServer, strokes: int) -> dict[str, float]:
    """Server CPU ms per stroke rerun, one session, sequential strokes (after a warm-up)."""
    figures = {}
    for page in ("draw", "network"):
        (session,) = await open_sessions(server.url, 1, "" if page == "draw" else page)
        for i in range(3):
            done = session.finished
            await session.stroke(i)
            await session.wait_finished(done + 1, STROKE_TIMEOUT_S)
        before = cpu_seconds(server.process.pid)
        for i in range(strokes):
            done = session.finished
            await session.stroke(i + 3)
            await session.wait_finished(done + 1, STROKE_TIMEOUT_S)
        figures[page] = (cpu_seconds(server.process.pid) - before) / strokes * 1000
        if session.errors:
            print(f"  {page}: errors {session.errors[:3]}")
        await session.close()
    return figures


def profile_breakdown(strokes: int) -> dict[str, dict[str, float]]:
    """ms per stroke rerun in each phase, measured in-process under AppTest with cProfile."""
    from streamlit.testing.v1 import AppTest

    from devkit.canvas_injection import canvas_key_in
    from devkit.live_injection import live_data, live_key_in

    phases = {
        "drawing decoding (live report / canvas payload)": [
            ("nnviz/live/strokes.py", "read_report"),
            ("streamlit_drawable_canvas", "image_data"),
            ("streamlit_drawable_canvas", "image_bytes"),
        ],
        "preprocessing": [("preprocess.py", "canvas_to_input")],
        "forward pass": [("forward.py", "forward_pass")],
        "figure building (nnviz.figures.*)": [("nnviz/figures/", "")],
        "st.plotly_chart (validate + JSON)": [("elements/plotly_chart.py", "plotly_chart")],
        "other nnviz work called by the page": [("/nnviz/", "")],
        "Streamlit's gc.collect() after the run": [("~", "<built-in method gc.collect>")],
    }
    results = {}
    for page in ("draw", "network"):
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
        at.run()
        if page == "network":
            at.switch_page("pages/screens/network.py").run()
        profiler = cProfile.Profile()
        # AppTest runs the script in a thread of its own: switch the profiler on inside each new thread.
        switch_on = _profile_new_threads(profiler)
        threading.setprofile(switch_on)
        total = 0.0
        for i in range(strokes + 1):
            if page == "draw":  # the live view's report when a stroke ends, from a browser holding the model
                digit, jitter = REPORTS[i % len(REPORTS)]
                report = {"drawing": live_report(digit, jitter, i + 1), "model": live_data(at)["modelId"]}
                at.session_state[live_key_in(at)] = report
            else:
                at.session_state[canvas_key_in(at, page)] = json.loads(PAYLOADS[i % len(PAYLOADS)])
            if i == 0:
                threading.setprofile(None)
                at.run()  # warm-up, not counted
                threading.setprofile(switch_on)
                continue
            start = time.perf_counter()
            at.run()
            total += time.perf_counter() - start
        threading.setprofile(None)
        stats = pstats.Stats(profiler).stats
        row = {"whole rerun (AppTest, in-process)": total / strokes * 1000}
        accounted = 0.0
        counted = {"canvas_to_input", "forward_pass"}
        for phase, patterns in phases.items():
            seconds = 0.0
            for (filename, _, function), (_, _, _, cumulative, callers) in stats.items():
                for path_part, name in patterns:
                    if path_part == "/nnviz/" and ("nnviz/figures/" in filename or function in counted):
                        continue
                    if path_part == "~" and filename != "~":
                        continue
                    if path_part in filename and (name == function or (not name and _called_from_pages(callers))):
                        seconds += cumulative
            row[phase] = seconds / strokes * 1000
            accounted += row[phase]
        row["rest: Streamlit script run, widgets, deltas"] = row["whole rerun (AppTest, in-process)"] - accounted
        results[page] = row
    return results


def _profile_new_threads(profiler: cProfile.Profile) -> Callable:
    """A threading.setprofile hook that enables `profiler` in the thread it first runs in."""

    def switch_on(*_: object) -> None:
        sys.setprofile(None)
        profiler.enable()

    return switch_on


def _called_from_pages(callers: dict) -> bool:
    return any("/pages/" in filename for filename, _, _ in callers)


async def draw_load(base: str, server_pid: int, n: int, seconds: float) -> dict[str, object]:
    """n sessions each drawing a stroke every STROKE_EVERY_S for `seconds`; latency to Prediction."""
    sessions = await open_sessions(base, n, "", prefix=f"d{n}-")
    latencies: list[float] = []
    cpu_before, wall_before, client_before = cpu_seconds(server_pid), time.perf_counter(), time.process_time()

    async def draw(session: Session, offset: float) -> None:
        await asyncio.sleep(offset)
        start = time.perf_counter()
        i = 0
        while time.perf_counter() - start < seconds:
            due = start + i * STROKE_EVERY_S
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            latency = await session.stroke(i)
            if latency is not None:
                latencies.append(latency)
            i += 1

    await asyncio.gather(*(draw(s, k * STROKE_EVERY_S / n) for k, s in enumerate(sessions)))
    wall = time.perf_counter() - wall_before
    cpu_share = (cpu_seconds(server_pid) - cpu_before) / wall
    client_share = (time.process_time() - client_before) / wall
    errors = [e for s in sessions for e in s.errors]
    for session in sessions:
        await session.close()
    return {
        "client": client_share,
        "n": n,
        "strokes": len(latencies),
        "p50": pct(latencies, 0.5) * 1000,
        "p95": pct(latencies, 0.95) * 1000,
        "errors": len(errors),
        "cpu": cpu_share,
    }


async def probe_strokes(
    probe: Session,
    seconds: float,
    stop: Callable[[], bool] = lambda: False,
    every: float = STROKE_EVERY_S,
    starts: list[float] | None = None,
) -> list[float]:
    """One Draw session stroking every `every` s for up to `seconds`; latencies in s (start times into `starts`)."""
    latencies = []
    start = time.perf_counter()
    i = 0
    while time.perf_counter() - start < seconds and not stop():
        due = start + i * every
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        began = time.perf_counter()
        if (latency := await probe.stroke(i)) is not None:
            latencies.append(latency)
            if starts is not None:
                starts.append(began)
        i += 1
    return latencies


def timed_live_stroke(page: Any, pad: Any, rng: np.random.Generator) -> list[float]:
    """Draw one long stroke on the Draw page's live view; the ms of work of each animation frame while the
    pen was down (preparation + forward pass + redraw, the view's own `performance.now()` timings)."""
    from devkit.live_strokes import stroke_moves

    box = pad.bounding_box()
    seen = page.evaluate("() => nnvizLive.timings().length")
    moves = stroke_moves(rng)
    page.mouse.move(box["x"] + moves[0][0], box["y"] + moves[0][1])
    page.mouse.down()
    for x, y in moves[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=3)
    page.wait_for_timeout(50)  # a bench, not a test: let the last frame run
    during = page.evaluate("(n) => nnvizLive.timings().slice(n)", seen)
    page.mouse.up()
    return during


class BrowserProbe(threading.Thread):
    """A student drawing on the Draw page in Chromium: ms of the live view's work per animation frame
    (preparation + forward pass + redraw, what the student waits for under the pen), by phase."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.phase = "idle"
        self.timings: dict[str, list[float]] = {"idle": [], "burst": []}
        self.ready, self.done = threading.Event(), threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        from playwright.sync_api import sync_playwright

        from devkit.browser import CHROMIUM_ARGS, VIEWPORT, chromium_executable, open_draw_page

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
                page = browser.new_context(viewport=VIEWPORT).new_page()
                pad = open_draw_page(page, self.url)
                rng = np.random.default_rng(1)
                self.ready.set()
                while not self.done.is_set():
                    phase = self.phase
                    self.timings[phase] += timed_live_stroke(page, pad, rng)
                browser.close()
        except Exception as exc:  # a bench part that fails says so and lets the others print
            self.error = repr(exc)[:200]
            self.ready.set()


async def burst(
    base: str, server_pid: int, n: int, button: str, limit_s: float, query: str = "", varied: bool = False
) -> dict:
    """n sessions on /train press `button` within 1 s; timeline per session and a Draw probe.
    varied: every session has its own settings (varied_run), so nothing is shared."""
    if varied:
        sessions = [s for k in range(n) for s in await open_sessions(base, 1, "train", varied_run(k), f"v{k}-")]
    else:
        sessions = await open_sessions(base, n, "train", query=query, prefix=f"{button[6:9]}-")
    (probe,) = await open_sessions(base, 1, "", prefix="probe-")
    student = BrowserProbe(base)
    student.start()
    await asyncio.to_thread(student.ready.wait, 120)
    idle = await probe_strokes(probe, 20, every=PROBE_EVERY_S)
    student.phase = "burst"
    clicks: dict[str, float] = {}
    peak = [tree_rss_mb(server_pid)]
    cpu_before, wall_before, client_before = cpu_seconds(server_pid), time.perf_counter(), time.process_time()

    async def press(session: Session) -> None:
        await asyncio.sleep(random.uniform(0, 1))
        clicks[session.name] = time.perf_counter()
        await session.press(button)

    def all_done() -> bool:
        return all(s.outcomes or s.closed for s in sessions)

    async def watch_memory() -> None:
        while not all_done() and time.perf_counter() - wall_before < limit_s:
            peak.append(tree_rss_mb(server_pid))
            await asyncio.sleep(0.5)

    random.seed(1)
    presses = asyncio.gather(*(press(s) for s in sessions))
    ended_at: list[float] = []  # when every run had finished: the probe goes on through the pages' redraws

    def probe_done() -> bool:
        if not ended_at and all_done():
            ended_at.append(time.perf_counter())
        return bool(ended_at) and time.perf_counter() > ended_at[0] + REDRAWS_S

    probe_starts: list[float] = []
    busy_task = asyncio.ensure_future(
        probe_strokes(probe, limit_s + REDRAWS_S, probe_done, PROBE_EVERY_S, probe_starts)
    )
    memory_task = asyncio.ensure_future(watch_memory())
    await presses
    deadline = time.perf_counter() + limit_s
    while not all_done() and time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
    wall = time.perf_counter() - wall_before
    cpu_share = (cpu_seconds(server_pid) - cpu_before) / wall
    client_share = (time.process_time() - client_before) / wall
    busy = await busy_task
    student.done.set()
    await asyncio.to_thread(student.join, 60)
    await memory_task
    rows = []
    for s in sessions:
        click = clicks[s.name]
        first = min([t for t, _ in s.queue_alerts + s.progress if t > click], default=None)
        loss = next((t for t, text in s.progress if t > click and shows_loss(text)), None)
        end = next((t for t, _ in s.outcomes if t > click), None)
        positions = [body.split("number ")[1].split(" ")[0] for t, body in s.queue_alerts if "number " in body]
        rows.append((s, click, first, loss, end, positions))
    # A run's own time, near enough what a trainer spent on it: from the last moment it was seen waiting in
    # line (or its press, if it never waited) to its end. Short runs often show no loss point between two polls.
    run_times = []
    for s, click, _, _, end, _ in rows:
        if end is not None:
            left_line = max([t for t, _ in s.queue_alerts if click < t < end], default=click)
            run_times.append(end - left_line)
    auto_rates = [s.auto_sent / wall for s in sessions]
    first_finish = min((end for *_, end, _ in rows if end is not None), default=float("inf"))
    errors = [e for s in sessions for e in s.errors] + probe.errors
    for session in [*sessions, probe]:
        await session.close()
    return {
        "rows": rows,
        "wall": wall,
        "cpu": cpu_share,
        "client": client_share,
        "peak_mb": max(peak),
        "idle_p95": pct(idle, 0.95) * 1000,
        "idle_n": len(idle),
        "idle_p50": pct(idle, 0.5) * 1000,
        "busy_p50": pct(busy, 0.5) * 1000,
        "busy_p95": pct(busy, 0.95) * 1000,
        "busy_n": len(busy),
        # As the runs end: from the first finish on, through the staggered redraws after the last.
        "end": [b for b, t in zip(busy, probe_starts) if t >= first_finish - 0.5],
        "browser": student.timings,
        "browser_error": student.error,
        "auto_per_s": statistics.mean(auto_rates) if auto_rates else 0.0,
        "errors": errors,
        "run_times": run_times,
    }


def print_burst(title: str, result: dict, verbose: bool) -> None:
    rows = result["rows"]
    firsts = [r[2] - r[1] for r in rows if r[2] is not None]
    losses = [r[3] - r[1] for r in rows if r[3] is not None]
    ends = [r[4] - r[1] for r in rows if r[4] is not None]
    print(f"\n{title}: {len(rows)} sessions, watched {result['wall']:.0f} s; {machine_load()}")
    if verbose:
        print(f"  {'session':>8} {'first msg':>9} {'1st loss':>9} {'finish':>8}  queue positions shown")
        for s, click, first, loss, end, positions in rows:
            cells = [f"{(t - click):9.1f}" if t is not None else f"{'-':>9}" for t in (first, loss, end)]
            print(f"  {s.name:>8} {' '.join(cells)}  {','.join(positions[:8])}")
    print(
        f"  first queue-position-or-progress message: {len(firsts)}/{len(rows)} sessions, "
        f"max {max(firsts, default=float('nan')):.1f} s"
    )
    print(f"  first loss point: {len(losses)}/{len(rows)}, max {max(losses, default=float('nan')):.1f} s")
    print(f"  finished: {len(ends)}/{len(rows)}, last at {max(ends, default=float('nan')):.1f} s")
    if result.get("varied") and result["run_times"]:
        ideal = sum(result["run_times"]) / result["trainers"]
        print(
            f"  sum of run times / {result['trainers']} trainers = {ideal:.1f} s; last finish / that = "
            f"{max(ends, default=float('nan')) / ideal:.2f} (target ≤ 1.2); first message ≤ 2 s for "
            f"{sum(1 for f in firsts if f <= 2.0)}/{len(rows)}"
        )
    print(
        f"  server CPU {result['cpu']:.0%} of a core (this bench: {result['client']:.0%}); "
        f"auto-reruns sent per session {result['auto_per_s']:.2f}/s; "
        f"peak RSS server+workers {result['peak_mb']:.0f} MB; errors {len(result['errors'])} {result['errors'][:2]}"
    )
    end = result["end"]
    print(
        f"  Draw probe (another session, a stroke every {PROBE_EVERY_S:g} s), report → server has it, p95: "
        f"idle {result['idle_p95']:.0f} ms ({result['idle_n']}; p50 {result['idle_p50']:.0f}), "
        f"during the burst {result['busy_p95']:.0f} ms (p50 {result['busy_p50']:.0f}; "
        f"{result['busy_n']}; {result['busy_p95'] / result['idle_p95']:.2f}× idle), as the runs end "
        f"{pct(end, 0.95) * 1000:.0f} ms ({len(end)}; {pct(end, 0.95) * 1000 / result['idle_p95']:.2f}× idle); "
        "target ≤ 1.5× idle"
    )
    idle_ms, burst_ms = result["browser"]["idle"], result["browser"]["burst"]
    if result["browser_error"] or not idle_ms or not burst_ms:
        print(f"  Draw in Chromium: no figures ({result['browser_error']})")
        return
    print(
        f"  Draw in Chromium (a student drawing meanwhile), the live view's ms per frame under the pen, p50/p95: "
        f"idle {pct(idle_ms, 0.5):.1f}/{pct(idle_ms, 0.95):.1f} ({len(idle_ms)} frames), during the burst "
        f"{pct(burst_ms, 0.5):.1f}/{pct(burst_ms, 0.95):.1f} ({len(burst_ms)}; p95 "
        f"{pct(burst_ms, 0.95) / pct(idle_ms, 0.95):.2f}× idle); target ≤ 1.5× idle"
    )


async def heavy_and_lab(base: str, server_pid: int, n: int, limit_s: float) -> dict:
    """Two students start heavy runs (HEAVY_RUN), then a class of n presses the Lab example: every Lab run's time."""
    heavy = []
    for k in range(2):
        (s,) = await open_sessions(base, 1, "train", query=f"{HEAVY_RUN}&seed={300 + k}", prefix=f"h{k}-")
        await s.press("train_start")
        heavy.append(s)
    for s in heavy:  # both are training (or one waits in the heavy lane) before the class presses
        await s.wait_for(lambda s=s: bool(s.progress or s.queue_alerts or s.outcomes), 90)
    result = await burst(base, server_pid, n, "train_preset_lab", limit_s)
    for s in heavy:
        await s.press("train_stop")
    await asyncio.sleep(1)
    for s in heavy:
        await s.close()
    return result


async def busy_drawing(base: str, n_trainings: int, seconds: float) -> dict[str, float]:
    """Stroke p95 on Draw, idle and while `n_trainings` different long trainings run.
    Long through batch 1, yet no dearer than the default run: heavy runs would leave one trainer free."""
    (probe,) = await open_sessions(base, 1, "", prefix="probe-")
    idle = await probe_strokes(probe, seconds)
    trainers = []
    for k in range(n_trainings):
        (s,) = await open_sessions(base, 1, "train", query=f"seed={100 + k}&batch=1", prefix=f"t{k}-")
        await s.press("train_start")
        trainers.append(s)
    for s in trainers:  # strokes only count once both train
        await s.wait_for(lambda s=s: any(shows_loss(t) for _, t in s.progress), 90)
    busy = await probe_strokes(probe, seconds)
    for s in trainers:
        await s.press("train_stop")
    await asyncio.sleep(1)
    for s in [*trainers, probe]:
        await s.close()
    return {"idle_p95": pct(idle, 0.95) * 1000, "busy_p95": pct(busy, 0.95) * 1000, "n": len(busy)}


async def abandon(base: str, trainers: int, limit_s: float) -> dict[str, float | None]:
    """Fill every trainer with long runs, queue one more, close the first run's socket; time until the queued starts.
    The long runs are long through batch 1, yet no dearer than the default: heavy runs would leave a trainer free."""
    holders = []
    for k in range(trainers):
        (s,) = await open_sessions(base, 1, "train", query=f"seed={200 + k}&batch=1", prefix=f"a{k}-")
        await s.press("train_start")
        await s.wait_for(lambda s=s: any(shows_loss(t) for _, t in s.progress), 120)
        holders.append(s)
    (waiter,) = await open_sessions(base, 1, "train", query="seed=299&epochs=1", prefix="w-")
    await waiter.press("train_start")
    queued = await waiter.wait_for(lambda: bool(waiter.queue_alerts), 20)
    closed_at = time.perf_counter()
    await holders[0].close()
    # Started = a loss point after the close, or the run's outcome (one epoch can end between two polls).
    started = await waiter.wait_for(
        lambda: (
            any(t > closed_at and shows_loss(text) for t, text in waiter.progress)
            or any(t > closed_at for t, _ in waiter.outcomes)
        ),
        limit_s,
    )
    freed = time.perf_counter() - closed_at if started else None
    for s in holders[1:]:
        await s.press("train_stop")
    await waiter.press("train_stop")
    await asyncio.sleep(1)
    for s in [*holders[1:], waiter]:
        await s.close()
    return {"queued": queued, "freed_s": freed, "limit": limit_s}


# --------------------------------------------------------------------------- main


async def run(args: argparse.Namespace, server: StreamlitServer) -> None:
    pid = server.process.pid
    parts = set(args.parts)
    # Warm the server (imports, default model, test digits) and the training pool before measuring.
    (warm,) = await open_sessions(server.url, 1, "")
    await warm.stroke(0)
    await warm.close()
    if parts & {"burst", "lab", "busy", "abandon"}:
        (warm,) = await open_sessions(server.url, 1, "train")
        await asyncio.sleep(15)  # a warm spare worker, as after a teacher opened the page before class
        await warm.close()

    if "cpu" in parts:
        cpu = await part_cpu(server, args.strokes)
        print(f"\nserver CPU per stroke rerun ({args.strokes} sequential strokes, one session, /proc/{pid}/stat)")
        print(f"  Draw page:    {cpu['draw']:6.1f} ms   (target ≤ 10 ms: the live view's stroke report)")
        print(f"  Network page: {cpu['network']:6.1f} ms   (target ≤ 30 ms)")
        breakdown = profile_breakdown(min(args.strokes, 10))
        print("\nwhere a stroke rerun's time goes (in-process AppTest + cProfile, ms per rerun; profiling inflates)")
        print(f"  {'phase':<45} {'Draw':>8} {'Network':>8}")
        for phase in breakdown["draw"]:
            print(f"  {phase:<45} {breakdown['draw'][phase]:8.1f} {breakdown['network'][phase]:8.1f}")

    if "draw" in parts:
        print(
            f"\nsessions drawing a stroke every {STROKE_EVERY_S:g} s for {args.draw_seconds:g} s: stroke → Prediction"
        )
        columns = [("N", 3), ("strokes", 7), ("p50 ms", 8), ("p95 ms", 8), ("errors", 6)]
        columns += [("server CPU", 10), ("bench CPU", 9)]
        print(f"  ({machine_load()})")
        print("  " + " ".join(f"{name:>{width}}" for name, width in columns))
        rows = []
        for n in args.sessions:
            row = await draw_load(server.url, pid, n, args.draw_seconds)
            rows.append(row)
            print(
                f"  {row['n']:>3} {row['strokes']:>7} {row['p50']:8.0f} {row['p95']:8.0f} {row['errors']:>6} "
                f"{row['cpu']:>10.0%} {row['client']:>9.0%}"
            )
        if len(rows) > 1:
            print(
                f"  p95 ratio N={rows[-1]['n']} / N={rows[0]['n']}: "
                f"{rows[-1]['p95'] / rows[0]['p95']:.2f}× (target ≤ 1.5×)"
            )

    if "burst" in parts:
        result = await burst(server.url, pid, args.burst, "train_start", args.burst_limit)
        print_burst(f"training burst (page defaults, Train within 1 s; limit {args.burst_limit:g} s)", result, True)
    if "varied" in parts:
        result = await burst(server.url, pid, args.burst, "train_start", args.burst_limit, varied=True)
        result |= {"varied": True, "trainers": args.trainers}
        print_burst(f"training burst, {args.burst} different settings (limit {args.burst_limit:g} s)", result, False)
    if "lab" in parts:
        result = await burst(server.url, pid, args.burst, "train_preset_lab", args.lab_limit)
        print_burst(f"Lab example burst (limit {args.lab_limit:g} s; target all finish ≤ 30 s)", result, False)
    if "heavylab" in parts:
        result = await heavy_and_lab(server.url, pid, args.burst, args.lab_limit)
        print_burst(f"two heavy runs ({HEAVY_RUN}), then the Lab example burst (target all ≤ 60 s)", result, False)
    if "busy" in parts:
        busy = await busy_drawing(server.url, 2, args.busy_seconds)
        print(
            f"\nDraw stroke p95 with 2 trainings running: idle {busy['idle_p95']:.0f} ms, "
            f"training {busy['busy_p95']:.0f} ms ({busy['n']} strokes; target ≤ 1.5× idle)"
        )
    if "abandon" in parts:
        result = await abandon(server.url, args.trainers, args.abandon_limit)
        freed = result["freed_s"]
        shown = f"{freed:.1f} s" if freed is not None else f"not within {result['limit']:g} s"
        print(
            f"\nabandoned run: tab closed mid-run while another run waited (queued: {result['queued']}); "
            f"the waiting run started after {shown} (target ≤ 30 s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--quick", action="store_true", help="cpu and draw with N = 1, 10 only")
    parser.add_argument("--sessions", default="1,10,30", help="drawing sessions, comma-separated (default 1,10,30)")
    parser.add_argument("--strokes", type=int, default=20, help="strokes for the CPU figure (default 20)")
    parser.add_argument("--draw-seconds", type=float, default=20.0, help="how long each drawing load lasts")
    parser.add_argument("--burst", type=int, default=30, help="sessions in the training bursts (default 30)")
    parser.add_argument("--burst-limit", type=float, default=240.0, help="seconds to watch the Train burst")
    parser.add_argument("--lab-limit", type=float, default=60.0, help="seconds to watch the Lab burst")
    parser.add_argument("--busy-seconds", type=float, default=16.0, help="probe seconds, idle and busy")
    parser.add_argument("--trainers", type=int, default=2, help="concurrent trainings the server allows")
    parser.add_argument("--abandon-limit", type=float, default=90.0, help="seconds to wait in the abandon test")
    args = parser.parse_args()
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if args.quick:
        args.parts, args.sessions, args.strokes, args.draw_seconds = ["cpu", "draw"], "1,10", 10, 10.0
    args.sessions = [int(n) for n in str(args.sessions).split(",")]
    if unknown := set(args.parts) - set(PARTS):
        parser.error(f"unknown parts {sorted(unknown)}")
    data_dir = real_data_dir()
    env = {"NNVIZ_DATA_DIR": str(data_dir)} if data_dir else {}
    print(f"bench/classroom.py on {os.cpu_count()} cores; parts: {','.join(args.parts)}; {machine_load()}")
    started = time.perf_counter()
    with StreamlitServer("app.py", env=env) as server:
        print(f"server healthy after {server.wait_healthy():.1f} s (pid {server.process.pid})")
        try:
            asyncio.run(asyncio.wait_for(run(args, server), timeout=1800))
        except TimeoutError:
            print("bench stopped at its 30-minute limit")
    print(f"\nwhole bench: {time.perf_counter() - started:.0f} s; {machine_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
