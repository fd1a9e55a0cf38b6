"""The session's model and what is computed from it once: its fingerprint and its per-model results.

What is cached with `st.cache_resource` is shared by every session and never mutated (the
default model's results). What belongs to one session (its own model's results) is its results
concern (nnviz.session.state.results), kept through pages/ui/state.py, so it never leaks into
another session. The experiment, the link and the view are pages/ui/links.py's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import streamlit as st

from nnviz.explain.loss_landscape import WeightRef
from nnviz.model.network import Network
from nnviz.session.state import learn as learning
from nnviz.session.state import results
from nnviz.session.state.learn import LearnState
from nnviz.session.state.results import ModelResults
from nnviz.session.state.training import TrainingState
from pages.ui import state, training
from pages.ui.resources import default_network
from pages.ui.state import load, save

T = TypeVar("T")

# The session's model lives in the training concern (pages/ui/training.py); these delegates serve the
# pages that still ask this module for it.


def active_network() -> Network:
    """The model this session uses (see pages.ui.training.active_network)."""
    return training.active_network()


def is_default_network() -> bool:
    return training.is_default_network()


def set_session_network(network: Network | None) -> None:
    """Make `network` this session's model (None: back to the default)."""
    training.use_network(network)


def session_snapshots() -> tuple | None:
    return load(TrainingState).snapshots


# --- Results computed once per model (Network, Learn and Test pages) ----------------------------------


def pick_weight_from_diagram(model_id: str, ref: WeightRef) -> None:
    """A click on an edge of the Network page's diagram: its weight becomes the Learn page's weight."""
    state.save(learning.pick_from_diagram(state.load(LearnState), model_id, ref))


def diagram_edge_weight(model_id: str) -> WeightRef | None:
    """The WeightRef last clicked in the Network page's diagram while it is still the Learn page's weight, or None."""
    return learning.diagram_edge(state.load(LearnState), model_id)


def model_fingerprint(network: Network) -> str:
    """A digest of the network's configuration and weights: equal weights, equal fingerprint.

    It keys what is computed once per model. The last network hashed is remembered,
    so the same model is not hashed again on every stroke.
    """
    if (remembered := results.fingerprint_of(load(ModelResults), network)) is not None:
        return remembered
    digest = hashlib.blake2b(network.config.to_json().encode(), digest_size=16)
    for weights, bias in network.arrays():
        digest.update(np.ascontiguousarray(weights).data)
        digest.update(np.ascontiguousarray(bias).data)
    fingerprint = digest.hexdigest()
    save(results.with_fingerprint(load(ModelResults), network, fingerprint))
    return fingerprint


@st.cache_resource(show_spinner=False, max_entries=32)
def _shared_model_result(kind: str, model_id: str, part: int, _network: Network, _compute: Callable) -> Any:
    return _compute(_network, part)


def model_result(kind: str, model_id: str, part: int, network: Network, compute: Callable[[Network, int], T]) -> T:
    """`compute(network, part)` (e.g. a layer's PCA map), computed once per (kind, model, part).

    model_id: `model_fingerprint(network)`, plus the epoch for a time-travel snapshot.
    For the default model the result is shared by every session (it is the same for all);
    a session's own model keeps its results in that session only, the last few of them.
    Results must not be mutated.
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
