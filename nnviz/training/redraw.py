"""No stampede: when a shared run ends, the class's pages redraw one after another, not all at once.

Thirty students watching one shared training all see it end in the same poll. The run's result
is adopted at once (inside the polling fragment, which also shows the outcome and the curves),
but the whole-page redraw that re-enables the buttons is put off by a delay of up to
STAGGER_S, the same for a session every time and spread evenly over the class by a hash of its
id, so the server redraws ~30 pages over a few seconds instead of in one burst.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

STAGGER_S = 4.0


def redraw_delay(session: str, spread_s: float = STAGGER_S) -> float:
    """This session's delay in [0, spread_s): uniform over sessions, fixed for one."""
    digest = hashlib.blake2b(str(session).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32 * spread_s


@dataclass(frozen=True)
class Redraw:
    """due_at: when (time.monotonic) this session's page should be redrawn whole; None: nothing pending."""

    due_at: float | None = None

    def is_due(self, clock: Callable[[], float] = time.monotonic) -> bool:
        return self.due_at is not None and clock() >= self.due_at


def scheduled(session: str, clock: Callable[[], float] = time.monotonic) -> Redraw:
    """The redraw of `session`'s page after a run that ended now."""
    return Redraw(clock() + redraw_delay(session))
