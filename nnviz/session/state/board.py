"""The session's side of the class board: the room it joined, the boards it opened, what it last saw of them.

`BoardState` is frozen; every change is a pure function returning the next value. Nothing here
talks to the room store: the Streamlit side asks the store and passes its answers in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from nnviz.classroom.rooms import SharedExperiment


@dataclass(frozen=True)
class Membership:
    """The room this session joined: its code, the member id the store gave, and the nickname."""

    code: str
    member_id: str
    nickname: str


@dataclass(frozen=True)
class BoardState:
    """membership: the room joined, or None. teacher_keys: (room code, key) of the boards this session opened.

    drawn: (room code, version) the Board page drew last (version None when the room could not be read).
    watched: (room code, version, shared experiment or None) the student's notice read last.
    seen_shared: (room code, shared id) of the shared experiment last opened or dismissed.
    notice, join_error, board_error, board_done: one plain sentence each, shown once.
    store_generation: the room store's generation when this session last joined or opened a room (None: never),
        so a room lost with the store's contents is said to be reset, not mistyped.
    """

    membership: Membership | None = None
    teacher_keys: tuple[tuple[str, str], ...] = ()
    drawn: tuple[str, int | None] | None = None
    watched: tuple[str, int, SharedExperiment | None] | None = None
    seen_shared: tuple[str, int] | None = None
    notice: str | None = None
    join_error: str | None = None
    board_error: str | None = None
    board_done: str | None = None
    store_generation: str | None = None


def joined(state: BoardState, membership: Membership) -> BoardState:
    return replace(state, membership=membership, join_error=None)


def with_generation(state: BoardState, generation: str | None) -> BoardState:
    return replace(state, store_generation=generation)


def left(state: BoardState) -> BoardState:
    return replace(state, membership=None)


def teacher_key(state: BoardState, code: str) -> str | None:
    """The teacher key of board `code` if this session opened or unlocked it (never shown to anyone else)."""
    return dict(state.teacher_keys).get(code)


def with_teacher_key(state: BoardState, code: str, key: str) -> BoardState:
    """Remember `key` for board `code` (replacing an older key of the same board)."""
    others = tuple(pair for pair in state.teacher_keys if pair[0] != code)
    return replace(state, teacher_keys=(*others, (code, key)))


def with_drawn(state: BoardState, code: str, version: int | None) -> BoardState:
    return replace(state, drawn=(code, version))


def needs_redraw(state: BoardState, code: str, version: int | None) -> bool:
    """True if the room's `version` is not the one the Board page drew: only then is the page run again."""
    return state.drawn != (code, version)


def needs_room_read(state: BoardState, code: str, version: int) -> bool:
    """True if the student's notice must read room `code` again: it changed (or another room) since last read."""
    return state.watched is None or state.watched[:2] != (code, version)


def with_watched(state: BoardState, code: str, version: int, shared: SharedExperiment | None) -> BoardState:
    return replace(state, watched=(code, version, shared))


def unseen_shared(state: BoardState) -> SharedExperiment | None:
    """The experiment the teacher shared in the joined room, unless it was opened or dismissed already."""
    member, watched = state.membership, state.watched
    if member is None or watched is None or watched[0] != member.code or watched[2] is None:
        return None
    shared = watched[2]
    return None if state.seen_shared == (member.code, shared.shared_id) else shared


def with_seen_shared(state: BoardState, code: str, shared_id: int) -> BoardState:
    """The shared experiment was opened or dismissed: it is not offered again."""
    return replace(state, seen_shared=(code, shared_id))


# --- Sentences shown once ---------------------------------------------------------------------------------------

MESSAGES = ("notice", "join_error", "board_error", "board_done")


def with_message(state: BoardState, kind: str, text: str) -> BoardState:
    """Keep one sentence of `kind` (one of MESSAGES) to show on the next run."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown message kind {kind!r}")
    return replace(state, **{kind: text})


def take_message(state: BoardState, kind: str) -> tuple[BoardState, str | None]:
    """(state without it, the sentence of `kind` or None): each sentence is shown once."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown message kind {kind!r}")
    return replace(state, **{kind: None}), getattr(state, kind)
