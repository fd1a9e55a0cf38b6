"""How nnviz writes a share as a percentage: never rounded into a falsehood.

A network that is 99.97 % sure is not "100 % sure", and a runner-up at 0.004 % is not "0 %":
the formatter adds decimals (up to two) until the text is true, and past that writes
"> 99.99%" or "< 0.01%". Only exactly 1 is "100%" and only exactly 0 is "0%" — and a network's
probability, never exactly either, is written by `probability` (and `sure`) as "> 99.99%" or "< 0.01%".
"""

from __future__ import annotations

import math

MOST_DECIMALS = 2


def percent(share: float, decimals: int = 0) -> str:
    """`share` (0..1) as "97%", "99.6%", "99.97%", "> 99.99%", "< 0.01%"; "–" when it is not a number.

    decimals: the usual number of decimals; more are added only when fewer would read 0 or 100.
    """
    if not math.isfinite(share):
        return "–"
    for places in range(decimals, max(decimals, MOST_DECIMALS) + 1):
        text = f"{share:.{places}%}"
        shown = float(text[:-1])
        if not (shown >= 100 and share < 1) and not (shown == 0 and share > 0):
            return text
    smallest = f"{10.0**-MOST_DECIMALS:.{MOST_DECIMALS}f}%"
    return f"> {100 - 10.0**-MOST_DECIMALS:.{MOST_DECIMALS}f}%" if share > 0.5 else f"< {smallest}"


# A softmax is never exactly 0 or 1, though float32 can round it there (a 7 drawn boldly gives 1.0):
# a probability is written as a share strictly inside (0, 1), so the network is never "100% sure".
_OPEN = 1e-12


def probability(share: float, decimals: int = 0) -> str:
    """A network's probability `share` as percent() writes it, read as never exactly 0 or 1: "> 99.99%" for 1.0."""
    share = float(share)  # a numpy float32 would compare (and round) 1 - 1e-12 back to 1.0
    if math.isfinite(share):
        share = min(max(share, _OPEN), 1 - _OPEN)
    return percent(share, decimals)


def sure(share: float) -> str:
    """ "97% sure", "99.98% sure", "> 99.99% sure": how sure the network is of an answer with probability `share`."""
    return f"{probability(share)} sure"


ALL_DIGITS = tuple(range(10))


def task_name(digits: tuple[int, ...]) -> str:
    """The task a network learns, from its digits: "all 10 digits" or "7, 8, 9"."""
    return "all 10 digits" if tuple(digits) == ALL_DIGITS else ", ".join(str(d) for d in digits)
