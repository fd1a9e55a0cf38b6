"""What a session does with the class's rooms, as steps from one BoardState to the next.

Each function calls the room store once or twice and returns the session's next BoardState,
with one plain sentence for the page when it failed or did something worth saying (shown once).
A RoomError never escapes: its message is the sentence.
"""

from __future__ import annotations

import contextlib

from nnviz.classroom.board import entry_for_run
from nnviz.classroom.rooms import RoomError, RoomStore, clean_nickname, normalise_room_code
from nnviz.classroom.sharing import chosen_experiment, share_query
from nnviz.session.plain_text import escape_markdown
from nnviz.session.state import board
from nnviz.session.state.board import BoardState, Membership
from nnviz.training.history import TrainingHistory

NOT_POSTED = "Your run was not posted to the class board: {error}"
NOT_THE_KEY = "That is not this board's teacher key."
REMOVED = "Removed that run from the board."
SHARED = "Shared with the room: every student sees it within seconds."


def open_board(state: BoardState, store: RoomStore) -> tuple[BoardState, str | None]:
    """Open a new room; this session keeps its teacher key. Returns (state, the room code or None)."""
    try:
        code, key = store.create_room()
        generation = store.generation()
    except RoomError as exc:
        return board.with_message(state, "board_error", str(exc)), None
    return board.with_generation(board.with_teacher_key(state, code, key), generation), code


def claim_board(state: BoardState, store: RoomStore, code: str, key: str) -> BoardState:
    """Unlock board `code` in this session with its teacher key (typed on another device)."""
    try:
        if store.is_teacher(code, key.strip()):
            return board.with_teacher_key(state, code, key.strip())
    except RoomError as exc:
        return board.with_message(state, "board_error", str(exc))
    return board.with_message(state, "board_error", NOT_THE_KEY)


def remove_run(state: BoardState, store: RoomStore, code: str, entry_id: str | None) -> BoardState:
    """The teacher removes one posted run (nothing happens when none is picked)."""
    key = board.teacher_key(state, code)
    if not entry_id or key is None:
        return state
    try:
        store.remove_entry(code, key, entry_id)
    except RoomError as exc:
        return board.with_message(state, "board_error", str(exc))
    return board.with_message(state, "board_done", REMOVED)


def share(state: BoardState, store: RoomStore, code: str, choice: str | None, link: str) -> BoardState:
    """The teacher shares a preset or a pasted link's settings with the room; ignored link parts are said."""
    key = board.teacher_key(state, code)
    experiment, title, problems = chosen_experiment(choice, link)
    if experiment is None or key is None:
        return board.with_message(state, "board_error", " ".join(problems))
    try:
        store.share_experiment(code, key, share_query(experiment), title)
    except RoomError as exc:
        return board.with_message(state, "board_error", str(exc))
    # The problems quote the pasted link, untrusted text: escaped, since the page shows the sentence as markdown.
    return board.with_message(state, "board_done", " ".join([SHARED, *map(escape_markdown, problems)]))


def join(state: BoardState, store: RoomStore, code: str, nickname: str) -> BoardState:
    """A student joins room `code` (any case, spaces) under `nickname`; a refusal is said in plain words."""
    try:
        code, nickname = normalise_room_code(code), clean_nickname(nickname)
        state = board.joined(state, Membership(code, store.join(code, nickname), nickname))
        return board.with_generation(state, store.generation())
    except RoomError as exc:
        return board.with_message(state, "join_error", str(exc))


def leave(state: BoardState, store: RoomStore) -> BoardState:
    """The student leaves the joined room: the seat and the nickname are free again for the class."""
    if state.membership is None:
        return state
    # A room that closed, or a store that is away, holds no seat to free; the session forgets the room alike.
    with contextlib.suppress(RoomError):
        store.leave(state.membership.code, state.membership.member_id)
    return board.left(state)


def post_run(state: BoardState, store: RoomStore, history: TrainingHistory) -> BoardState:
    """Post a finished run to the joined room (a run without a test score, or no room, posts nothing)."""
    member, entry = state.membership, entry_for_run(history)
    if member is None or entry is None:
        return state
    try:
        store.post_entry(member.code, member.member_id, entry)
    except RoomError as exc:
        return board.with_message(state, "notice", NOT_POSTED.format(error=exc))
    return state


def room_version(store: RoomStore, code: str) -> int | None:
    """The room's version for a board that polls it; None when it cannot be read (closed, or the store is away)."""
    try:
        return store.version(code)
    except RoomError:
        return None


def watch_room(state: BoardState, store: RoomStore) -> BoardState:
    """A joined student's check for a shared experiment: the room is read only when its version changed.

    A room that closed or a store that is away changes nothing (the Train page says so when posting).
    """
    if state.membership is None:
        return state
    code = state.membership.code
    try:
        version = store.version(code)
        if board.needs_room_read(state, code, version):
            return board.with_watched(state, code, version, store.room(code).shared)
    except RoomError:
        pass
    return state
