"""Room codes cannot be probed: each client address may try only so many codes that do not exist.

A board answers whether /board?room=X exists, so without a limit a script could walk all
22^4 codes and find every class's room. `ProbeLimit` counts one address's misses in a sliding
window (`RedisProbeLimit` does the same in Redis, so that several app servers behind one proxy
count an address once, not once per server); `VisitorRooms` is the room store as one visitor may
use it: it counts misses, refuses lookups past the limit, opens rooms under the visitor's browser
and address (nnviz.classroom.rooms caps them), and says "the board was reset" when a room is gone
because the store lost its rooms.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from nnviz.classroom.rooms import Room, RoomError, RoomNotFound, RoomStore
from nnviz.classroom.visitors import browser_id, client_address

MAX_MISSES = 30  # a class mistyping codes stays far below; a script finds one room in ~400 windows
WINDOW_S = 600.0
MAX_ADDRESSES = 10_000  # addresses remembered at once (least recent forgotten first): memory stays bounded
TOO_MANY_TRIES = (
    "Too many room codes that do not exist were tried from your network. Wait {minutes} minutes, "
    "then check the code on the class board."
)
BOARD_RESET = (
    "The class board's server restarted and every board was reset, so this room is gone. "
    "Ask your teacher to open a new board and join it with its new code."
)


class TooManyTries(RoomError):
    pass


class Limit(Protocol):
    """Counts one client address's misses; refuses it past the limit."""

    def check(self, address: str) -> None: ...

    def missed(self, address: str) -> None: ...


def _refusal(oldest_miss: float, window_s: float, now: float) -> TooManyTries:
    return TooManyTries(TOO_MANY_TRIES.format(minutes=max(1, round((oldest_miss + window_s - now) / 60))))


class ProbeLimit:
    """Misses per client address in the last `window_s` seconds; thread-safe (one per server process)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_misses: int = MAX_MISSES, window_s: float = WINDOW_S
    ) -> None:
        self._clock = clock
        self._max_misses = max_misses
        self._window_s = window_s
        self._misses: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, address: str) -> deque[float]:
        misses = self._misses.setdefault(address, deque())
        self._misses.move_to_end(address)
        while misses and misses[0] <= self._clock() - self._window_s:
            misses.popleft()
        return misses

    def check(self, address: str) -> None:
        """Raise TooManyTries (a sentence with the minutes to wait) if `address` used up its misses."""
        with self._lock:
            misses = self._recent(address)
            if len(misses) >= self._max_misses:
                raise _refusal(misses[0], self._window_s, self._clock())

    def missed(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(self._clock())
            while len(self._misses) > MAX_ADDRESSES:
                self._misses.popitem(last=False)


class RedisProbeLimit:
    """ProbeLimit kept in Redis: one sorted set of miss times per address, gone `window_s` after its last miss."""

    def __init__(
        self,
        client: Any,
        clock: Callable[[], float] = time.time,
        max_misses: int = MAX_MISSES,
        window_s: float = WINDOW_S,
    ) -> None:
        """client: a `redis.Redis` created with decode_responses=True (the room store's)."""
        self._redis, self._clock = client, clock
        self._max_misses, self._window_s = max_misses, window_s

    @staticmethod
    def _key(address: str) -> str:
        return f"nnviz:probe:{address}"

    def check(self, address: str) -> None:
        key, now = self._key(address), self._clock()
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(key, "-inf", now - self._window_s)
        pipe.zrange(key, 0, 0, withscores=True)
        pipe.zcard(key)
        _, oldest, count = pipe.execute()
        if count >= self._max_misses:
            raise _refusal(float(oldest[0][1]), self._window_s, now)

    def missed(self, address: str) -> None:
        key, now = self._key(address), self._clock()
        pipe = self._redis.pipeline()
        pipe.zadd(key, {f"{now}:{secrets.token_hex(4)}": now})  # two misses in one instant count twice
        pipe.expire(key, max(1, int(self._window_s) + 1))
        pipe.execute()


class VisitorRooms:
    """The RoomStore protocol for one visitor (browser id, client address) on top of the server's store.

    seen_generation: the store generation this session saw when it joined or opened a room
    (None: it never did), so a room lost with the store's contents is explained as a reset.
    """

    def __init__(
        self, store: RoomStore, limit: Limit, browser: str | None, address: str, seen_generation: str | None
    ) -> None:
        self._store, self._limit = store, limit
        self._browser, self._address, self._seen = browser, address, seen_generation

    def _ask(self, method: Callable[..., Any], code: str, *args: Any) -> Any:
        self._limit.check(self._address)
        try:
            return method(code, *args)
        except RoomNotFound as exc:
            if not exc.no_such_room:
                raise
            self._limit.missed(self._address)
            if self._seen is not None and self._store.generation() != self._seen:
                raise RoomNotFound(BOARD_RESET) from None
            raise

    def create_room(self) -> tuple[str, str]:
        return self._store.create_room(browser=self._browser, address=self._address)

    def version(self, code: str) -> int:
        return self._ask(self._store.version, code)

    def room(self, code: str) -> Room:
        return self._ask(self._store.room, code)

    def join(self, code: str, nickname: str) -> str:
        return self._ask(self._store.join, code, nickname)

    def leave(self, code: str, member_id: str) -> None:
        self._ask(self._store.leave, code, member_id)

    def post_entry(self, code: str, member_id: str, entry: Any) -> str:
        return self._ask(self._store.post_entry, code, member_id, entry)

    def is_teacher(self, code: str, teacher_key: str) -> bool:
        return self._ask(self._store.is_teacher, code, teacher_key)

    def remove_entry(self, code: str, teacher_key: str, entry_id: str) -> None:
        self._ask(self._store.remove_entry, code, teacher_key, entry_id)

    def share_experiment(self, code: str, teacher_key: str, query: Mapping[str, str], title: str) -> int:
        return self._ask(self._store.share_experiment, code, teacher_key, query, title)

    def generation(self) -> str:
        return self._store.generation()


SERVER_PROBE_LIMIT = ProbeLimit()  # without Redis, one per server process: every session's lookups count


def visitor_rooms(
    store: RoomStore, context: Any, seen_generation: str | None, limit: Limit = SERVER_PROBE_LIMIT
) -> VisitorRooms:
    """`store` for the visitor `context` describes (Streamlit's st.context: cookies, ip_address, headers)."""
    browser = browser_id(context.cookies)
    address = client_address(context.ip_address, context.headers)
    return VisitorRooms(store, limit, browser, address, seen_generation)
