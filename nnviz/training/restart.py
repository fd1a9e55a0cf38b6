"""A replica that dies is said: "the server restarted, so your trained model is gone".

A trained model lives in the memory of the server process the student's session is on. When
that process ends (a restart, a replica that died and whose students nginx moved to another),
the browser reconnects to a process that has never heard of it and gets a fresh session with the
default model, which would otherwise look as if training had silently been undone.

So a browser that holds a model of its own carries a cookie naming the process (its BOOT_ID,
random per process start) — set by a line of JavaScript, since Streamlit can read cookies
(`st.context.cookies`) but not set them. A fresh session whose browser sends the cookie of
another process says so once, then deletes the cookie. Tabs of one browser share the cookie, so a
second tab on the same process says nothing; a link copied to a classmate carries no cookie.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

COOKIE = "nnviz_model_on"
BOOT_ID = secrets.token_hex(8)  # this server process; any other process (restarted, another replica) has another
MODEL_GONE = (
    "The server restarted, so your trained model is gone: models live in the server's memory. "
    "The default model is back; train again, or load a model you saved."
)
# A tab that reconnects (to this process or a restarted one) reruns at once, so the notice does not wait for a click.
RECONNECT_JS = (Path(__file__).resolve().parent / "reconnect.js").read_text(encoding="utf-8")
_BOOT_ID_SHAPE = re.compile(r"[0-9a-f]{16}")  # what a cookie must look like to be believed (and written into JS)


@dataclass(frozen=True)
class ModelMarker:
    """What this session knows of its browser's cookie, and what this run must do about it.

    cookie: the value this session wrote into the cookie (None: it wrote none); read: the
    session's first run has read the cookie the browser sent; notice: MODEL_GONE to say now, or None;
    script: JavaScript to run now that sets or deletes the cookie, or None.
    """

    @property
    def watches_reconnect(self) -> bool:
        """True while the browser holds a model of this process: its tab reruns when it reconnects."""
        return self.cookie is not None

    cookie: str | None = None
    read: bool = False
    notice: str | None = None
    script: str | None = None


def _cookie_script(value: str | None) -> str:
    """JavaScript that sets the cookie to `value` (a BOOT_ID) for the whole site, or deletes it (None)."""
    if value is None:
        return f"<script>document.cookie = '{COOKIE}=; path=/; max-age=0; SameSite=Strict';</script>"
    return f"<script>document.cookie = '{COOKIE}={value}; path=/; SameSite=Strict';</script>"


def step(marker: ModelMarker, cookies: Mapping[str, str], has_own_model: bool, boot_id: str = BOOT_ID) -> ModelMarker:
    """After a full run of the page: the session's next marker, with what to say and run now.

    On the session's first run the browser's cookie is read: one naming another process means that process
    is gone, with the model if this session has none (a new session never has): say so once, and delete the
    stale cookie. Once the session has a model of its own the cookie names this process. It is never deleted
    for going back to the default model: another tab of the browser may still have one.
    """
    notice = script = None
    if not marker.read:
        sent = cookies.get(COOKIE)
        if isinstance(sent, str) and _BOOT_ID_SHAPE.fullmatch(sent) and sent != boot_id:
            notice = None if has_own_model else MODEL_GONE
            script = _cookie_script(None)
    written = marker.cookie
    if has_own_model and written != boot_id:
        written, script = boot_id, _cookie_script(boot_id)
    return ModelMarker(cookie=written, read=True, notice=notice, script=script)
