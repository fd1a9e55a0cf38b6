"""A QR code of a link, as PNG bytes: students scan the projected hand-out or join link with a phone.

segno (pure Python, no dependencies) encodes it; error correction "M" survives a projector's glare
and a phone held at an angle, and a quiet zone of 4 modules is what scanners expect.
"""

from __future__ import annotations

import io

import segno

QR_SCALE = 6  # pixels per module: a link of ~100 characters gives a code of about 300 px
QR_BORDER = 4  # modules of white around the code (the standard's quiet zone)


def qr_png(text: str) -> bytes:
    """The PNG image (black on white) of a QR code holding `text`, e.g. "http://192.168.1.20:8501/train?room=K7QM"."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return out.getvalue()
