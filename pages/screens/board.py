"""Board page: the class board a teacher projects — a live leaderboard of the runs students post to a room.

Open with /board (then "Open a new board") or /board?room=K7QM. Students join from
the Train page with the room code and a nickname. Nicknames are shown only as plain
text (tables and escaped hover boxes), never as markdown or HTML.
"""

from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import streamlit as st

from nnviz.classroom.board import leaderboard, tried_what
from nnviz.classroom.rooms import ROOM_TTL_S, BadRoomCode, Room, RoomError, normalise_room_code
from nnviz.figures.board import class_scatter
from nnviz.figures.style import PLOT_CONFIG
from nnviz.session.settings import PRESETS, Experiment, from_query, to_query
from pages.ui import session
from pages.ui.view import chart

BOARD_POLL_S = 4.0  # the board asks the room "anything new?" this often; it redraws only when the answer is yes
BOARD_ERROR = "board_error"  # why the last teacher action failed (a plain sentence of ours)
BOARD_DONE = "board_done"  # what the last teacher action did
LINK_CHOICE = "link"  # the experiment picker's entry for "settings from a pasted link"


def _open_new_board() -> None:
    try:
        st.query_params["room"] = session.open_new_board()
    except RoomError as exc:
        st.session_state[BOARD_ERROR] = str(exc)


def _open_existing_board() -> None:
    try:
        st.query_params["room"] = normalise_room_code(st.session_state.get("board_open_code", ""))
    except BadRoomCode as exc:
        st.session_state[BOARD_ERROR] = str(exc)


def _no_board_yet() -> None:
    st.title("Class board")
    st.markdown(
        "Open a board for your class and project it. Students then join from the **Train** page with the "
        "board's room code and a made-up nickname, and every run they finish appears here."
    )
    st.button("Open a new board", key="board_new", type="primary", icon=":material/add_box:", on_click=_open_new_board)
    code_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    code_col.text_input("…or show an open board: its room code", key="board_open_code", max_chars=9)
    button_col.button("Show it", key="board_show", on_click=_open_existing_board)


def _watch(code: str) -> None:
    # Runs every BOARD_POLL_S s: one cheap version read; the page reruns only when the room changed.
    drawn = st.session_state.get(session.BOARD_VERSION)
    try:
        version = session.room_store().version(code)
    except RoomError:
        version = None
    if drawn != (code, version):
        st.rerun()


def _remove_entry(code: str, key: str) -> None:
    entry_id = st.session_state.get("board_remove_pick")
    if entry_id is None:
        return
    try:
        session.room_store().remove_entry(code, key, entry_id)
        st.session_state[BOARD_DONE] = "Removed that run from the board."
    except RoomError as exc:
        st.session_state[BOARD_ERROR] = str(exc)


def _chosen_experiment() -> tuple[Experiment | None, str, list[str]]:
    """(experiment, title, problems) the teacher picked to share: a preset, or the settings of a pasted link."""
    choice = st.session_state.get("board_share_pick")
    if choice in PRESETS:
        return PRESETS[choice].experiment, PRESETS[choice].title, []
    link = st.session_state.get("board_share_link", "").strip()
    if not link:
        return None, "", ["Paste a link from the Train page first."]
    experiment, problems = from_query(dict(parse_qsl(urlsplit(link).query)), Experiment())
    return experiment, "Settings from your link", problems


def _share(code: str, key: str) -> None:
    experiment, title, problems = _chosen_experiment()
    if experiment is None:
        st.session_state[BOARD_ERROR] = " ".join(problems)
        return
    try:
        session.room_store().share_experiment(
            code, key, to_query(Experiment(experiment.network, experiment.training)), title
        )
    except RoomError as exc:
        st.session_state[BOARD_ERROR] = str(exc)
        return
    st.session_state[BOARD_DONE] = " ".join(["Shared with the room: every student sees it within seconds.", *problems])


def _claim_board(code: str) -> None:
    key = st.session_state.get("board_claim_key", "").strip()
    try:
        if session.room_store().is_teacher(code, key):
            session.remember_teacher_key(code, key)
            return
    except RoomError as exc:
        st.session_state[BOARD_ERROR] = str(exc)
        return
    st.session_state[BOARD_ERROR] = "That is not this board's teacher key."


def _teacher_tools(room: Room) -> None:
    key = session.teacher_key(room.code)
    with st.expander("Teacher tools", icon=":material/key:", expanded=False):
        if key is None:
            st.caption("Opened this board on another device? Enter its teacher key to remove runs or share settings.")
            st.text_input("Teacher key", key="board_claim_key", type="password")
            st.button("Unlock", key="board_claim", on_click=_claim_board, args=(room.code,))
            return
        st.caption("Your teacher key (only this browser tab shows it; keep it off the projector):")
        st.code(key, language=None)
        if room.entries:
            names = {e.entry_id: f"{e.nickname} · {e.architecture} · {e.test_accuracy:.1%}" for e in room.entries}
            remove_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
            remove_col.selectbox("Remove a run", list(names), format_func=names.get, key="board_remove_pick")
            button_col.button(
                "Remove", key="board_remove", icon=":material/delete:", on_click=_remove_entry, args=(room.code, key)
            )
        st.markdown("**Share an experiment with the room**")
        options = [*PRESETS, LINK_CHOICE]
        titles = {name: preset.title for name, preset in PRESETS.items()} | {LINK_CHOICE: "The settings in a link…"}
        st.radio("Experiment", options, format_func=titles.get, key="board_share_pick", horizontal=True)
        if st.session_state.get("board_share_pick") == LINK_CHOICE:
            st.text_input(
                "A link from the Train page (its address bar)",
                key="board_share_link",
                placeholder="…/train?layers=32&epochs=2",
            )
        st.button(
            "Share with the room", key="board_share", icon=":material/campaign:", on_click=_share, args=(room.code, key)
        )


def _results(room: Room) -> None:
    rows = leaderboard(room.entries)
    students_col, runs_col, best_col = st.columns(3)
    students_col.metric("Students in the room", room.members)
    runs_col.metric("Runs posted", len(room.entries))
    best_col.metric("Best test accuracy", f"{rows[0].best.test_accuracy:.1%}" if rows else "—")
    if not rows:
        st.info(
            "No runs yet. When students finish training on the Train page, their runs appear here.",
            icon=":material/hourglass:",
        )
        return
    # Stacked, not side by side: on a 1024 × 768 projector each needs the full width.
    st.subheader("Leaderboard")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "#": row.rank,
                    "Nickname": row.best.nickname,
                    "Accuracy": f"{row.best.test_accuracy:.1%}",
                    "Network": row.best.architecture,
                    "Weights": f"{row.best.param_count:,}",
                    "Epochs": row.best.epochs,
                    "Seconds": round(row.best.seconds, 1),
                    "Runs": row.runs,
                }
                for row in rows
            ]
        ),
        hide_index=True,
        key="board_leaderboard",
    )
    st.caption("Each student's best run: the highest test accuracy; with a tie, fewer weights win.")
    st.subheader("Size against score")
    chart(class_scatter(room.entries), config=PLOT_CONFIG, key="board_scatter")
    st.caption("Every run of the class: more weights (right) does not always mean more correct (up).")
    st.subheader("Who tried what")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Activation": row.activation,
                    "Starting weights": row.initializer,
                    "Runs": row.runs,
                    "Students": row.students,
                    "Best": f"{row.best_accuracy:.1%}",
                    "Average": f"{row.mean_accuracy:.1%}",
                }
                for row in tried_what(room.entries)
            ]
        ),
        hide_index=True,
        key="board_tried",
    )
    st.caption("Each mix of activation and starting weights the class tried, and how well it did.")


def _board(code: str) -> None:
    try:
        room = session.room_store().room(code)
    except RoomError as exc:
        st.session_state[session.BOARD_VERSION] = (code, None)
        st.error(str(exc), icon=":material/error:")
        _no_board_yet()
        return
    st.session_state[session.BOARD_VERSION] = (code, room.version)
    st.markdown(f"# Class board · room `{room.code}`")  # the code is normalised, so only letters and digits
    st.caption(
        f"Students: open the **Train** page, then **Class board**, and enter {room.code} with a made-up nickname. "
        f"The board closes {ROOM_TTL_S // 3600} hours after it was opened."
    )
    _teacher_tools(room)
    _results(room)


if error := st.session_state.pop(BOARD_ERROR, None):
    st.error(error, icon=":material/error:")
if done := st.session_state.pop(BOARD_DONE, None):
    st.success(done, icon=":material/check_circle:")
room_param = st.query_params.get("room")
if room_param is None:
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
