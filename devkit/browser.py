"""Drive the real app in real Chromium: start a Streamlit server, draw with the mouse, read metrics.

Shared by the browser tests (tests/browser/) and the benchmarks (bench/), so the
tests and the figures drive the page the same way. Nothing here is
pytest-specific; the fixtures in tests/browser/conftest.py wrap it.

Streamlit DOM facts this relies on (Streamlit 1.67, streamlit-drawable-canvas 0.13):
- `[data-testid="stApp"]` carries `data-test-script-state`: "running" while the
  script reruns, "notRunning" once the rerun's elements are all on the page.
- An element created with `key=k` sits in a container with CSS class `st-key-k`.
  The drawing surface of `st_canvas` is its `canvas.upper-canvas`; the strokes are
  rendered on its `canvas.lower-canvas`.
- `st.metric` is `[data-testid="stMetric"]` with `[data-testid="stMetricLabel"]`
  and `[data-testid="stMetricValue"]`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from devkit.data_dir import PROJECT_ROOT

# Flags that make a headless system Chromium start fast and quietly in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORT = {"width": 1400, "height": 1000}

# Polylines per digit in a 0..1 box (x right, y down). Each inner list is one
# stroke (mouse down … mouse up). The shapes are plain, upright, MNIST-like
# handwriting that fills most of the canvas, as a pupil would draw them.
DIGIT_STROKES: dict[str, list[list[tuple[float, float]]]] = {
    "0": [
        [
            (0.5, 0.15),
            (0.3, 0.25),
            (0.25, 0.5),
            (0.3, 0.75),
            (0.5, 0.85),
            (0.7, 0.75),
            (0.75, 0.5),
            (0.7, 0.25),
            (0.5, 0.15),
        ]
    ],
    "1": [[(0.45, 0.25), (0.55, 0.15), (0.55, 0.85)]],
    "3": [
        [
            (0.3, 0.2),
            (0.5, 0.13),
            (0.7, 0.22),
            (0.65, 0.4),
            (0.45, 0.48),
            (0.68, 0.58),
            (0.72, 0.75),
            (0.5, 0.87),
            (0.28, 0.8),
        ]
    ],
    "7": [[(0.25, 0.18), (0.75, 0.18), (0.45, 0.85)]],
}

# The Draw page's prompt on a blank canvas.
PROMPT = re.compile(r"draw a digit", re.IGNORECASE)
# The app's navigation links, in the sidebar or the top bar.
NAV_LINKS = 'a[data-testid="stSidebarNavLink"], [data-testid="stTopNavLink"] a, a[data-testid="stTopNavLink"]'


# The line streamlit prints once it listens, with the port it bound.
_URL_LINE = re.compile(r"URL: http://127\.0\.0\.1:(\d+)")

IDLE_SELECTOR = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# JS: the value text of the st.metric whose label is `label`, or null when there is none.
# Stale elements (left over from the previous run while a rerun is going) are ignored.
# The Draw page's live view answers in its own element (inside a shadow root), not in an st.metric.
# Its "Prediction" counts once the server has heard the drawing (data-synced), so a test that goes
# on to another page finds the drawing there.
_LIVE_ROOTS_JS = """
() => [...document.querySelectorAll('[class*="st-key-draw_live"] *')]
  .map((host) => host.shadowRoot && host.shadowRoot.querySelector('.live'))
  .filter(Boolean)
"""

_READ_METRIC_JS = f"""
(label) => {{
  if (label === 'Prediction') {{
    for (const live of ({_LIVE_ROOTS_JS})()) {{
      if (live.dataset.status !== 'shown' || live.dataset.synced !== 'true') continue;
      return live.querySelector('.digit').textContent.trim();
    }}
  }}
  for (const metric of document.querySelectorAll('[data-testid="stMetric"]')) {{
    const labelEl = metric.querySelector('[data-testid="stMetricLabel"]');
    const valueEl = metric.querySelector('[data-testid="stMetricValue"]');
    if (!labelEl || !valueEl) continue;
    if (labelEl.innerText.trim() !== label) continue;
    if (metric.closest('[data-stale="true"]')) continue;
    return valueEl.innerText.trim();
  }}
  return null;
}}
"""


def chromium_executable() -> str | None:
    """Path of the system Chromium (env CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH), or None."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def browser_missing() -> str | None:
    """Why a bench cannot drive a browser here (playwright or Chromium missing), or None if it can."""
    try:
        import playwright  # noqa: F401 (only checking that it is installed)
    except ImportError:
        return "needs the playwright package (pip install -r requirements-test.txt); no browser download needed"
    if chromium_executable() is None:
        return "needs Chromium: apt-get install -y chromium, or set CHROMIUM=/path/to/it"
    return None


def free_port() -> int:
    """A port that was free a moment ago, for a server that cannot bind port 0 itself.

    Racy: another process may take it before it is used, so a caller retries with a new one when its
    server reports the port taken.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run <script>` on a port the system picks, in its own process group.

    Use as a context manager, or call start()/stop(). `port` and `url` are known once
    wait_healthy() (or wait_ready()) has returned. stop() always kills the whole process
    group (Streamlit may start children), first politely, then with SIGKILL.
    """

    def __init__(
        self,
        script: str | Path = "app.py",
        env: Mapping[str, str] | None = None,
        cwd: Path = PROJECT_ROOT,
        port: int = 0,
    ) -> None:
        """port: 0 lets the system pick one; a given port is for a restart that must answer where the old one did."""
        self.script = str(script)
        self.cwd = cwd
        self.extra_env = dict(env or {})
        self.requested_port = port
        self.port: int | None = port or None
        self.url = f"http://127.0.0.1:{port}" if port else ""
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="nnviz-streamlit-", suffix=".log")[1])
        self.started_at = 0.0

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            self.script,
            "--server.headless",
            "true",
            # Port 0: the server binds a port the system picks and prints it. Picking a free port here and
            # passing it on would race with every other process doing the same between our check and its bind.
            "--server.port",
            str(self.requested_port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            # No file watcher: nothing edits the code during a run, and it costs CPU on a 2-core machine.
            "--server.fileWatcherType",
            "none",
        ]

    def start(self) -> StreamlitServer:
        env = {**os.environ, **self.extra_env}
        with open(self.log_path, "wb") as log:
            self.started_at = time.perf_counter()
            self.process = subprocess.Popen(
                self.command(), cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def bound_port(self) -> int | None:
        """The port the server printed once it had bound it ("URL: http://127.0.0.1:PORT"), or None so far."""
        match = _URL_LINE.search(self.log_tail(20_000))
        return int(match.group(1)) if match else None

    def wait_healthy(self, timeout_s: float = 90.0) -> float:
        """Block until /_stcore/health answers 200; return seconds since start(). Raises RuntimeError."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited before it was healthy:\n{self.log_tail()}")
            if self.port is None:
                self.port = self.bound_port()
                self.url = f"http://127.0.0.1:{self.port}" if self.port else ""
            if not self.url:
                time.sleep(0.05)  # polling a child process's log: there is no event to wait on
                continue
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started_at
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(
            f"streamlit was not healthy at {self.url or 'its port'} within {timeout_s:.0f} s:\n{self.log_tail()}"
        )

    def wait_ready(self, timeout_s: float = 90.0) -> float:
        """Block until healthy, then run the app's script once; return seconds since start(). Raises RuntimeError.

        A fresh process's first session runs in Streamlit's legacy multipage mode (the project has a
        top-level pages/ folder) until the app's `st.navigation` has run once, and a browser that opens
        /train as that first session sees "Page not found". The script health check (enabled in
        .streamlit/config.toml) runs the app's script without a browser, so every real visitor comes after.
        """
        healthy = self.wait_healthy(timeout_s)
        try:
            with urllib.request.urlopen(self.url + "/_stcore/script-health-check", timeout=timeout_s) as response:
                if response.status == 200:
                    return time.perf_counter() - self.started_at
        except OSError as error:
            raise RuntimeError(f"the app's script did not run cleanly ({error}):\n{self.log_tail()}") from error
        raise RuntimeError(f"the app's script health check failed after {healthy:.1f} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        for sig, grace in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        # The group may outlive its leader; make sure nothing of it is left.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
        self.log_path.unlink(missing_ok=True)


LIVE_PAD = "draw_live"  # the Draw page's live view (its key starts so); other pages keep the drawable canvas


def canvas_surface(page: Any, key_prefix: str = LIVE_PAD) -> Any:
    """The drawing surface (Playwright locator) of the canvas whose key starts with `key_prefix`.

    A prefix, because a page may give its canvas a new key (e.g. `network_canvas_1`) to clear it.
    The default is the Draw page's live view's pad.
    """
    if key_prefix == LIVE_PAD:
        return page.locator(f'[class*="st-key-{key_prefix}"] canvas.pad').first
    return page.locator(f'[class*="st-key-{key_prefix}"] canvas.upper-canvas').first


def reset_canvas(page: Any, key_prefix: str = "network_canvas") -> None:
    """Empty the canvas with its own toolbar's reset button (the same on every page that has the canvas)."""
    press_canvas_tool(page, "Reset canvas & history", key_prefix)


def press_canvas_tool(page: Any, label: str, key_prefix: str = "draw_canvas") -> None:
    """Press the canvas toolbar's button labelled `label` (e.g. "Undo", "Reset canvas & history")."""
    button = page.locator(f'[class*="st-key-{key_prefix}"] button[aria-label="{label}"]').first
    # A DOM click: the toolbar may only show on hover, and moving the mouse there is not what is being tested.
    button.evaluate("b => b.click()")


def draw_digit(page: Any, canvas: Any, digit: str) -> None:
    """Draw `digit` (a key of DIGIT_STROKES) on the `canvas` locator with the mouse, one drag per stroke."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    if box is None:
        raise RuntimeError("the canvas is not visible, so it cannot be drawn on")
    for stroke in DIGIT_STROKES[digit]:
        drag_through(page, box, stroke)


def drag_through(page: Any, box: dict[str, float], points: Sequence[tuple[float, float]], steps: int = 12) -> None:
    """One mouse drag through `points`, each (x, y) in 0..1 of `box` (a locator's bounding box).

    `steps` mouse moves between two points: enough of them that the canvas records a smooth line.
    """
    xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for point in xy[1:]:
        page.mouse.move(*point, steps=steps)
    page.mouse.up()


def wait_idle(page: Any, timeout_ms: float = 30_000) -> None:
    """Wait until Streamlit has no script run going (the page shows the latest run in full)."""
    page.wait_for_selector(IDLE_SELECTOR, timeout=timeout_ms)


def read_metric(page: Any, label: str) -> str | None:
    """The displayed value of the current (non-stale) st.metric labelled `label`, or None if there is none."""
    return page.evaluate(_READ_METRIC_JS, label)


def wait_for_live_note(page: Any, text: str, timeout_ms: float = 30_000) -> None:
    """Wait until the Draw page's live view says what it sees with `text` in it (under its 28 × 28 input)."""
    page.wait_for_function(
        f"""(text) => ({_LIVE_ROOTS_JS})().some((live) => {{
              const note = live.querySelector('.pixels .note');
              return note !== null && note.textContent.includes(text);
            }})""",
        arg=text,
        timeout=timeout_ms,
    )


def wait_for_metric(page: Any, label: str, timeout_ms: float = 30_000) -> str:
    """Wait until a metric labelled `label` is shown and the script is idle; return its value."""
    page.wait_for_function(
        f"""(label) => (({_READ_METRIC_JS})(label) !== null)
             && document.querySelector('{IDLE_SELECTOR}') !== null""",
        arg=label,
        timeout=timeout_ms,
    )
    value = read_metric(page, label)
    if value is None:
        raise RuntimeError(f"the metric {label!r} disappeared while it was being read")
    return value


@contextlib.contextmanager
def rerun_expected(page: Any, timeout_ms: float = 30_000) -> Iterator[None]:
    """Wrap an action that makes the script rerun; on exit, wait until that rerun has finished.

    For actions whose result shows no change to wait for (e.g. a speck that must be ignored).
    """
    page.evaluate(
        """() => {
             const app = document.querySelector('[data-testid="stApp"]');
             window.__nnvizSawRun = false;
             window.__nnvizRunObserver?.disconnect();
             // A record's old value as well as the current one: a short run can start and end before the
             // observer's callback runs, and then only the record still says it was running.
             window.__nnvizRunObserver = new MutationObserver((records) => {
               for (const record of records) {
                 if (record.oldValue === 'running' || app.getAttribute('data-test-script-state') === 'running') {
                   window.__nnvizSawRun = true;
                 }
               }
             });
             window.__nnvizRunObserver.observe(
               app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']}
             );
           }"""
    )
    yield
    page.wait_for_function(
        f"() => window.__nnvizSawRun && document.querySelector('{IDLE_SELECTOR}') !== null", timeout=timeout_ms
    )


def draw_speck(page: Any, canvas: Any) -> None:
    """A tiny stroke (a few pixels, one pen width wide) in the middle of the canvas."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    if box is None:
        raise RuntimeError("the canvas is not visible, so it cannot be drawn on")
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 3, y + 3, steps=3)
    page.mouse.up()


def open_app_page(page: Any, url: str, timeout_ms: float = 60_000) -> None:
    """Load `url` and wait for the app to be connected and idle."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def drawn_pixel_count(canvas_surface_locator: Any) -> int:
    """How many pixels of the canvas's rendered strokes (its lower canvas) are not transparent-or-black."""
    is_live_pad = canvas_surface_locator.evaluate("c => c.classList.contains('pad')")
    lower = canvas_surface_locator
    if not is_live_pad:  # the drawable canvas draws its strokes on the canvas under its surface
        lower = canvas_surface_locator.locator("xpath=..").locator("canvas.lower-canvas").first
    return lower.evaluate(
        """(c) => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let n = 0;
             for (let i = 0; i < d.length; i += 4) {
               if (d[i + 3] > 0 && (d[i] > 0 || d[i + 1] > 0 || d[i + 2] > 0)) n++;
             }
             return n;
           }"""
    )


# JS: how many pixels of the strokes a canvas renders (the lower canvas beside its surface) are inked (neither
# transparent nor black), for the first canvas keyed `prefix…` that is not stale; null while there is none.
# The canvas component draws inside a shadow root, which querySelector does not enter: walk into each one.
_INK_JS = """
(prefix) => {
  // The strokes' canvas sits beside the drawing surface (upper-canvas); the background has its own.
  const inside = (root) => [
    ...[...root.querySelectorAll('canvas.upper-canvas')].map(
      (up) => up.parentElement.querySelector('canvas.lower-canvas')
    ),
    ...[...root.querySelectorAll('*')].flatMap((el) => (el.shadowRoot ? inside(el.shadowRoot) : [])),
  ];
  const hosts = [...document.querySelectorAll(`[class*="st-key-${prefix}"]`)].filter(
    (el) => !el.closest('[data-stale="true"]')
  );
  const lower = hosts.flatMap(inside)[0];
  if (!lower) return null;
  const d = lower.getContext('2d').getImageData(0, 0, lower.width, lower.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && (d[i] > 0 || d[i + 1] > 0 || d[i + 2] > 0)) n++;
  }
  return n;
}
"""


# JS: the RGBA pixels (base64) of the strokes a canvas renders, for the first canvas keyed `prefix…` that
# is not stale (see _INK_JS); null while there is none.
_CANVAS_PIXELS_JS = _INK_JS.replace(
    """  const d = lower.getContext('2d').getImageData(0, 0, lower.width, lower.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && (d[i] > 0 || d[i + 1] > 0 || d[i + 2] > 0)) n++;
  }
  return n;""",
    """  const d = lower.getContext('2d').getImageData(0, 0, lower.width, lower.height).data;
  let text = '';
  for (let i = 0; i < d.length; i += 8192) text += String.fromCharCode(...d.subarray(i, i + 8192));
  return btoa(text);""",
)


def canvas_pixels(page: Any, key_prefix: str) -> str | None:
    """The RGBA pixels (base64) of the strokes the drawable canvas keyed `key_prefix…` renders, or None."""
    return page.evaluate(_CANVAS_PIXELS_JS, key_prefix)


def wait_for_canvas_pixels(page: Any, pixels: str, key_prefix: str, timeout_ms: float = 30_000) -> None:
    """Wait until the script is idle and the drawable canvas keyed `key_prefix…` renders exactly `pixels`.

    The canvas redraws a drawing it is mounted with (or returns to by its undo) asynchronously: this
    waits for the pixels themselves.
    """
    page.wait_for_function(
        f"""([prefix, want]) => ({_CANVAS_PIXELS_JS})(prefix) === want
                && document.querySelector('{IDLE_SELECTOR}') !== null""",
        arg=[key_prefix, pixels],
        polling=100,  # how often to look (each look reads the whole canvas); the wait is for the pixels
        timeout=timeout_ms,
    )


def wait_for_ink(
    page: Any,
    *,
    at_least: int | None = None,
    at_most: int | None = None,
    key_prefix: str = "draw_canvas",
    timeout_ms: float = 30_000,
) -> int:
    """Wait until the script is idle and the canvas shows an inked pixel count in range; return the count.

    The canvas redraws a drawing it is mounted with asynchronously, after the script run that mounts it,
    so "idle" alone does not mean the canvas has settled: this waits for the pixels themselves.
    Raises playwright's TimeoutError if the count never gets in range.
    """
    page.wait_for_function(
        f"""([prefix, low, high]) => {{
              const n = ({_INK_JS})(prefix);
              return n !== null && (low === null || n >= low) && (high === null || n <= high)
                && document.querySelector('{IDLE_SELECTOR}') !== null;
            }}""",
        arg=[key_prefix, at_least, at_most],
        timeout=timeout_ms,
    )
    return page.evaluate(_INK_JS, key_prefix)


def set_number(page: Any, key: str, value: int) -> None:
    """Type `value` into the st.number_input keyed `key` and wait for the rerun."""
    field = page.locator(f".st-key-{key} input")
    field.fill(str(value))
    field.press("Enter")
    wait_idle(page)


def nudge_slider(page: Any, key: str, presses: int) -> None:
    """Move the slider keyed `key` with the keyboard, as a user can: positive presses go right."""
    thumb = page.locator(f'.st-key-{key} input[type="range"]')
    thumb.focus()
    for _ in range(abs(presses)):
        thumb.press("ArrowRight" if presses > 0 else "ArrowLeft")
    wait_idle(page)


# JS: where the first shown (not stale, not empty) element matching `selector` is in the window now, or null.
# Read in one go in the page, because a fragment that redraws can replace the element between two calls.
_PLACE_JS = """
(selector) => {
  const el = [...document.querySelectorAll(selector)].find(
    (e) => !e.closest('[data-stale="true"]') && e.getBoundingClientRect().height > 0
  );
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {top: r.top, left: r.left, bottom: r.bottom, right: r.right};
}
"""


def place_in_window(page: Any, selector: str) -> dict[str, float] | None:
    """{top, left, bottom, right} of the first element matching `selector`, in window pixels, or None."""
    return page.evaluate(_PLACE_JS, selector)


def wait_in_viewport(page: Any, selector: str, timeout_ms: float = 30_000) -> None:
    """Wait until a shown element matching `selector` lies entirely inside the window; nothing is scrolled.

    Polled, because a live fragment redraws (and briefly marks stale) its elements several times a second.
    Raises playwright's TimeoutError if it never does.
    """
    page.wait_for_function(
        f"""(selector) => {{
              const place = ({_PLACE_JS})(selector);
              return place !== null && place.top >= 0 && place.left >= 0
                && place.bottom <= window.innerHeight && place.right <= window.innerWidth;
            }}""",
        arg=selector,
        timeout=timeout_ms,
    )


# JS: the labels of the elements matching `selector` that are cut (an ellipsis or hidden overflow inside them),
# e.g. "Back to the defa…". An element clips only when its overflow is not visible, so only those count.
CLIPPED_TEXTS_JS = """
(selector) => {
  const cut = [];
  for (const root of document.querySelectorAll(selector)) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      const hides = getComputedStyle(el).overflowX !== 'visible';
      if (hides && el.scrollWidth > el.clientWidth + 1) { cut.push(root.innerText.trim()); break; }
    }
  }
  return cut;
}
"""


NAV_LINKS = 'a[data-testid="stSidebarNavLink"], [data-testid="stTopNavLink"] a, a[data-testid="stTopNavLink"]'


def nav_link(page: Any, want_draw: bool) -> Any:
    """The first navigation link to the Draw page (url "/" or "/draw"), or to any other page; None if none."""
    links = page.locator(NAV_LINKS)
    for i in range(links.count()):
        path = links.nth(i).evaluate("a => new URL(a.href).pathname.replace(/^\\/+|\\/+$/g, '')")
        if (path in ("", "draw")) == want_draw:
            return links.nth(i)
    return None


def open_draw_page(page: Any, url: str) -> Any:
    """Load the app (the Draw page is the default) and return its live view's pad, ready to draw on.

    Ready means the view holds the network (its weights reach the browser with the first run).
    """
    open_app_page(page, url)
    surface = canvas_surface(page)
    surface.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("() => globalThis.nnvizLive && nnvizLive.view() && nnvizLive.view().model", timeout=30_000)
    wait_idle(page)
    return surface


def wait_live_synced(page: Any, timeout_ms: float = 30_000) -> None:
    """Wait until the Draw page's live view says the server has its drawing (no stroke or report pending), and idle."""
    page.wait_for_function("() => nnvizLive.view().root.dataset.synced === 'true'", timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def pad_pixels(pad: Any) -> str:
    """The live view's pad as it is on screen: its RGBA bytes, base64 (equal strings: the same picture)."""
    return pad.evaluate(
        """(c) => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let text = '';
             for (let i = 0; i < d.length; i += 8192) text += String.fromCharCode(...d.subarray(i, i + 8192));
             return btoa(text);
           }"""
    )


def live_answer(page: Any) -> dict[str, str]:
    """What the live view shows as its answer: status, digit, how sure, the spoken line, and the bars' heights."""
    return page.evaluate(
        """() => {
             const root = nnvizLive.view().root;
             const text = (s) => root.querySelector(s).textContent;
             const bars = [...root.querySelectorAll('.bars .fill')].map((f) => f.style.height).join(' ');
             return {status: root.dataset.status, digit: text('.answer .digit'), sure: text('.answer .sure'),
                     spoken: text('.spoken'), bars};
           }"""
    )


# JS: the script is idle and the page shows the answer [digit, sure]: its Prediction metric and a caption
# starting with "… sure", none of it stale.
_ANSWER_SHOWN_JS = f"""
([digit, sure]) => {{
  const shown = (el) => !el.closest('[data-stale="true"]');
  const metric = [...document.querySelectorAll('[data-testid="stMetric"]')].find((m) => shown(m)
    && m.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim() === 'Prediction');
  const caption = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')].some(
    (c) => shown(c) && c.innerText.trim().startsWith(sure));
  return document.querySelector('{IDLE_SELECTOR}') !== null && metric !== undefined
    && metric.querySelector('[data-testid="stMetricValue"]').innerText.trim() === digit && caption;
}}
"""

# JS: the script is idle, the page prompts to draw and shows no Prediction (it has no input).
NO_INPUT_JS = f"""
() => document.querySelector('{IDLE_SELECTOR}') !== null
  && [...document.querySelectorAll('[data-testid="stAlert"]')]
       .some((a) => a.innerText.includes('Draw a digit') && !a.closest('[data-stale="true"]'))
  && ![...document.querySelectorAll('[data-testid="stMetricLabel"]')].some(
       (el) => !el.closest('[data-stale="true"]') && el.innerText.trim() === 'Prediction')
"""


def wait_for_answer(page: Any, answer: tuple[str, str], timeout_ms: float = 30_000) -> None:
    """Wait until the script is idle and the page (not the live view) shows `answer`: (Prediction, "… sure").

    The server draws both from the input it holds: with an answer only that input gives, the sign that
    the server has read it.
    """
    page.wait_for_function(_ANSWER_SHOWN_JS, arg=list(answer), timeout=timeout_ms)


def wait_for_no_input(page: Any, timeout_ms: float = 30_000) -> None:
    """Wait until the script is idle and the page prompts to draw, with no Prediction: the server has no input."""
    page.wait_for_function(NO_INPUT_JS, timeout=timeout_ms)


@contextlib.contextmanager
def page_in_viewport(chromium: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A page of its own browser context (its own session) with the window size `viewport`; closed after."""
    context = chromium.new_context(viewport=viewport)
    try:
        yield context.new_page()
    finally:
        context.close()
