"""Board page: the class board a teacher projects — a live leaderboard of the runs students post to a room.
Open /board (then "Open a new board") or /board?room=K7QM. Nicknames show only as plain text (tables, hovers)."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from nnviz.classroom import actions
from nnviz.classroom.board import (
    BOARD_INTRO,
    LEADERBOARD_NOTE,
    NO_RUNS,
    join_instructions,
    leaderboard,
    room_figures,
    tried_what,
)
from nnviz.classroom.rooms import BadRoomCode, Room, RoomError, normalise_room_code
from nnviz.classroom.sharing import LINK_CHOICE, share_choices
from nnviz.figures.board import class_scatter, leaderboard_table, tried_table
from nnviz.figures.style import PLOT_CONFIG
from nnviz.lesson.wording import percent
from nnviz.session.state import board
from nnviz.session.state.board import BoardState
from nnviz.training.fair_share import NO_QUEUE, queue_table
from pages.ui import links
from pages.ui.board_widgets import rooms
from pages.ui.resources import trainer_pool
from pages.ui.state import load, save, widget_value
from pages.ui.view import chart

SHARE_WIDGETS = ("board_share_pick", "board_share_link")
BOARD_POLL_S = 4.0  # the board asks the room "anything new?" this often; it redraws only when the answer is yes


def _act(action: Callable[..., BoardState], code: str, *widget_keys: str) -> None:
    save(action(load(BoardState), rooms(), code, *(widget_value(key, "") for key in widget_keys)))


def _trainers(code: str, pick: str = "board_queue_pick") -> None:
    # A teacher sees and stops only the runs of their own room's students: other classes share the server.
    if not (rows := queue_table(trainer_pool().queue(room=code))):
        st.caption(NO_QUEUE)
        return
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="board_queue")
    pick_col, stop_col = st.columns([3, 1], vertical_alignment="bottom")
    pick_col.selectbox("Your class's runs: stop one", [row["Run"] for row in rows], key=pick)
    stop = lambda: trainer_pool().stop_training(widget_value(pick), room=code)  # noqa: E731
    stop_col.button("Stop it", key="board_stop", on_click=stop)


def _open_new_board() -> None:
    state, code = actions.open_board(load(BoardState), rooms())
    save(state)
    if code is not None:
        st.query_params["room"] = code


def _open_existing_board() -> None:
    try:
        st.query_params["room"] = normalise_room_code(widget_value("board_open_code", ""))
    except BadRoomCode as exc:
        save(board.with_message(load(BoardState), "board_error", str(exc)))


def _no_board_yet() -> None:
    st.title("Class board")
    st.markdown(BOARD_INTRO)
    st.button("Open a new board", key="board_new", type="primary", icon=":material/add_box:", on_click=_open_new_board)
    code_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    code_col.text_input("…or show an open board: its room code", key="board_open_code", max_chars=9)
    button_col.button("Show it", key="board_show", on_click=_open_existing_board)


def _watch(code: str) -> None:
    # Runs every BOARD_POLL_S s: one cheap version read; the page reruns only when the room changed.
    if board.needs_redraw(load(BoardState), code, actions.room_version(rooms(), code)):
        st.rerun()


def _teacher_tools(room: Room) -> None:
    key = board.teacher_key(load(BoardState), room.code)
    with st.expander("Teacher tools", icon=":material/key:", expanded=False):
        if key is None:
            st.caption("Opened this board on another device? Enter its teacher key to remove runs or share settings.")
            st.text_input("Teacher key", key="board_claim_key", type="password")
            claim = (actions.claim_board, room.code, "board_claim_key")
            st.button("Unlock", key="board_claim", on_click=_act, args=claim)
            return
        st.caption("Your teacher key (only this browser tab shows it; keep it off the projector):")
        st.code(key, language=None)
        if room.entries:
            names = {
                e.entry_id: f"{e.nickname} · {e.architecture} · {percent(e.test_accuracy, 1)}" for e in room.entries
            }
            remove_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
            remove_col.selectbox("Remove a run", list(names), format_func=names.get, key="board_remove_pick")
            remove = (actions.remove_run, room.code, "board_remove_pick")
            button_col.button("Remove", key="board_remove", icon=":material/delete:", on_click=_act, args=remove)
        st.markdown("**Share an experiment with the room**")
        choices = share_choices()
        st.radio("Experiment", list(choices), format_func=choices.get, key="board_share_pick", horizontal=True)
        if widget_value("board_share_pick") == LINK_CHOICE:
            link_label = "A link from the Train page (its address bar)"
            st.text_input(link_label, key="board_share_link", placeholder="…/train?layers=32&epochs=2")
        share = {"icon": ":material/campaign:", "on_click": _act, "args": (actions.share, room.code, *SHARE_WIDGETS)}
        st.button("Share with the room", key="board_share", **share)
        _trainers(room.code)


def _results(room: Room) -> None:
    rows = leaderboard(room.entries)
    for column, (label, value) in zip(st.columns(3), room_figures(room, rows)):
        column.metric(label, value)
    if not rows:
        st.info(NO_RUNS, icon=":material/hourglass:")
        return
    # Stacked, not side by side: on a 1024 × 768 projector each needs the full width.
    st.subheader("Leaderboard")
    st.dataframe(pd.DataFrame(leaderboard_table(rows)), hide_index=True, key="board_leaderboard")
    st.caption(LEADERBOARD_NOTE)
    st.subheader("Size against score")
    chart(class_scatter(room.entries), config=PLOT_CONFIG, key="board_scatter")
    st.caption("Every run of the class: more weights (right) does not always mean more correct (up).")
    st.subheader("Who tried what")
    st.dataframe(pd.DataFrame(tried_table(tried_what(room.entries))), hide_index=True, key="board_tried")
    st.caption("Each mix of activation and starting weights the class tried on each task, and how well it did.")


def _board(code: str) -> None:
    try:
        room = rooms().room(code)
    except RoomError as exc:
        save(board.with_drawn(load(BoardState), code, None))
        st.error(str(exc), icon=":material/error:")
        _no_board_yet()
        return
    save(board.with_drawn(load(BoardState), code, room.version))
    st.markdown(f"# Class board · room `{room.code}`")  # the code is normalised, so only letters and digits
    st.caption(join_instructions(room.code))
    with st.expander("Join link for students", icon=":material/qr_code_2:", expanded=not room.entries):
        links.show_link(links.join_link(room.code), f"Scan to join room {room.code}")
    _teacher_tools(room)
    _results(room)


state, error = board.take_message(load(BoardState), "board_error")
state, done = board.take_message(state, "board_done")
save(state)
if error:
    st.error(error, icon=":material/error:")
if done:
    st.success(done, icon=":material/check_circle:")
if (room_param := st.query_params.get("room")) is None:
    _no_board_yet()
else:
    try:
        room_code = normalise_room_code(room_param)
    except BadRoomCode as exc:
        st.error(str(exc), icon=":material/error:")
        _no_board_yet()
    else:
        _board(room_code)
        st.fragment(_watch, run_every=BOARD_POLL_S)(room_code)
