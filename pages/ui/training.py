"""The session's training on the Streamlit side: its model on every page, the run in progress, the heartbeat.
The state is nnviz.session.state.training; this asks the trainer pool and the room store and keeps the result."""

from __future__ import annotations

import streamlit as st

from nnviz.classroom import actions
from nnviz.classroom.visitors import browser_id
from nnviz.model.network import Network
from nnviz.session.settings import Experiment
from nnviz.session.state import training
from nnviz.session.state.board import BoardState
from nnviz.session.state.experiment import ExperimentState, keeping_view
from nnviz.session.state.training import TrainingState
from nnviz.session.state.view import ViewState
from nnviz.training import redraw, restart
from nnviz.training.fair_share import SERVER_SHARE, Quote
from nnviz.training.history import TrainingHistory
from nnviz.training.pool import HEARTBEAT_S
from pages.ui.board_widgets import rooms
from pages.ui.resources import default_network, session_presence, trainer_pool, training_set
from pages.ui.state import load, save

RECONNECT_WATCH = st.components.v2.component("nnviz.reconnect_watch", js=restart.RECONNECT_JS)


def active_network() -> Network:
    """The model this session uses: the one trained or loaded here, else the default. A run that finished
    while the student was on another page is adopted here, so Draw and Network switch to it on the next stroke."""
    collect()
    return load(TrainingState).network or default_network()


def is_default_network() -> bool:
    return load(TrainingState).network is None


def use_network(network: Network | None) -> None:
    """Make `network` the session's model (None: back to the default); it has no epochs to replay."""
    save(training.with_network(load(TrainingState), network))


def quote(exp: Experiment) -> Quote:
    """What a run of `exp` takes from this browser's (else this session's) share of the trainers."""
    who = browser_id(st.context.cookies) or str(session_presence()[0])
    return SERVER_SHARE.quote(who, exp.network, exp.training, trainer_pool(), training_set())


def start(exp: Experiment) -> TrainingHistory | None:
    """Submit a run of `exp` (one run per session); None, the refusal kept as train error, past the share."""
    if not (offer := quote(exp)).allowed:
        save(training.with_train_error(load(TrainingState), offer.refusal()))
        return None
    member = load(BoardState).membership  # the room's teacher may see and stop the run
    limit = SERVER_SHARE.charge(offer)
    run = trainer_pool().submit(
        exp.network, exp.training, *session_presence(), time_limit_s=limit, room=member.code if member else None
    )
    history = TrainingHistory(exp.network, exp.training)
    save(training.started(load(TrainingState), run, history))
    return history


def stop() -> None:
    if (run := load(TrainingState).run) is not None:
        run.stop()


def collect() -> bool:
    """Fold the trainer's new events into the history (never blocks); True if the run finished just now."""
    before = load(TrainingState)
    if not before.in_progress:
        return False
    after, done = training.collected(before, before.run.poll())
    save(after)
    if done is None:
        return False
    if after.active_run != before.active_run:  # the run became the model: the form and the link show its settings
        _show_settings_of(after, after.active_run)
    save(actions.post_run(load(BoardState), rooms(), done))
    save(redraw.scheduled(str(session_presence()[0])))  # see redraw_when_due
    return True


def redraw_when_due() -> None:
    """In a polling fragment: redraw the whole page once the staggered moment after a run's end has come."""
    if load(redraw.Redraw).is_due():
        save(redraw.Redraw())  # before the rerun: the full run calls this fragment inline, and must not loop
        st.rerun()


def use_kept_run(number: int) -> None:
    """Make kept run `number` the session's model again; the form and the link show its settings."""
    save(state := training.use_kept_run(load(TrainingState), number))
    if state.active_run == number:
        _show_settings_of(state, number)


def _show_settings_of(state: TrainingState, number: int) -> None:
    if (exp := training.kept_run_experiment(state, number)) is not None:
        save(keeping_view(load(ExperimentState), exp))


def _heartbeat() -> None:
    # Polling is the heartbeat; a run that ended meanwhile is adopted now, redrawn whole (badges, buttons) soon after.
    collect()
    redraw_when_due()


def keep_training_alive() -> None:
    """On every page, after it ran: while a run is in progress, poll it every HEARTBEAT_S seconds (else a student
    reading Draw while their run trains looks like a closed tab); say once if a restart took the model."""
    save(redraw.Redraw())  # this full run drew the whole page: no redraw is pending
    save(marker := restart.step(load(restart.ModelMarker), st.context.cookies, not is_default_network()))
    if marker.notice:  # a toast: seen on whatever page the reconnect lands
        st.toast(marker.notice, icon=":material/restart_alt:", duration="infinite")
    if marker.script:
        st.html(marker.script, unsafe_allow_javascript=True)
    if marker.watches_reconnect:
        RECONNECT_WATCH(key="reconnect_watch", on_reconnected_change=lambda: None)
    # The Train page polls its run itself (that is the heartbeat there): a second poll would only cost the server.
    beats = load(TrainingState).in_progress and load(ViewState).page != "train"
    st.fragment(_heartbeat, run_every=HEARTBEAT_S if beats else None)()
