"""What every session shares, loaded once per server and never mutated: the default model and the test digits."""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnviz.model.default_model import load_default_network
from nnviz.model.mnist import DataUnavailableError, load_mnist_test
from nnviz.model.network import Network


@st.cache_resource(show_spinner=False)
def default_network() -> Network:
    """The shipped default model, loaded once per server (read-only, shared)."""
    return load_default_network()


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
