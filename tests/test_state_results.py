"""The results concern: a session's per-model results kept least-recently-used, and the last fingerprint by identity."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from nnviz.session.state import results
from nnviz.session.state.results import ModelResults


def test_the_fingerprint_is_remembered_for_that_very_network_only() -> None:
    network, twin = object(), object()
    kept = results.with_fingerprint(ModelResults(), network, "abc")
    assert results.fingerprint_of(kept, network) == "abc"
    assert results.fingerprint_of(kept, twin) is None and results.fingerprint_of(ModelResults(), network) is None


def test_results_are_kept_least_recently_used_like_an_ordered_dict() -> None:
    """Against collections.OrderedDict used as an LRU (move_to_end on a hit, popitem(last=False) past the limit)."""
    rng = np.random.default_rng(0)
    kept, oracle, limit = ModelResults(), OrderedDict(), 4
    for _ in range(500):
        key = ("latent", f"model{int(rng.integers(3))}", int(rng.integers(3)))
        kept, found, value = results.look_up(kept, key)
        assert found == (key in oracle)
        if found:
            oracle.move_to_end(key)
            assert value == oracle[key]
        else:
            value = f"{key} computed"
            kept = results.with_result(kept, key, value, limit)
            oracle[key] = value
            while len(oracle) > limit:
                oracle.popitem(last=False)
        assert [pair[0] for pair in kept.kept] == list(oracle)


def test_a_lookup_never_changes_the_value_it_did_not_find() -> None:
    kept = results.with_result(ModelResults(), ("a", "m", 0), 1)
    same, found, value = results.look_up(kept, ("b", "m", 0))
    assert not found and value is None and same.kept == kept.kept
