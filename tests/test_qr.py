"""The hand-out link's QR code: a real PNG of a standard QR symbol (finder squares in three corners, a quiet zone)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from nnviz.figures.qr import QR_BORDER, QR_SCALE, qr_png

LINK = "http://192.168.1.20:8501/learn?tab=step&step=10"


def modules(png: bytes) -> np.ndarray:
    """The symbol as a boolean grid (True = dark module), read from the pixels one module apart."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    assert pixels.shape[0] == pixels.shape[1] and pixels.shape[0] % QR_SCALE == 0
    return pixels[QR_SCALE // 2 :: QR_SCALE, QR_SCALE // 2 :: QR_SCALE] < 128


def finder(grid: np.ndarray) -> bool:
    """Whether a 7 × 7 grid is a finder pattern: dark ring, light ring, dark 3 × 3 centre."""
    expected = np.ones((7, 7), dtype=bool)
    expected[1:6, 1:6] = False
    expected[2:5, 2:5] = True
    return bool((grid == expected).all())


def test_the_qr_code_is_a_standard_symbol_with_a_quiet_zone() -> None:
    grid = modules(qr_png(LINK))
    size = grid.shape[0] - 2 * QR_BORDER
    assert (size - 17) % 4 == 0 and size >= 21  # a QR version: 21, 25, 29 … modules a side
    assert not grid[:QR_BORDER].any() and not grid[-QR_BORDER:].any()  # the quiet zone is white
    assert not grid[:, :QR_BORDER].any() and not grid[:, -QR_BORDER:].any()
    symbol = grid[QR_BORDER:-QR_BORDER, QR_BORDER:-QR_BORDER]
    assert finder(symbol[:7, :7]) and finder(symbol[:7, -7:]) and finder(symbol[-7:, :7])
    assert not finder(symbol[-7:, -7:])  # the fourth corner has none: that is how a phone finds "up"


def test_a_longer_link_needs_a_bigger_symbol_and_different_links_differ() -> None:
    short, long = modules(qr_png(LINK)), modules(qr_png(LINK + "&layers=512,512,512&digits=0123456789" * 3))
    assert long.shape[0] > short.shape[0]
    assert not np.array_equal(modules(qr_png(LINK)), modules(qr_png(LINK.replace("10", "11"))))
