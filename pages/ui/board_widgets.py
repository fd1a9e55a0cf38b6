"""The student's side of the class board: joining a room (Train page) and the teacher's shared experiment.
Nicknames and titles typed by people are shown with st.text / st.code only: plain text, never markdown or HTML."""

from __future__ import annotations

import streamlit as st

from nnviz.classroom import actions
from nnviz.classroom.probing import VisitorRooms, visitor_rooms
from nnviz.classroom.rooms import MAX_NICKNAME, SharedExperiment
from nnviz.classroom.sharing import opened_experiment
from nnviz.session.address import ROOM_PARAM, Address, Place
from nnviz.session.state import board
from nnviz.session.state.board import BoardState
from pages.ui import links
from pages.ui.resources import probe_limit, room_store
from pages.ui.state import load, save, set_widget_value, widget_value

SHARED_POLL_S = 5.0  # how often a student's page asks the room for a new shared experiment


def rooms() -> VisitorRooms:
    """The class's rooms as this visitor may use them: few codes tried, few rooms opened (nnviz.classroom.probing)."""
    return visitor_rooms(room_store(), st.context, load(BoardState).store_generation, probe_limit())


def _join() -> None:
    code, nickname = widget_value("board_join_code", ""), widget_value("board_join_nickname", "")
    save(actions.join(load(BoardState), rooms(), code, nickname))


def _shown_once(kind: str) -> str | None:
    state, message = board.take_message(load(BoardState), kind)
    save(state)
    return message


def join_room_panel() -> None:
    """Join a class board with its room code and a nickname; once joined, every finished run is posted there."""
    member = load(BoardState).membership
    with st.container(border=True, key="board_join_panel"):
        st.markdown(":material/groups: **Class board: join your class's room**")
        if member is not None:
            st.text(f"You are in room {member.code} as “{member.nickname}”.")
            st.caption("Each run you finish appears on the class board: nickname, network, score and training time.")
            leave = lambda: save(actions.leave(load(BoardState), rooms()))  # noqa: E731
            st.button("Leave the room", key="board_leave", icon=":material/logout:", on_click=leave)
        else:
            if (code := st.query_params.get(ROOM_PARAM)) and not widget_value("board_join_code"):
                set_widget_value("board_join_code", code[:9])  # the board's join link (/train?room=K7QM) fills it in
            st.caption("Your teacher's board shows a room code. No account and no real name: pick a made-up nickname.")
            st.text_input("Room code", key="board_join_code", max_chars=9, placeholder="K7QM")
            st.text_input("Nickname", key="board_join_nickname", max_chars=MAX_NICKNAME, placeholder="Turbo Owl")
            st.button("Join the room", key="board_join", icon=":material/login:", on_click=_join)
            if error := _shown_once("join_error"):
                st.error(error, icon=":material/error:")
        if notice := _shown_once("notice"):
            st.warning(notice, icon=":material/cloud_off:")


def _open_shared(code: str, shared: SharedExperiment) -> None:
    # The network and training come from the teacher's settings on top of the defaults; the view stays the student's.
    save(board.with_seen_shared(load(BoardState), code, shared.shared_id))
    links.go(Address(Place("train"), opened_experiment(shared.query, links.experiment())))


def _dismiss_shared(code: str, shared_id: int) -> None:
    save(board.with_seen_shared(load(BoardState), code, shared_id))


def _shared_experiment_notice() -> None:
    save(state := actions.watch_room(load(BoardState), rooms()))
    if (shared := board.unseen_shared(state)) is None:
        return
    code = state.membership.code
    with st.container(border=True, key="board_shared_notice"):
        st.info("Your teacher shared an experiment — open it", icon=":material/campaign:")
        st.text(shared.title)
        open_col, later_col = st.columns(2)
        with open_col:  # a fragment's body may switch pages (a callback may not): the whole app then runs Train
            if st.button("Open it", key="board_open_shared", type="primary", icon=":material/open_in_new:"):
                _open_shared(code, shared)
        dismiss = {"on_click": _dismiss_shared, "args": (code, shared.shared_id)}
        later_col.button("Not now", key="board_dismiss_shared", **dismiss)


def shared_experiment_notice() -> None:
    """On every page of a student in a room: "Your teacher shared an experiment — open it", checked every few s.

    Only a session that joined a room polls at all, and then every SHARED_POLL_S seconds
    (a cheap version number; the room is read only when it changed).
    """
    if load(BoardState).membership is not None:
        st.fragment(_shared_experiment_notice, run_every=SHARED_POLL_S)()
