"""Developer kit shared by the tests and the benchmarks (never imported by the app; no test module is imported).

- `devkit.browser`: start `streamlit run app.py` on a port it binds itself, drive it in headless
  system Chromium, draw digits with the mouse, read metrics, wait for the canvas to settle.
- `devkit.app_kit`: open and read pages under AppTest; a small real training from the Train page.
- `devkit.app_state`: read or set one typed concern of an AppTest session.
- `devkit.canvas_injection`: put a drawing into a page's canvas under AppTest (the one place that knows
  streamlit-drawable-canvas's payload format).
- `devkit.anatomy`: random networks and digit-like inputs; `devkit.synthetic`: a tiny MNIST stand-in.
- `devkit.fake_run`: a trainer-pool run that hands out prepared events (experiment jobs without a worker).
- `devkit.redis_server`: a private redis-server on a free port.
- `devkit.ci`: skip on a user's machine, fail in CI, when something a test needs is missing.
- `devkit.data_dir`: where the real MNIST folder is on a developer's machine.
- `devkit.timing`: the benchmarks' stopwatch (`ms_since`) and median of repeated calls (`median_s`).
"""
