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
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

import numpy as np
import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nnviz.classroom.board import entry_for_run
from nnviz.classroom.collection import EMPTY as EMPTY_COLLECTION
from nnviz.classroom.collection import Collection
from nnviz.classroom.rooms import (
    InMemoryRoomStore,
    RedisRoomStore,
    RoomError,
    RoomStore,
    clean_nickname,
    normalise_room_code,
)
from nnviz.explain.loss_landscape import WeightRef
from nnviz.lesson.guess import Tally
from nnviz.model.default_model import load_default_network
from nnviz.model.mnist import DataUnavailableError, load_mnist_test
from nnviz.model.network import Network, NetworkConfig
from nnviz.session.settings import Experiment, ViewConfig, from_query, to_query
from nnviz.session.state import learn as learning
from nnviz.session.state.learn import LearnState
from nnviz.training.config import TrainingConfig
from nnviz.training.history import TrainingHistory
from nnviz.training.pool import HEARTBEAT_S, TrainerPool, TrainingRun
from nnviz.training.run_compare import KeptRun, keep_run
from pages.ui import state

T = TypeVar("T")

# Session-state keys, all in one place.
NETWORK = "nnviz_network"  # this session's trained Network, or absent for the default model
SNAPSHOTS = "nnviz_snapshots"  # per-epoch weight arrays of the session's trained model
INPUT = "nnviz_input"  # CurrentInput or absent
DRAWING = "nnviz_drawing"  # the canvas's Fabric.js JSON, to restore it after a page switch
CANVAS_GENERATION = "nnviz_canvas_generation"  # bumped to give the canvas a new key (clears it)
LAST_CANVAS_IMAGE = "nnviz_last_canvas_image"  # digest of the canvas image last turned into an input
CANVAS_MOUNT = "nnviz_canvas_mount"  # (generation, drawing, its input) the canvas was mounted with
CURRENT_PAGE = "nnviz_current_page"  # the page that ran last, to notice a page switch
INPUT_ERROR = "nnviz_input_error"  # why a test digit or an uploaded photo could not become the input
TRAIN_RUN = "nnviz_train_run"  # the TrainingRun in progress (a handle on the shared trainer pool)
TRAIN_HISTORY = "nnviz_train_history"  # TrainingHistory of the latest run, finished or not
TRAIN_ERROR = "nnviz_train_error"  # why pressing Train did not start a run
LINK_PROBLEMS = "nnviz_link_problems"  # sentences on the link's settings (?epochs=...) that were ignored
TRAINED_SETTINGS = "nnviz_trained_settings"  # (NetworkConfig, TrainingConfig) of the session's model
START_WEIGHTS = "nnviz_start_weights"  # weight arrays of the session's trained model before training (epoch 0)


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


def set_session_network(
    network: Network | None, snapshots: list | None = None, start_weights: list | None = None
) -> None:
    """Make `network` this session's model (None: back to the default); start_weights: its weights before training."""
    st.session_state[NETWORK] = network
    st.session_state[SNAPSHOTS] = snapshots
    st.session_state[START_WEIGHTS] = start_weights
    st.session_state[TRAINED_SETTINGS] = None  # a trained model sets its settings right after
    st.session_state[ACTIVE_RUN] = None  # a kept run that becomes the model says so right after


def session_snapshots() -> list | None:
    return st.session_state.get(SNAPSHOTS)


def session_start_weights() -> list | None:
    """The session model's weights before training (epoch 0), if it was trained here."""
    return st.session_state.get(START_WEIGHTS)


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
    canvas under the pen, so the value is captured once per mount, together
    with the input it stands for (see `note_canvas_report`).
    """
    generation = st.session_state.get(CANVAS_GENERATION, 0)
    mount = st.session_state.get(CANVAS_MOUNT)
    if mount is None or mount[0] != generation:
        drawing = saved_drawing()
        mount = (generation, drawing, current_input() if _strokes(drawing) else None)
        st.session_state[CANVAS_MOUNT] = mount
        st.session_state[CANVAS_STROKED] = False
    return mount[1]


# --- The canvas's own toolbar on a restored drawing ---------------------------------------------------------------
# streamlit-drawable-canvas resets its history to whatever it was mounted with: after a page
# switch that is the restored drawing, so its trash "resets" to the drawing and its undo has
# nothing to undo. The canvas then reports exactly the drawing it was mounted with; this
# section turns that report into what the student meant.

CANVAS_STROKED = "nnviz_canvas_stroked"  # True once the canvas reported a change since it was mounted


def _strokes(drawing: dict | None) -> list:
    """The Fabric.js objects (strokes) of a canvas drawing; [] for None or an empty canvas."""
    objects = drawing.get("objects") if isinstance(drawing, dict) else None
    return objects if isinstance(objects, list) else []


def note_canvas_report(drawing: dict | None) -> None:
    """React to a drawing the canvas reports (called from its on_change callback, before the rerun).

    On a canvas mounted with a restored drawing, a report of exactly that drawing is
    - before any new stroke: the toolbar's trash (undo and redo have nothing to do yet),
      so the canvas and the input are emptied, as on a fresh canvas;
    - after new strokes: the trash or an undo of every new stroke; both show the restored
      drawing again, so it becomes the input again and the canvas is remounted with it,
      which makes the next trash press unambiguous.
    """
    mount = st.session_state.get(CANVAS_MOUNT)
    if mount is None or not _strokes(mount[1]):
        return  # a fresh canvas: its own trash and undo already do the right thing
    if _strokes(drawing) != _strokes(mount[1]):
        st.session_state[CANVAS_STROKED] = True
        return
    if not st.session_state.get(CANVAS_STROKED):
        clear_canvas()
        return
    _, restored, restored_input = mount
    st.session_state[DRAWING] = restored
    st.session_state[INPUT] = restored_input
    st.session_state[CANVAS_GENERATION] = st.session_state.get(CANVAS_GENERATION, 0) + 1


@st.cache_resource(show_spinner=False)
def trainer_pool() -> TrainerPool:
    """The server-wide pool of training worker processes (TensorFlow lives there, not here)."""
    return TrainerPool()


def submit_training(network_config: NetworkConfig, training_config: TrainingConfig) -> TrainingRun:
    """Submit a run for this session (its earlier run, if any, is replaced: one run per session)."""
    session_id = _session_id()
    return trainer_pool().submit(
        network_config,
        training_config,
        owner=session_id,
        still_connected=None if session_id is None else partial(_session_connected, session_id),
    )


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
        set_session_network(network, history.snapshots, history.start_weights)
        st.session_state[TRAINED_SETTINGS] = (history.network_config, history.training_config)
    remember_finished_run(history)


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


# --- Compare runs and the class board ----------------------------------------------------------------------

KEPT_RUNS = "nnviz_kept_runs"  # tuple[KeptRun, ...] of this session's finished runs, oldest first
ACTIVE_RUN = "nnviz_active_run"  # number of the kept run that is this session's model, or None
TEACHER_KEYS = "nnviz_teacher_keys"  # {room code: teacher key} of the boards this session opened
MEMBERSHIP = "nnviz_membership"  # the Membership of the room this session joined, or absent
BOARD_VERSION = "nnviz_board_version"  # (room code, version) the Board page drew last
SEEN_SHARED = "nnviz_seen_shared"  # (room code, id) of the shared experiment last opened or dismissed
ROOM_NOTICE = "nnviz_room_notice"  # why the last finished run could not be posted to the room


@dataclass(frozen=True)
class Membership:
    """The room this session joined: its code, the member id the store gave, and the nickname."""

    code: str
    member_id: str
    nickname: str


@st.cache_resource(show_spinner=False)
def room_store() -> RoomStore:
    """The server's rooms: Redis when NNVIZ_REDIS_URL is set (several servers, one class), else in memory."""
    url = os.environ.get("NNVIZ_REDIS_URL")
    return RedisRoomStore.from_url(url) if url else InMemoryRoomStore()


def kept_runs() -> tuple[KeptRun, ...]:
    return st.session_state.get(KEPT_RUNS, ())


def active_run_number() -> int | None:
    return st.session_state.get(ACTIVE_RUN)


def use_kept_run(number: int) -> None:
    """Make kept run `number` this session's model again (with its snapshots, if it still has them)."""
    run = next((run for run in kept_runs() if run.number == number), None)
    if run is None or run.model is None:
        return
    set_session_network(run.model, list(run.snapshots) or None)
    st.session_state[TRAINED_SETTINGS] = (run.history.network_config, run.history.training_config)
    st.session_state[ACTIVE_RUN] = number
    # The form (and the link) show the settings of the model in use, keeping how the pages look.
    set_experiment(replace(run.experiment, view=experiment().view))


def remember_finished_run(history: TrainingHistory) -> None:
    """Keep a finished run for Compare runs, and post it to the class board if the session joined a room."""
    if history.finished is None or history.finished.status == "failed":
        return
    runs = keep_run(kept_runs(), history)
    st.session_state[KEPT_RUNS] = runs
    if runs[-1].model is not None:  # finish_training has adopted this run: make it the kept run's model object
        use_kept_run(runs[-1].number)
    member, entry = membership(), entry_for_run(history)
    if member is None or entry is None:
        return
    try:
        room_store().post_entry(member.code, member.member_id, entry)
    except RoomError as exc:
        st.session_state[ROOM_NOTICE] = f"Your run was not posted to the class board: {exc}"


def membership() -> Membership | None:
    return st.session_state.get(MEMBERSHIP)


def join_room(code: str, nickname: str) -> Membership:
    """Join room `code` under `nickname`; raises RoomError with a plain message."""
    code, nickname = normalise_room_code(code), clean_nickname(nickname)
    member_id = room_store().join(code, nickname)
    joined = Membership(code, member_id, nickname)
    st.session_state[MEMBERSHIP] = joined
    return joined


def leave_room() -> None:
    st.session_state[MEMBERSHIP] = None


def teacher_key(code: str) -> str | None:
    """The teacher key of board `code` if this session opened it (it is never shown to anyone else)."""
    return st.session_state.get(TEACHER_KEYS, {}).get(code)


def remember_teacher_key(code: str, key: str) -> None:
    st.session_state[TEACHER_KEYS] = {**st.session_state.get(TEACHER_KEYS, {}), code: key}


def open_new_board() -> str:
    """Open a room and keep its teacher key in this session; returns the room code. Raises RoomError."""
    code, key = room_store().create_room()
    remember_teacher_key(code, key)
    return code


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


PAGE_PARAMS = ("room",)  # link parameters that belong to a page, not to the experiment (/board?room=K7QM)


def _experiment_params(params: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in params.items() if name not in PAGE_PARAMS}


def read_link_once() -> None:
    """On a session's first run, take the experiment from the link; say what was ignored (shown once)."""
    if st.session_state.get(LINK_READ):
        return
    st.session_state[LINK_READ] = True
    exp, problems = from_query(_experiment_params(st.query_params.to_dict()))
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
    current = st.query_params.to_dict()
    wanted = to_query(experiment()) | {name: current[name] for name in PAGE_PARAMS if name in current}
    if current != wanted:
        st.query_params.from_dict(wanted)


# --- Classroom load: how often pages poll a run, the heartbeat, figures redrawn only on news ----------------
# Many sessions share one server, so a page that only waits must cost next to nothing: a queued run is polled
# every few seconds, a running one about once a second, and every page keeps a slow heartbeat while a run is in
# progress, so the trainer pool can tell a student who switched page from a closed tab (see nnviz.training.pool).

QUEUED_POLL_S = 3.0  # waiting in line: the position changes rarely
RUNNING_POLL_S = 1.5  # training: the curves grow; faster adds server load, not understanding
TRAIN_POLL = "nnviz_train_poll"  # the poll interval the Train page's fragment was last set up with
FIGURE_CACHE = "nnviz_figure_cache"  # {name: (version, figure)}: a figure rebuilt only when its data changed


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.session_id


def _session_connected(session_id: str) -> bool:
    """True while the browser of `session_id` is connected to this server (a closed tab is not)."""
    return runtime.exists() and runtime.get_instance().is_active_session(session_id)


def train_poll_interval() -> float | None:
    """Seconds between the Train page's polls: None with no run in progress, slow while queued."""
    run = training_run()
    if run is None or not training_in_progress():
        return None
    return QUEUED_POLL_S if run.status in ("queued", "starting") else RUNNING_POLL_S


def train_poll_changed() -> bool:
    """True if the poll interval differs from the one the Train page's fragment was set up with.

    A fragment's `run_every` is fixed by the full run that drew it, so a change (queued → running,
    or the run's end) needs one full rerun.
    """
    return st.session_state.get(TRAIN_POLL) != train_poll_interval()


def remember_train_poll() -> float | None:
    interval = train_poll_interval()
    st.session_state[TRAIN_POLL] = interval
    return interval


def cached_figure(name: str, version: object, build: Callable[[], T]) -> T:
    """`build()`, or the figure built last time under `name` if `version` has not changed."""
    cache = st.session_state.setdefault(FIGURE_CACHE, {})
    kept = cache.get(name)
    if kept is not None and kept[0] == version:
        return kept[1]
    figure = build()
    cache[name] = (version, figure)
    return figure


def history_version(history: TrainingHistory) -> tuple:
    """Changes whenever the history gains an event that the charts show."""
    return (id(history), len(history.batch_losses), len(history.epoch_numbers), history.finished is not None)


def _heartbeat() -> None:
    # Polling is the heartbeat; a run that ended meanwhile is adopted with a full rerun (badges, buttons).
    if collect_training():
        st.rerun()


def keep_training_alive() -> None:
    """On every page: while this session has a run in progress, poll it every HEARTBEAT_S seconds.

    Renders nothing. Without it a student who reads the Draw page while their run trains would look
    like a closed tab to the trainer pool.
    """
    st.fragment(_heartbeat, run_every=HEARTBEAT_S if training_in_progress() else None)()


# --- Test page: the clicked confusion-matrix cell, our own drawings --------------------------------------------------

TEST_CELL = "nnviz_test_cell"  # (true digit, predicted digit) of the confusion-matrix cell clicked last, or absent
TEST_TABS = "test_tabs"  # widget key of the Test page's tabs: only the open tab is computed
CANVAS_INK = "nnviz_canvas_ink"  # uint8 (H, W) ink of the latest drawing, to show it prepared step by step
COLLECTION = "nnviz_collection"  # Collection: the drawings the class labelled with Collect (our own test set)
COLLECT_ERROR = "nnviz_collect_error"  # why the last Collect or upload of drawings did not work


def test_cell() -> tuple[int, int] | None:
    return st.session_state.get(TEST_CELL)


def select_test_cell(cell: tuple[int, int] | None) -> None:
    st.session_state[TEST_CELL] = None if cell is None else (int(cell[0]), int(cell[1]))


def use_test_digit(index: int) -> None:
    """Make MNIST test image `index` the current input, with its true label (Draw, Network and Learn show it)."""
    x_test, y_test = test_digits()
    clear_canvas()
    set_current_input(CurrentInput(x_test[index], "test digit", true_label=int(y_test[index]), test_index=int(index)))


def keep_canvas_ink(ink: np.ndarray | None) -> None:
    """Keep the latest drawing's ink map (H, W, 0..1) as uint8: 280 × 280 is 78 kB a session."""
    st.session_state[CANVAS_INK] = None if ink is None else np.round(ink * 255).astype(np.uint8)


def drawing_ink() -> np.ndarray | None:
    """(H, W) float32 0..1 ink of the latest drawing, or None."""
    ink = st.session_state.get(CANVAS_INK)
    return None if ink is None else ink.astype(np.float32) / 255.0


def our_drawings() -> Collection:
    """The drawings this session collected (empty at first)."""
    return st.session_state.get(COLLECTION) or EMPTY_COLLECTION


def set_our_drawings(collection: Collection) -> None:
    st.session_state[COLLECTION] = collection


# --- Classroom view (issue 11): presenter mode, guess first, the lesson step -------------------------------------

GUESS_TALLY = "nnviz_guess_tally"  # nnviz.lesson.guess.Tally of this session's guesses
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
