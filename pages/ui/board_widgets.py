"""The student's side of the class board: joining a room (Train page) and the teacher's shared experiment.

Nicknames and titles typed by people are shown with st.text / st.code only: plain text,
never markdown or HTML, whatever characters they hold.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from nnviz.classroom.rooms import MAX_NICKNAME, RoomError, SharedExperiment
from nnviz.session.settings import Experiment, from_query
from pages.ui import session

SHARED_POLL_S = 5.0  # how often a student's page asks the room for a new shared experiment
JOIN_ERROR = "board_join_error"  # why the last attempt to join failed (a plain sentence of ours)
WATCHED_ROOM = "board_watched_room"  # (room code, version, SharedExperiment | None) the watcher read last
GO_TO_TRAIN = "board_go_to_train"  # set by "Open it": the next full run switches to the Train page


def _join() -> None:
    try:
        session.join_room(st.session_state.get("board_join_code", ""), st.session_state.get("board_join_nickname", ""))
    except RoomError as exc:
        st.session_state[JOIN_ERROR] = str(exc)


def join_room_panel() -> None:
    """Join a class board with its room code and a nickname; once joined, every finished run is posted there."""
    member = session.membership()
    with st.container(border=True, key="board_join_panel"):
        st.markdown(":material/groups: **Class board: join your class's room**")
        if member is not None:
            st.text(f"You are in room {member.code} as “{member.nickname}”.")
            st.caption("Each run you finish appears on the class board: nickname, network, score and training time.")
            st.button("Leave the room", key="board_leave", icon=":material/logout:", on_click=session.leave_room)
        else:
            st.caption("Your teacher's board shows a room code. No account and no real name: pick a made-up nickname.")
            st.text_input("Room code", key="board_join_code", max_chars=9, placeholder="K7QM")
            st.text_input("Nickname", key="board_join_nickname", max_chars=MAX_NICKNAME, placeholder="Turbo Owl")
            st.button("Join the room", key="board_join", icon=":material/login:", on_click=_join)
            if error := st.session_state.pop(JOIN_ERROR, None):
                st.error(error, icon=":material/error:")
        if notice := st.session_state.pop(session.ROOM_NOTICE, None):
            st.warning(notice, icon=":material/cloud_off:")


def _open_shared(code: str, shared: SharedExperiment) -> None:
    # The network and training come from the teacher's settings on top of the defaults; the view stays the student's.
    experiment, _ignored = from_query(shared.query, Experiment())
    session.set_experiment(replace(experiment, view=session.experiment().view))  # the Train form re-seeds from it
    st.session_state[session.SEEN_SHARED] = (code, shared.shared_id)
    st.session_state[GO_TO_TRAIN] = True


def _dismiss_shared(code: str, shared_id: int) -> None:
    st.session_state[session.SEEN_SHARED] = (code, shared_id)


def _watched_shared(code: str) -> SharedExperiment | None:
    """The room's shared experiment; the room itself is only read again when its version changed."""
    store = session.room_store()
    version = store.version(code)
    watched = st.session_state.get(WATCHED_ROOM)
    if watched is None or watched[:2] != (code, version):
        watched = (code, version, store.room(code).shared)
        st.session_state[WATCHED_ROOM] = watched
    return watched[2]


def _shared_experiment_notice() -> None:
    member = session.membership()
    if member is None:
        return
    try:
        shared = _watched_shared(member.code)
    except RoomError:
        return  # the room closed or the store is away: nothing to offer, and the Train page says why on posting
    if shared is None or st.session_state.get(session.SEEN_SHARED) == (member.code, shared.shared_id):
        return
    with st.container(border=True, key="board_shared_notice"):
        st.info("Your teacher shared an experiment — open it", icon=":material/campaign:")
        st.text(shared.title)
        open_col, later_col = st.columns(2)
        if open_col.button(
            "Open it",
            key="board_open_shared",
            type="primary",
            icon=":material/open_in_new:",
            on_click=_open_shared,
            args=(member.code, shared),
        ):
            st.rerun()  # a click reruns only this fragment; the whole app must run to switch pages
        later_col.button(
            "Not now", key="board_dismiss_shared", on_click=_dismiss_shared, args=(member.code, shared.shared_id)
        )


def shared_experiment_notice() -> None:
    """On every page of a student in a room: "Your teacher shared an experiment — open it", checked every few s.

    Only a session that joined a room polls at all, and then every SHARED_POLL_S seconds
    (a cheap version number; the room is read only when it changed).
    """
    if st.session_state.pop(GO_TO_TRAIN, False) and st.session_state.get(session.CURRENT_PAGE) != "train":
        st.switch_page("pages/screens/train.py")
    if session.membership() is None:
        return
    st.fragment(_shared_experiment_notice, run_every=SHARED_POLL_S)()
