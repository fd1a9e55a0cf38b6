"""The Streamlit server process must never import TensorFlow or Keras.

Once `keras` is in sys.modules, Streamlit clears the Keras session and runs a
full garbage collection after every script run (~0.4 s of CPU per stroke), and
TensorFlow's import alone takes seconds. So every page runs here, in a fresh
interpreter, and then sys.modules is checked.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from devkit.data_dir import PROJECT_ROOT

PAGES = ("pages/screens/draw.py", "pages/screens/train.py", "pages/screens/network.py", "pages/screens/learn.py")


def test_running_every_page_imports_no_tensorflow() -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file("app.py", default_timeout=60).run()
        assert not at.exception, at.exception
        for page in {PAGES!r}:
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
        import nnviz.training.pool  # the server side of training
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf_keras", "sklearn"))
        print("HEAVY:", heavy[:5])
        sys.exit(1 if heavy else 0)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
