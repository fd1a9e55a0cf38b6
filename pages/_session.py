"""Streamlit glue: session-state keys, cached loaders and the per-session model.

This is the only place that knows how state is kept between reruns. Pages ask
it for "the model of this session" and "the current input" and never touch
session-state keys themselves. What is cached with `st.cache_resource` is
shared by every session and never mutated: the default model, the test
digits, the trainer pool. What belongs to one user (their model, their
drawing) lives in `st.session_state`, so it never leaks into another session.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from nnviz.data import DataUnavailableError, load_mnist_test
from nnviz.default_model import load_default_network
from nnviz.guess import Tally
from nnviz.network import Network
from nnviz.settings import Experiment, ViewConfig, from_query, to_query
from nnviz.trainer_pool import TrainerPool, TrainingRun
from nnviz.training_history import TrainingHistory

T = TypeVar("T")

# Session-state keys, all in one place.
NETWORK = "nnviz_network"  # this session's trained Network, or absent for the default model
SNAPSHOTS = "nnviz_snapshots"  # per-epoch weight arrays of the session's trained model
INPUT = "nnviz_input"  # CurrentInput or absent
DRAWING = "nnviz_drawing"  # the canvas's Fabric.js JSON, to restore it after a page switch
CANVAS_GENERATION = "nnviz_canvas_generation"  # bumped to give the canvas a new key (clears it)
LAST_CANVAS_IMAGE = "nnviz_last_canvas_image"  # digest of the canvas image last turned into an input
CANVAS_MOUNT = "nnviz_canvas_mount"  # (generation, drawing) the canvas was mounted with
CURRENT_PAGE = "nnviz_current_page"  # the page that ran last, to notice a page switch
INPUT_ERROR = "nnviz_input_error"  # why a test digit or an uploaded photo could not become the input
TRAIN_RUN = "nnviz_train_run"  # the TrainingRun in progress (a handle on the shared trainer pool)
TRAIN_HISTORY = "nnviz_train_history"  # TrainingHistory of the latest run, finished or not
TRAIN_ERROR = "nnviz_train_error"  # why pressing Train did not start a run
LINK_PROBLEMS = "nnviz_link_problems"  # sentences on the link's settings (?epochs=...) that were ignored
TRAINED_SETTINGS = "nnviz_trained_settings"  # (NetworkConfig, TrainingConfig) of the session's model


@dataclass(frozen=True)
class CurrentInput:
    """What the network looks at right now.

    pixels: (784,) float32 in 0..1. source: "drawing", "test digit" or "photo".
    true_label: the test digit's label (None for a drawing); test_index: its index.
    """

    pixels: np.ndarray
    source: str
    true_label: int | None = None
    test_index: int | None = None


@st.cache_resource(show_spinner=False)
def default_network() -> Network:
    """The shipped default model, loaded once per server (read-only, shared)."""
    return load_default_network()


@st.cache_resource(show_spinner="Loading the MNIST test digits…")
def _test_digits() -> tuple[np.ndarray, np.ndarray] | str:
    # A failure is cached as its message too: retrying a missing folder on every rerun helps no one.
    try:
        return load_mnist_test()
    except DataUnavailableError as exc:
        return str(exc)


def test_digits() -> tuple[np.ndarray, np.ndarray]:
    """(x_test (10000, 784) float32 0..1, y_test (10000,) int) — raises DataUnavailableError."""
    loaded = _test_digits()
    if isinstance(loaded, str):
        raise DataUnavailableError(loaded)
    return loaded


def active_network() -> Network:
    """The model this session uses: the one trained on the Train page, else the default.

    A run that finished while the student was on another page is adopted here, so
    the Draw and Network pages switch to it on the next stroke.
    """
    collect_training()
    return st.session_state.get(NETWORK) or default_network()


def is_default_network() -> bool:
    return st.session_state.get(NETWORK) is None


def set_session_network(network: Network | None, snapshots: list | None = None) -> None:
    """Make `network` this session's model (None: back to the default)."""
    st.session_state[NETWORK] = network
    st.session_state[SNAPSHOTS] = snapshots
    st.session_state[TRAINED_SETTINGS] = None  # a trained model sets its settings right after


def session_snapshots() -> list | None:
    return st.session_state.get(SNAPSHOTS)


def current_input() -> CurrentInput | None:
    return st.session_state.get(INPUT)


def set_current_input(value: CurrentInput | None) -> None:
    st.session_state[INPUT] = value


def saved_drawing() -> dict | None:
    return st.session_state.get(DRAWING)


def save_drawing(drawing: dict | None) -> None:
    st.session_state[DRAWING] = drawing


def clear_canvas() -> None:
    """Forget the drawing and the input, and give the canvas a new key (the only way to empty it from Python)."""
    st.session_state[DRAWING] = None
    st.session_state[INPUT] = None
    st.session_state[CANVAS_GENERATION] = st.session_state.get(CANVAS_GENERATION, 0) + 1


def route_through_app() -> None:
    """Make sure this page runs inside app.py's navigation; call first thing on every page.

    A folder named pages/ makes Streamlit start in its legacy mode, which runs
    a page file directly with an auto-generated menu, until `st.navigation` is
    called once. If the first request to a fresh server is a page URL such as
    /train, app.py never runs, so that mode would stay. Switching it off and
    rerunning sends the request through app.py to the same page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def canvas_key(page: str) -> str:
    """The canvas's widget key on `page`: a new generation means a fresh, empty canvas."""
    return f"{page}_canvas_{st.session_state.get(CANVAS_GENERATION, 0)}"


def enter_page(page: str) -> None:
    """Called by the router on every run with the page about to run.

    On arrival from another page the canvas is about to be mounted afresh, so
    the drawing it should show is captured now.
    """
    if st.session_state.get(CURRENT_PAGE) != page:
        st.session_state[CURRENT_PAGE] = page
        st.session_state[CANVAS_MOUNT] = None


def canvas_initial_drawing() -> dict | None:
    """The drawing to mount the canvas with, frozen for the whole visit to a page.

    The canvas forgets its strokes when its page is left, so it is remounted
    with the saved drawing. Passing each new drawing back in would redraw the
    canvas under the pen, so the value is captured once per mount.
    """
    generation = st.session_state.get(CANVAS_GENERATION, 0)
    mount = st.session_state.get(CANVAS_MOUNT)
    if mount is None or mount[0] != generation:
        mount = (generation, saved_drawing())
        st.session_state[CANVAS_MOUNT] = mount
    return mount[1]


@st.cache_resource(show_spinner=False)
def trainer_pool() -> TrainerPool:
    """The server-wide pool of training worker processes (TensorFlow lives there, not here)."""
    return TrainerPool()


def start_training(run: TrainingRun, history: TrainingHistory) -> None:
    st.session_state[TRAIN_RUN] = run
    st.session_state[TRAIN_HISTORY] = history


def training_run() -> TrainingRun | None:
    return st.session_state.get(TRAIN_RUN)


def training_history() -> TrainingHistory | None:
    return st.session_state.get(TRAIN_HISTORY)


def training_in_progress() -> bool:
    history = training_history()
    return training_run() is not None and history is not None and history.finished is None


def stop_training() -> None:
    if (run := training_run()) is not None:
        run.stop()


def trained_settings() -> tuple | None:
    return st.session_state.get(TRAINED_SETTINGS)


def collect_training() -> bool:
    """Fold the trainer's new events into the history (never blocks); True if the run finished just now."""
    run, history = training_run(), training_history()
    if run is None or history is None or history.finished is not None:
        return False
    for event in run.poll():
        history.add(event)
    if history.finished is None:
        return False
    finish_training(history)
    return True


def finish_training(history: TrainingHistory) -> None:
    """Adopt the finished run's model as this session's model (a failed run keeps the old one)."""
    st.session_state[TRAIN_RUN] = None
    finished = history.finished
    if finished is None:
        return
    network = history.trained_network()
    if network is not None:
        set_session_network(network, history.snapshots)
        st.session_state[TRAINED_SETTINGS] = (history.network_config, history.training_config)


# --- Network page: the neuron the student follows, and results computed once per model ---------------

SELECTED_NEURON = "nnviz_selected_neuron"  # (layer name, neuron or None = its most active one), or absent
MODEL_FINGERPRINT = "nnviz_model_fingerprint"  # (network, digest) of the network hashed last, to hash it once
MODEL_RESULTS = "nnviz_model_results"  # this session's LRU of results computed from its own model
LAYER_PICKER = "network_pick_layer"  # widget keys of the neuron pickers: the page shows the selection in them
NEURON_PICKER = "network_pick_neuron"
NETWORK_TABS = "network_tabs"  # widget key of the Network page's tabs: only the open tab is computed
SESSION_RESULTS_KEPT = 12  # latent maps and top examples of a few layers × epochs; each is small


def selected_neuron() -> tuple[str, int | None] | None:
    """(layer name, neuron) the student picked on the Network page; neuron None = the layer's most active.

    The layer is kept by name ("hidden_2", "output"), so a pick still means the same
    layer, or nothing, once a model of another shape is trained.
    """
    return st.session_state.get(SELECTED_NEURON)


def select_neuron(layer_name: str, neuron: int | None) -> None:
    st.session_state[SELECTED_NEURON] = (str(layer_name), None if neuron is None else int(neuron))


def picked_in_pickers() -> tuple[int | None, int | None]:
    """(layer, neuron) as the Network page's two picker widgets hold them (read in their callbacks)."""
    return st.session_state.get(LAYER_PICKER), st.session_state.get(NEURON_PICKER)


def show_in_pickers(layer: int, neuron: int) -> None:
    """Make the pickers show (layer, neuron): called before they are drawn, so a click on a chart shows up there."""
    st.session_state[LAYER_PICKER] = int(layer)
    st.session_state[NEURON_PICKER] = int(neuron)


def chart_selection(key: str) -> dict | None:
    """The selection a plotly chart keyed `key` reports (read in its on_select callback), or None."""
    state = st.session_state.get(key)
    return None if state is None else state.get("selection")


def model_fingerprint(network: Network) -> str:
    """A digest of the network's configuration and weights: equal weights, equal fingerprint.

    It keys what is computed once per model. The last network hashed is remembered,
    so the same model is not hashed again on every stroke.
    """
    remembered = st.session_state.get(MODEL_FINGERPRINT)
    if remembered is not None and remembered[0] is network:
        return remembered[1]
    digest = hashlib.blake2b(network.config.to_json().encode(), digest_size=16)
    for weights, bias in network.arrays():
        digest.update(np.ascontiguousarray(weights).data)
        digest.update(np.ascontiguousarray(bias).data)
    fingerprint = digest.hexdigest()
    st.session_state[MODEL_FINGERPRINT] = (network, fingerprint)
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
    results = st.session_state.setdefault(MODEL_RESULTS, OrderedDict())
    key = (kind, model_id, part)
    if key in results:
        results.move_to_end(key)
        return results[key]
    value = compute(network, part)
    results[key] = value
    while len(results) > SESSION_RESULTS_KEPT:
        results.popitem(last=False)
    return value


# --- Settings: the session's experiment and the address bar (issue 7) --------------------------------------

EXPERIMENT = "nnviz_experiment"  # the current Experiment: outside widget keys, so it outlives a page switch
FORM_EXPERIMENT = "nnviz_form_experiment"  # the Experiment the Train form's widgets were last seeded from or read
LINK_READ = "nnviz_link_read"  # True once this session has read its link (a new session, e.g. a reload, reads it)
UPLOAD_ERROR = "nnviz_upload_error"  # why the model file uploaded on the Train page could not be loaded


def experiment() -> Experiment:
    """This session's current experiment: what the Train form shows and the address bar holds."""
    return st.session_state.get(EXPERIMENT) or Experiment()


def set_experiment(exp: Experiment) -> None:
    st.session_state[EXPERIMENT] = exp


def read_link_once() -> None:
    """On a session's first run, take the experiment from the link; say what was ignored (shown once)."""
    if st.session_state.get(LINK_READ):
        return
    st.session_state[LINK_READ] = True
    exp, problems = from_query(st.query_params.to_dict())
    set_experiment(exp)
    if problems:
        st.session_state[LINK_PROBLEMS] = problems


def link_problems() -> list[str]:
    """The sentences about ignored link parameters, once (they are forgotten when read)."""
    return st.session_state.pop(LINK_PROBLEMS, None) or []


def write_link() -> None:
    """Put the current experiment into the address bar (only the settings that differ from the defaults).

    Called by the router after every page ran, so copying the URL always reproduces the
    experiment and a reload keeps it. Nothing is sent while the address bar already agrees.
    """
    wanted = to_query(experiment())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# --- Classroom view (issue 11): presenter mode, guess first, the lesson step -------------------------------------

GUESS_TALLY = "nnviz_guess_tally"  # nnviz.guess.Tally of this session's guesses
DIGIT_GUESS = "nnviz_digit_guess"  # (canvas generation, guessed digit, digit the network said) on the Draw page
CURVE_GUESS = "nnviz_curve_guess"  # (TrainingHistory, guessed curve shape) of the run the guess was made for
CURVE_SETTLED = "nnviz_curve_settled"  # the TrainingHistory whose guess has been counted in the tally
JUST_GUESSED = "nnviz_just_guessed"  # set by the Draw page's guess picker: rerun the whole page once (the tally)
LESSON_OPENING = "nnviz_lesson_opening"  # the page a lesson button asked to open (switch_page cannot run in a callback)


def view() -> ViewConfig:
    return experiment().view


def set_view(**changes: object) -> None:
    """Change view settings (presenter=..., guess_first=..., lesson_step=...) of the session's experiment."""
    exp = experiment()
    set_experiment(replace(exp, view=replace(exp.view, **changes).validate()))


def guess_tally() -> Tally:
    return st.session_state.get(GUESS_TALLY) or Tally()


def count_guess(correct: bool) -> None:
    st.session_state[GUESS_TALLY] = guess_tally().add(correct)


def canvas_generation() -> int:
    """Bumped whenever the canvas is emptied (Clear, a test digit, a photo): a new drawing."""
    return st.session_state.get(CANVAS_GENERATION, 0)
