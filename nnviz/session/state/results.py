"""The results concern: what this session computed from its own model, kept for a while.

A latent map or the top examples of a layer take a second to compute; they are kept per
(kind, model fingerprint, part), the last few only. The fingerprint of the network hashed last is
remembered too, so the same model is not hashed again on every stroke. The default model's
results are shared by every session and live in a server-wide cache instead (pages/ui/model_results.py).

Every function returns a new value; nothing here touches Streamlit. Kept values must not be mutated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

RESULTS_KEPT = 12  # latent maps and top examples of a few layers × epochs; each is small

ResultKey = tuple[str, str, int]  # (kind, model id, part)


@dataclass(frozen=True, eq=False)
class ModelResults:
    """hashed: (network, fingerprint) of the network hashed last, compared by identity.

    kept: ((kind, model id, part), value) pairs, least recently used first, at most RESULTS_KEPT.
    """

    hashed: tuple[object, str] | None = None
    kept: tuple[tuple[ResultKey, Any], ...] = ()


def fingerprint_of(results: ModelResults, network: object) -> str | None:
    """The fingerprint remembered for this very network object, or None (it was not the last one hashed)."""
    return results.hashed[1] if results.hashed is not None and results.hashed[0] is network else None


def with_fingerprint(results: ModelResults, network: object, fingerprint: str) -> ModelResults:
    return replace(results, hashed=(network, fingerprint))


def look_up(results: ModelResults, key: ResultKey) -> tuple[ModelResults, bool, Any]:
    """(results with `key` now the most recently used, found?, its value or None)."""
    for index, (kept_key, value) in enumerate(results.kept):
        if kept_key == key:
            rest = results.kept[:index] + results.kept[index + 1 :]
            return replace(results, kept=(*rest, (key, value))), True, value
    return results, False, None


def with_result(results: ModelResults, key: ResultKey, value: Any, limit: int = RESULTS_KEPT) -> ModelResults:
    """`results` keeping `value` under `key` as the most recent; the least recently used go past `limit`."""
    kept = (*(pair for pair in results.kept if pair[0] != key), (key, value))
    return replace(results, kept=kept[-limit:])
