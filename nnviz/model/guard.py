"""One outcome for a loader of untrusted bytes: its result, or a ValueError in plain words.

A crafted file can make a parser fail in ways nobody lists: a config of 100,000 nested
``[`` raises RecursionError, a header claiming a huge shape MemoryError, a number like
1e400 turned into an int OverflowError, a damaged zip any of a dozen types. Pages catch
ValueError and show its message; `plain_errors` makes every other failure that message too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def plain_errors(message: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a loader: its own ValueErrors (already plain words) pass; any other exception
    (RecursionError, MemoryError, OverflowError, zipfile.BadZipFile, struct.error, ...) becomes
    ValueError(message). KeyboardInterrupt and SystemExit are not exceptions of the input and pass."""

    def decorate(load: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(load)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return load(*args, **kwargs)
            except ValueError:
                raise
            except Exception as exc:
                raise ValueError(message) from exc

        return guarded

    return decorate
