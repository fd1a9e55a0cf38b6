"""What the server shares between sessions (default model, test digits, trainer pool, rooms); how a session is known.

All are created once per server with `st.cache_resource`. A session is known to the trainer
pool by an owner id kept in its own state; the pool asks "is this session still there?" through
a weak reference to that state, so a run lives while Streamlit keeps its session (a connected
tab, or one that closed less than `server.disconnectedSessionTTL` ago) and polls as a heartbeat.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import uuid4

import numpy as np
import streamlit as st

from nnviz.classroom.probing import SERVER_PROBE_LIMIT, Limit, RedisProbeLimit
from nnviz.classroom.rooms import InMemoryRoomStore, RedisRoomStore, RoomStore
from nnviz.model.default_model import load_default_network
from nnviz.model.mnist import DataUnavailableError, load_mnist_test, load_mnist_training_labels
from nnviz.model.network import Network
from nnviz.training.fair_share import TrainingSet
from nnviz.training.pool import TrainerPool
from pages.ui.state import load, save


@st.cache_resource(show_spinner=False)
def default_network() -> Network:
    """The shipped default model, loaded once per server (read-only, shared)."""
    return load_default_network()


@st.cache_resource(show_spinner=False)
def trainer_pool() -> TrainerPool:
    """The server-wide pool of training worker processes (TensorFlow lives there, not here)."""
    return TrainerPool()


@st.cache_resource(show_spinner=False)
def room_store() -> RoomStore:
    """The server's rooms: Redis when NNVIZ_REDIS_URL is set (several servers, one class), else in memory."""
    url = os.environ.get("NNVIZ_REDIS_URL")
    return RedisRoomStore.from_url(url) if url else InMemoryRoomStore()


@st.cache_resource(show_spinner=False)
def probe_limit() -> Limit:
    """Room codes tried per client address: counted in the rooms' Redis (all servers at once), else per server."""
    store = room_store()
    return RedisProbeLimit(store.client) if isinstance(store, RedisRoomStore) else SERVER_PROBE_LIMIT


@st.cache_resource(show_spinner=False)
def training_set() -> TrainingSet | None:
    """How many training images of each digit the trainers will find (None: no MNIST here, estimates say all 60,000)."""
    try:
        return TrainingSet.from_labels(load_mnist_training_labels())
    except DataUnavailableError:
        return None


@dataclass(frozen=True)
class SessionPresence:
    """Lives exactly as long as the session's state: only this session holds it."""

    owner: str = field(default_factory=lambda: uuid4().hex)


def session_presence() -> tuple[str, Callable[[], bool]]:
    """(owner id, still_connected) of this session for the trainer pool.

    still_connected is True while the session's state still exists; the pool's watchdog calls it
    from its own thread, and a weak reference is safe and quick to read there.
    """
    presence = load(SessionPresence)
    save(presence)
    alive = weakref.ref(presence)
    return presence.owner, lambda: alive() is not None


@st.cache_resource(show_spinner="Loading the MNIST test digits…")
def test_digits_or_message() -> tuple[np.ndarray, np.ndarray] | str:
    """(x_test (10000, 784) float32 0..1, y_test (10000,) int), or the message saying why they are missing.

    A failure is cached as its message too: retrying a missing folder on every rerun helps no one.
    """
    try:
        return load_mnist_test()
    except DataUnavailableError as exc:
        return str(exc)


def test_digits() -> tuple[np.ndarray, np.ndarray]:
    """(x_test, y_test) — raises DataUnavailableError when the test digits are missing."""
    loaded = test_digits_or_message()
    if isinstance(loaded, str):
        raise DataUnavailableError(loaded)
    return loaded
