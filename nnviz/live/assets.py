"""The live view's HTML, CSS and JavaScript, read as text: no build step, no npm."""

from __future__ import annotations

from pathlib import Path

ASSET_DIR = Path(__file__).resolve().parent


def view_assets() -> dict[str, str]:
    """{"html": ..., "css": ..., "js": ...}: the live view's files (live_draw.*) as text."""
    return {kind: (ASSET_DIR / f"live_draw.{kind}").read_text(encoding="utf-8") for kind in ("html", "css", "js")}
