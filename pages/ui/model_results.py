"""What is computed once per model: its fingerprint and its results (a layer's PCA map, its top examples…).

The default model's results are shared by every session (`st.cache_resource`) and never mutated; a
session's own model keeps its results in its results concern (nnviz.session.state.results), so they
never leak into another session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from nnviz.model.fingerprint import fingerprint
from nnviz.model.network import Network
from nnviz.session.state import results
from nnviz.session.state.results import ModelResults
from pages.ui.resources import default_network
from pages.ui.state import load, save

T = TypeVar("T")


def model_fingerprint(network: Network) -> str:
    """`fingerprint(network)`; the last network hashed is remembered, so it is not hashed again on every stroke."""
    if (remembered := results.fingerprint_of(load(ModelResults), network)) is not None:
        return remembered
    digest = fingerprint(network)
    save(results.with_fingerprint(load(ModelResults), network, digest))
    return digest


@st.cache_resource(show_spinner=False, max_entries=32)
def _shared_model_result(kind: str, model_id: str, part: int, _network: Network, _compute: Callable) -> Any:
    return _compute(_network, part)


def model_result(kind: str, model_id: str, part: int, network: Network, compute: Callable[[Network, int], T]) -> T:
    """`compute(network, part)`, computed once per (kind, model, part); results must not be mutated.

    model_id: `model_fingerprint(network)`, plus the epoch for a time-travel snapshot.
    A session's own model keeps only the last few of its results.
    """
    if network is default_network():
        return _shared_model_result(kind, model_id, part, network, compute)
    key = (kind, model_id, part)
    kept, found, value = results.look_up(load(ModelResults), key)
    if not found:
        value = compute(network, part)
        kept = results.with_result(kept, key, value)
    save(kept)
    return value
