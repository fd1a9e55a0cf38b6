"""Developer kit shared by the tests and the benchmarks (never imported by the app).

- `devkit.browser`: start `streamlit run app.py` on a free port, drive it in headless
  system Chromium, draw digits with the mouse, read metrics.
- `devkit.canvas_injection`: put a drawing into a page's canvas under AppTest (the one place that knows
  streamlit-drawable-canvas's payload format).
- `devkit.fake_run`: a trainer-pool run that hands out prepared events (experiment jobs without a worker).
- `devkit.data_dir`: where the real MNIST folder is on a developer's machine.
- `devkit.timing`: the benchmarks' stopwatch (`ms_since`) and median of repeated calls (`median_s`).
"""
