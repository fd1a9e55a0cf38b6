"""Stroke-to-prediction latency in real Chromium: a page's drawing canvas against a bare canvas page, side by side.

The pages with a streamlit-drawable-canvas (Network, Learn, Test) hear of a stroke when the pen is
lifted. The Draw page answers while the pen moves, in the browser: `bench/live_draw.py` times it.

Starts two Streamlit servers in this run, the project's `app.py` and
`bench/bare_canvas_app.py` (the same canvas and a trivial "Prediction"), opens
each in headless Chromium and draws single-stroke digits (7, 1, 3, 0 in turn)
with the mouse. The strokes alternate between the pages, so both see the same
machine load.

What one sample measures, in the page's own clock (`performance.now()`), from
the stroke's `pointerup` event (its event.timeStamp):
    prediction  the first DOM mutation after which a non-stale st.metric
                labelled "Prediction" shows a value different from before the
                stroke (a MutationObserver: the new text is in the DOM, about
                to be painted). This is the issue's "mouse up → Prediction
                text updated".
    idle        the first moment after that when `stApp` reports
                data-test-script-state="notRunning": the rerun is over and all
                its elements were delivered.
    settled     the last DOM mutation before the page stays unchanged for
                SETTLE_MS: the whole page, charts included, is drawn.
Before each stroke the canvas is emptied with its toolbar's reset button and
the page is idle with no Prediction shown, so every stroke makes the metric
appear: its text always changes. One warm-up stroke per page is not counted
(it loads Plotly's JavaScript the first time). The canvas debounces ~200 ms
before it sends the drawing, so that is the floor for both pages.

Prints medians and p90 per page and the ratios of medians page/bare
(Network ≤ 1.5× the bare canvas page).

Usage, from the project root:
    .venv/bin/python bench/stroke_latency.py                        # Network vs bare, 12 strokes each
    .venv/bin/python bench/stroke_latency.py --pages network,learn  # also other pages' canvases
    .venv/bin/python bench/stroke_latency.py --strokes 20 --after-training
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devkit.browser import (
    CHROMIUM_ARGS,
    IDLE_SELECTOR,
    VIEWPORT,
    StreamlitServer,
    browser_missing,
    canvas_surface,
    chromium_executable,
    draw_digit,
    open_app_page,
    reset_canvas,
    wait_idle,
)
from devkit.data_dir import real_data_dir

DIGITS = ["7", "1", "3", "0"]
METRIC_LABEL = "Prediction"
SETTLE_MS = 400
TIMINGS = ("prediction", "idle", "settled")

# Arms a recorder in the page for the next stroke; window.__nnvizStroke holds the result.
_ARM_JS = """
([label, idleSelector, requireMetric]) => {
  const readMetric = () => {
    for (const metric of document.querySelectorAll('[data-testid="stMetric"]')) {
      const labelEl = metric.querySelector('[data-testid="stMetricLabel"]');
      const valueEl = metric.querySelector('[data-testid="stMetricValue"]');
      if (!labelEl || !valueEl || labelEl.innerText.trim() !== label) continue;
      if (metric.closest('[data-stale="true"]')) continue;
      return valueEl.innerText.trim();
    }
    return null;
  };
  const rec = {start: null, prediction: null, idle: null, last: null, value: null, before: readMetric(),
               sawRunning: false};
  window.__nnvizStroke = rec;
  const app = document.querySelector('[data-testid="stApp"]');
  const check = () => {
    if (rec.start === null) return;
    const now = performance.now();
    rec.last = now;
    if (rec.idle !== null) return;
    if (app.getAttribute('data-test-script-state') === 'running') rec.sawRunning = true;
    if (rec.prediction === null) {
      const value = readMetric();
      if (value !== null && value !== rec.before) { rec.prediction = now; rec.value = value; }
    }
    const done = requireMetric ? rec.prediction !== null : rec.sawRunning;
    if (done && document.querySelector(idleSelector) !== null) rec.idle = now;
  };
  window.__nnvizObserver?.disconnect();
  window.__nnvizObserver = new MutationObserver(check);
  window.__nnvizObserver.observe(document.body,
                                 {subtree: true, childList: true, characterData: true, attributes: true});
  window.addEventListener('pointerup', (event) => {
    if (rec.start === null) { rec.start = event.timeStamp; check(); }
  }, {capture: true, once: true});
}
"""

_SETTLED_JS = f"""() => {{
  const rec = window.__nnvizStroke;
  return rec.idle !== null && performance.now() - rec.last > {SETTLE_MS};
}}"""


@dataclass
class Target:
    """One page with a canvas to time."""

    name: str
    url: str
    canvas_key: str
    page: Any = None
    has_metric: bool = True  # False: the page shows no Prediction, so only idle and settled can be timed
    ms: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in TIMINGS})


def after_training(page: Any, target: Target, timeout_ms: float) -> None:
    """For --after-training: train a model in `page`'s session on the Train page, then come back.

    Called once per app page, after it is loaded and before its warm-up stroke,
    so the strokes are timed with the session's own freshly trained model (the
    Train page's defaults, 784-128-64-10) and with whatever a training run
    leaves behind in the server.
    """
    app_root = "/".join(target.url.split("/", 3)[:3])
    open_app_page(page, app_root + "/train")
    page.locator(".st-key-train_start button").click()
    page.get_by_text("Done!", exact=False).wait_for(timeout=max(timeout_ms, 180_000))
    wait_idle(page, timeout_ms)
    # Back through the navigation, not a new page load, which would start a new session without the model.
    path = target.url[len(app_root) :].strip("/")
    page.locator(f'a[data-testid="stSidebarNavLink"][href$="/{path}"]').first.click()
    canvas_surface(page, target.canvas_key).wait_for(state="visible", timeout=timeout_ms)
    wait_idle(page, timeout_ms)
    if "Your model" not in page.inner_text("body"):
        raise SystemExit(f"{target.url} does not use the trained model after training")


def stroke_once(target: Target, digit: str, timeout_ms: float) -> dict[str, Any]:
    """Draw `digit` on an empty canvas; return ms from mouse up to each of TIMINGS (None if not seen) and "value"."""
    page = target.page
    page.evaluate(_ARM_JS, [METRIC_LABEL, IDLE_SELECTOR, target.has_metric])
    draw_digit(page, canvas_surface(page, target.canvas_key), digit)
    page.wait_for_function(_SETTLED_JS, timeout=timeout_ms, polling=100)
    rec = page.evaluate("() => { window.__nnvizObserver.disconnect(); return window.__nnvizStroke; }")
    result: dict[str, Any] = {"value": rec["value"]}
    for name, stamp in (("prediction", rec["prediction"]), ("idle", rec["idle"]), ("settled", rec["last"])):
        result[name] = None if stamp is None else stamp - rec["start"]
    return result


def empty_canvas(target: Target, timeout_ms: float) -> None:
    """Reset the canvas and wait until the page shows no Prediction and is idle."""
    page = target.page
    reset_canvas(page, target.canvas_key)
    page.wait_for_function(
        """([idleSelector, label]) => document.querySelector(idleSelector) !== null
              && ![...document.querySelectorAll('[data-testid="stMetricLabel"]')]
                   .some(el => el.innerText.trim() === label && !el.closest('[data-stale="true"]'))""",
        arg=[IDLE_SELECTOR, METRIC_LABEL],
        timeout=timeout_ms,
        polling=100,
    )
    # Let trailing canvas events (the debounced empty drawing) arrive before the next stroke is armed.
    page.wait_for_timeout(SETTLE_MS)
    wait_idle(page, timeout_ms)


def shows_metric(page: Any, timeout_ms: float) -> bool:
    """True once the page shows a Prediction metric (within a few seconds), else False."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "(label) => [...document.querySelectorAll('[data-testid=\"stMetricLabel\"]')]"
            ".some(el => el.innerText.trim() === label)",
            arg=METRIC_LABEL,
            timeout=min(timeout_ms, 5000),
            polling=100,
        )
    except PlaywrightTimeout:
        return False
    wait_idle(page, timeout_ms)
    return True


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    if not values:
        return f"{'-':>21}"
    return f"{statistics.median(values):5.0f} (p90 {percentile(values, 0.9):5.0f})"


def ratios(target: Target, base: Target) -> str:
    """Median over median for each timing both pages have."""
    parts = [
        f"{name} {statistics.median(target.ms[name]) / statistics.median(base.ms[name]):4.2f}×"
        for name in TIMINGS
        if target.ms[name] and base.ms[name]
    ]
    return ", ".join(parts)


def measure(args: argparse.Namespace, executable: str) -> list[Target]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    timeout_ms = args.timeout * 1000
    data_dir = real_data_dir()
    env = {"NNVIZ_DATA_DIR": str(data_dir)} if data_dir else {}
    with (
        StreamlitServer("app.py", env=env) as app,
        StreamlitServer("bench/bare_canvas_app.py") as bare,
        sync_playwright() as playwright,
    ):
        app.wait_healthy()
        bare.wait_healthy()
        targets = [Target("bare", bare.url, "draw_canvas")]
        for name in [p.strip() for p in args.pages.split(",") if p.strip()]:
            targets.append(Target(name, f"{app.url}/{'' if name == 'draw' else name}", f"{name}_canvas"))
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for target in targets:
                target.page = browser.new_context(viewport=VIEWPORT).new_page()
                open_app_page(target.page, target.url)
                try:
                    canvas_surface(target.page, target.canvas_key).wait_for(state="visible", timeout=timeout_ms)
                except PlaywrightTimeout:
                    raise SystemExit(
                        f"{target.url} shows no canvas with a key starting {target.canvas_key!r}"
                    ) from None
                wait_idle(target.page, timeout_ms)
                if args.after_training and target.name != "bare":
                    after_training(target.page, target, timeout_ms)
                target.has_metric = False  # the warm-up stroke (not counted) only waits for the rerun
                stroke_once(target, "7", timeout_ms)
                target.has_metric = shows_metric(target.page, timeout_ms)
                if not target.has_metric:
                    print(f"note: {target.name} shows no {METRIC_LABEL!r} metric; only idle and settled are timed")
                empty_canvas(target, timeout_ms)
            for i in range(args.strokes):
                digit = DIGITS[i % len(DIGITS)]
                for target in targets:
                    result = stroke_once(target, digit, timeout_ms)
                    for name in TIMINGS:
                        if result[name] is not None:
                            target.ms[name].append(result[name])
                    timings = "  ".join(f"{name} {result[name]:4.0f}" for name in TIMINGS if result[name] is not None)
                    print(f"  {target.name:>8} stroke {i + 1:2d}: drew {digit}, shows {result['value']}: {timings} ms")
                    empty_canvas(target, timeout_ms)
        finally:
            browser.close()
    return targets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strokes", type=int, default=12, help="timed strokes per page (default 12)")
    parser.add_argument("--pages", default="network", help="pages with a canvas, comma-separated url paths")
    parser.add_argument("--after-training", action="store_true", help="call the after_training hook first")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one stroke's update")
    args = parser.parse_args()
    if args.strokes < 1:
        parser.error("--strokes must be at least 1")
    if "draw" in args.pages.split(","):
        parser.error("Draw answers in the browser while the pen moves: bench/live_draw.py times it")
    if problem := browser_missing():
        print(problem)
        return 2
    executable = chromium_executable()

    targets = measure(args, executable)

    print(f"\nms from mouse up, median (p90) of {args.strokes} strokes per page")
    print(f"{'page':>8}  {'prediction':>21}  {'idle':>21}  {'settled':>21}")
    for target in targets:
        print(f"{target.name:>8}  " + "  ".join(summary(target.ms[name]) for name in TIMINGS))
    by_name = {t.name: t for t in targets}
    for name, base, goal in [("network", "bare", 1.5)]:
        if name in by_name and base in by_name:
            print(f"{name} / {base}: {ratios(by_name[name], by_name[base])}   (target on prediction ≤ {goal}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
