"""Class-board rooms: who joined, which runs they posted, and the experiment the teacher shared.

A teacher opens a room and gets a short code (K7QM) and a teacher key; students join
with the code and a nickname; each finished run posts one `BoardEntry`. Every change
bumps the room's `version`, so a board that polls only redraws when something changed.

Two stores keep the rooms behind one `RoomStore` protocol:
- `InMemoryRoomStore`: one server process (the default), thread-safe.
- `RedisRoomStore`: several app servers share the rooms of a class (NNVIZ_REDIS_URL).
Both store plain JSON, never pickle, so no stored value can run code. Rooms expire
ROOM_TTL_S after they were opened, or earlier after ROOM_IDLE_S without a join or a run
(Redis also deletes their keys then). Nobody can lock the board for others: one browser and
one client address hold only a few open rooms, Leave frees a seat, and two members of a room
cannot have look-alike nicknames (nnviz.classroom.nicknames). Every problem a person can
cause (a mistyped code, a full room) raises a `RoomError` whose message is a plain sentence
for the page. `generation()` changes when the store lost its rooms (a restarted Redis), so a
page can say "the board was reset" instead of blaming a mistyped code.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from nnviz.classroom.nicknames import has_invisible, skeleton

ROOM_CODE_ALPHABET = "ACDEFHJKMNPQRTWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6-lookalikes dropped
ROOM_CODE_LENGTH = 4  # 22**4 = 234,256 codes: plenty for the rooms one deployment holds
ROOM_TTL_S = 12 * 3600  # a school day, then the room and everything in it is gone
ROOM_IDLE_S = 2 * 3600  # a room with no join and no run for this long closes early: empty rooms cannot pile up
MAX_ROOMS = 500
# Open rooms one browser may hold (a teacher needs one per class at a time) and one client address may
# hold (a school's teachers often share one public address, so it is several browsers' worth).
MAX_ROOMS_PER_BROWSER = 3
MAX_ROOMS_PER_ADDRESS = 12
MAX_MEMBERS = 60  # a class, with room for rejoining after a reload
MAX_ENTRIES = 300  # about five runs per student
MAX_NICKNAME = 24
MAX_TEXT = 60  # architecture descriptions and shared-experiment titles
MAX_SHARED_SETTINGS = 24  # query parameters in a shared experiment

Clock = Callable[[], float]
_INVISIBLE = ("Cf", "Cs", "Co", "Cn")  # format, surrogate, private-use and unassigned characters


class RoomError(Exception):
    """A problem a person caused or can fix; str(error) is a plain sentence to show them."""


class BadRoomCode(RoomError):
    pass


class RoomNotFound(RoomError):
    """no_such_room: True when no open room has the code (not when a member id is unknown in an open room)."""

    def __init__(self, message: str, no_such_room: bool = False) -> None:
        super().__init__(message)
        self.no_such_room = no_such_room


class RoomFull(RoomError):
    pass


class NotTheTeacher(RoomError):
    pass


class BadNickname(RoomError):
    pass


class RoomStoreUnavailable(RoomError):
    pass


def new_room_code() -> str:
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


def normalise_room_code(text: str) -> str:
    """'k7qm ', 'K7-QM' -> 'K7QM'; raises BadRoomCode for anything that cannot be a code."""
    code = "".join(ch for ch in str(text).upper() if ch not in " -\t")
    if len(code) != ROOM_CODE_LENGTH or any(ch not in ROOM_CODE_ALPHABET for ch in code):
        raise BadRoomCode(
            f"A room code is {ROOM_CODE_LENGTH} letters and digits, like K7QM. Check the code on the class board."
        )
    return code


def clean_text(text: str, limit: int) -> str:
    """Drop control and invisible format characters, squeeze whitespace, cut to `limit` characters."""
    normal = unicodedata.normalize("NFC", str(text))
    # A control character (newline, escape) becomes a space; an invisible one (zero-width, bidi override) goes.
    visible = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch for ch in normal if unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(visible.split())[:limit].strip()


INVISIBLE_NICKNAME = "A nickname cannot hold invisible characters: type it again with letters, digits and spaces."


def clean_nickname(text: str) -> str:
    """A nickname safe to store and show (as plain text); raises BadNickname if it holds an invisible
    character (two names that look the same must not differ by one) or if nothing is left."""
    if has_invisible(unicodedata.normalize("NFC", str(text))):
        raise BadNickname(INVISIBLE_NICKNAME)
    nickname = clean_text(text, MAX_NICKNAME)
    if not nickname:
        raise BadNickname(f"Pick a nickname of 1 to {MAX_NICKNAME} characters — a made-up one, not your real name.")
    return nickname


def _teacher_digest(teacher_key: str) -> str:
    # Only a digest is stored: whoever reads the store cannot remove entries with it.
    return hashlib.sha256(str(teacher_key).encode()).hexdigest()


@dataclass(frozen=True)
class BoardEntry:
    """One finished run on the board.

    architecture: e.g. "784-32-10"; activation and initializer: their labels ("ReLU", "He");
    param_count: weights and biases; epochs: completed; test_accuracy: 0..1;
    seconds: training time; task: the digits it learned (scores compare only within a task).
    entry_id, nickname and posted_at are set by the store.
    """

    architecture: str
    activation: str
    initializer: str
    param_count: int
    epochs: int
    test_accuracy: float
    seconds: float
    nickname: str = ""
    entry_id: str = ""
    posted_at: float = 0.0
    task: str = ""  # the digits it learned ("all 10 digits", "7, 8, 9"); "" on entries posted before tasks

    def checked(self) -> BoardEntry:
        """The same entry with every field coerced to its type and range (entries come from JSON)."""
        accuracy = float(self.test_accuracy)
        seconds = float(self.seconds)
        return BoardEntry(
            architecture=clean_text(self.architecture, MAX_TEXT),
            activation=clean_text(self.activation, MAX_TEXT),
            initializer=clean_text(self.initializer, MAX_TEXT),
            param_count=max(0, int(self.param_count)),
            epochs=max(0, int(self.epochs)),
            test_accuracy=min(max(accuracy, 0.0), 1.0) if math.isfinite(accuracy) else 0.0,
            seconds=max(seconds, 0.0) if math.isfinite(seconds) else 0.0,
            nickname=clean_text(self.nickname, MAX_NICKNAME),
            entry_id=clean_text(self.entry_id, 32),
            posted_at=float(self.posted_at),
            task=clean_text(self.task, MAX_TEXT),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> BoardEntry:
        raw = json.loads(text)
        return cls(**{name: raw[name] for name in cls.__dataclass_fields__ if name in raw}).checked()


@dataclass(frozen=True)
class SharedExperiment:
    """An experiment the teacher pushed: the settings as link parameters, a title, and an id (new per push)."""

    query: dict[str, str]
    title: str
    shared_id: int

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SharedExperiment:
        raw = json.loads(text)
        return cls(
            query=_clean_query(raw["query"]), title=clean_text(raw["title"], MAX_TEXT), shared_id=int(raw["shared_id"])
        )


def _clean_query(query: Mapping[str, Any]) -> dict[str, str]:
    items = list(query.items())[:MAX_SHARED_SETTINGS]
    return {clean_text(name, 32): clean_text(value, 64) for name, value in items}


@dataclass(frozen=True)
class Room:
    """What a board shows: everything in one room at one version. entries: oldest first."""

    code: str
    version: int
    members: int
    entries: tuple[BoardEntry, ...] = ()
    shared: SharedExperiment | None = None
    expires_at: float = 0.0


class RoomStore(Protocol):
    """Where rooms live. Every method raises RoomError (a subclass) with a plain message on a person's mistake."""

    def create_room(self, browser: str | None = None, address: str | None = None) -> tuple[str, str]:
        """Open a new room; returns (room code, teacher key). RoomFull if the server holds too many rooms,
        or `browser` (a browser's id) or `address` (a client address) already holds its share of open rooms."""

    def version(self, code: str) -> int:
        """A number that grows with every change to the room (cheap: boards poll it)."""

    def room(self, code: str) -> Room: ...

    def join(self, code: str, nickname: str) -> str:
        """Add a member; returns their member id. RoomFull past MAX_MEMBERS, NicknameTaken for a look-alike."""

    def leave(self, code: str, member_id: str) -> None:
        """The member leaves: their seat and nickname are free again (their posted runs stay)."""

    def post_entry(self, code: str, member_id: str, entry: BoardEntry) -> str:
        """Post a member's run under their nickname; returns the entry id. RoomFull past MAX_ENTRIES."""

    def is_teacher(self, code: str, teacher_key: str) -> bool: ...

    def remove_entry(self, code: str, teacher_key: str, entry_id: str) -> None: ...

    def share_experiment(self, code: str, teacher_key: str, query: Mapping[str, str], title: str) -> int:
        """Push settings (link parameters) to the room's students; returns the shared experiment's id."""

    def generation(self) -> str:
        """An id of the store's contents: it changes when the store lost every room (a restart without saving)."""


class NicknameTaken(RoomError):
    pass


def _not_found(code: str) -> RoomNotFound:
    return RoomNotFound(
        f"There is no open room {code}. Check the code on the class board (rooms close after "
        f"{ROOM_IDLE_S // 3600} hours without runs, and {ROOM_TTL_S // 3600} hours after they open).",
        no_such_room=True,
    )


ROOMS_FULL = "This server already has too many open boards. Try again later, or reuse an open board."
BROWSER_ROOMS_FULL = (
    f"This browser already has {MAX_ROOMS_PER_BROWSER} open boards. Show one of them again with its room code, "
    f"or wait: a board closes after {ROOM_IDLE_S // 3600} hours without runs."
)
ADDRESS_ROOMS_FULL = (
    f"Your network already has {MAX_ROOMS_PER_ADDRESS} open boards, the most one school may open at once. "
    f"Reuse one with its room code, or wait: a board closes after {ROOM_IDLE_S // 3600} hours without runs."
)
MEMBERS_FULL = f"This room is full ({MAX_MEMBERS} students). Ask your teacher to open a second board."
ENTRIES_FULL = f"This board is full ({MAX_ENTRIES} runs). Ask your teacher to remove a few entries."
NOT_TEACHER = "Only the teacher who opened this board can do that."
UNKNOWN_MEMBER = "You are not in this room any more. Join it again with the code on the board."


# The nickname itself is not quoted: pages show this sentence as markdown, and a nickname is untrusted text.
NICKNAME_TAKEN = (
    "Someone in this room already has a nickname that looks like yours. Pick another one (add a word or a number)."
)


def _owner_id(kind: str, who: str) -> str:
    # Only a digest is kept: the store never holds a browser's cookie or a client address.
    return kind + ":" + hashlib.sha256(str(who).encode()).hexdigest()[:32]


def _owners(browser: str | None, address: str | None) -> list[tuple[str, int, str]]:
    """(owner id, open rooms it may hold, the sentence when it holds them) for each owner given."""
    owners = []
    if browser:
        owners.append((_owner_id("browser", browser), MAX_ROOMS_PER_BROWSER, BROWSER_ROOMS_FULL))
    if address:
        owners.append((_owner_id("address", address), MAX_ROOMS_PER_ADDRESS, ADDRESS_ROOMS_FULL))
    return owners


@dataclass
class _MemoryRoom:
    teacher_digest: str
    created_at: float
    active_at: float
    version: int = 1
    members: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # nickname skeleton -> member id
    entries: dict[str, BoardEntry] = field(default_factory=dict)
    shared: SharedExperiment | None = None


class InMemoryRoomStore:
    """Rooms in this process's memory, behind one lock (many sessions share one server)."""

    def __init__(
        self,
        clock: Clock = time.time,
        ttl_s: float = ROOM_TTL_S,
        max_rooms: int = MAX_ROOMS,
        idle_s: float = ROOM_IDLE_S,
    ) -> None:
        self._clock = clock
        self._ttl_s = ttl_s
        self._idle_s = idle_s
        self._max_rooms = max_rooms
        self._rooms: dict[str, _MemoryRoom] = {}
        self._owned: dict[str, set[str]] = {}  # owner id -> codes of the rooms it opened
        self._generation = secrets.token_hex(8)  # this process's rooms: gone when it restarts
        self._lock = threading.Lock()

    def _closes_at(self, room: _MemoryRoom) -> float:
        return min(room.created_at + self._ttl_s, room.active_at + self._idle_s)

    def _live(self, code: str) -> _MemoryRoom:
        # Expiry is checked on access; create_room sweeps the rest, so memory stays bounded.
        code = normalise_room_code(code)
        room = self._rooms.get(code)
        if room is None or self._clock() >= self._closes_at(room):
            self._rooms.pop(code, None)
            raise _not_found(code)
        return room

    def create_room(self, browser: str | None = None, address: str | None = None) -> tuple[str, str]:
        teacher_key = secrets.token_urlsafe(9)
        with self._lock:
            now = self._clock()
            for code in [c for c, r in self._rooms.items() if now >= self._closes_at(r)]:
                del self._rooms[code]
            if len(self._rooms) >= self._max_rooms:
                raise RoomFull(ROOMS_FULL)
            owners = _owners(browser, address)
            for owner, cap, refusal in owners:
                open_rooms = self._owned.get(owner, set()) & self._rooms.keys()
                self._owned[owner] = open_rooms
                if len(open_rooms) >= cap:
                    raise RoomFull(refusal)
            code = new_room_code()
            while code in self._rooms:
                code = new_room_code()
            self._rooms[code] = _MemoryRoom(_teacher_digest(teacher_key), now, now)
            for owner, _, _ in owners:
                self._owned[owner].add(code)
            for owner in [o for o, codes in self._owned.items() if not codes]:
                del self._owned[owner]
        return code, teacher_key

    def version(self, code: str) -> int:
        with self._lock:
            return self._live(code).version

    def room(self, code: str) -> Room:
        with self._lock:
            room = self._live(code)
            return Room(
                code=normalise_room_code(code),
                version=room.version,
                members=len(room.members),
                entries=tuple(room.entries.values()),
                shared=room.shared,
                expires_at=self._closes_at(room),
            )

    def join(self, code: str, nickname: str) -> str:
        nickname = clean_nickname(nickname)
        with self._lock:
            room = self._live(code)
            if len(room.members) >= MAX_MEMBERS:
                raise RoomFull(MEMBERS_FULL)
            if skeleton(nickname) in room.names:
                raise NicknameTaken(NICKNAME_TAKEN)
            member_id = secrets.token_hex(8)
            room.members[member_id] = nickname
            room.names[skeleton(nickname)] = member_id
            room.version += 1
            room.active_at = self._clock()
            return member_id

    def leave(self, code: str, member_id: str) -> None:
        with self._lock:
            room = self._live(code)
            nickname = room.members.pop(member_id, None)
            if nickname is not None:
                room.names.pop(skeleton(nickname), None)
                room.version += 1

    def post_entry(self, code: str, member_id: str, entry: BoardEntry) -> str:
        with self._lock:
            room = self._live(code)
            nickname = room.members.get(member_id)
            if nickname is None:
                raise RoomNotFound(UNKNOWN_MEMBER)
            if len(room.entries) >= MAX_ENTRIES:
                raise RoomFull(ENTRIES_FULL)
            entry_id = secrets.token_hex(6)
            stored = {**asdict(entry), "nickname": nickname, "entry_id": entry_id, "posted_at": self._clock()}
            room.entries[entry_id] = BoardEntry(**stored).checked()
            room.version += 1
            room.active_at = self._clock()
            return entry_id

    def is_teacher(self, code: str, teacher_key: str) -> bool:
        with self._lock:
            return hmac.compare_digest(self._live(code).teacher_digest, _teacher_digest(teacher_key))

    def _teachers_room(self, code: str, teacher_key: str) -> _MemoryRoom:
        room = self._live(code)
        if not hmac.compare_digest(room.teacher_digest, _teacher_digest(teacher_key)):
            raise NotTheTeacher(NOT_TEACHER)
        return room

    def remove_entry(self, code: str, teacher_key: str, entry_id: str) -> None:
        with self._lock:
            room = self._teachers_room(code, teacher_key)
            if room.entries.pop(entry_id, None) is not None:
                room.version += 1

    def share_experiment(self, code: str, teacher_key: str, query: Mapping[str, str], title: str) -> int:
        with self._lock:
            room = self._teachers_room(code, teacher_key)
            room.version += 1
            room.shared = SharedExperiment(_clean_query(query), clean_text(title, MAX_TEXT), room.version)
            return room.version

    def generation(self) -> str:
        return self._generation


# Redis: keys expire by TTL counted from the store's clock (EXPIRE, not EXPIREAT), so a test's clock works too.
# One hash per room (teacher digest, created/active/expires times, version, shared experiment), one hash of
# members, one of nickname skeletons (-> member id) and one of entries (JSON). Caps are checked and writes
# made inside Lua scripts, so two servers cannot both squeeze in the 61st student. A sorted set of open rooms
# (scored by when each closes) counts them for MAX_ROOMS; a set per owner (browser or address digest) holds
# the codes it opened. A room closes at min(expires, active + idle): every join or run moves `active` on and
# renews the TTLs of the room's keys.
_LIVE = """
local function live(room, now, idle)
  local meta = redis.call('HMGET', room, 'expires', 'active')
  -- a room opened before rooms had an 'active' time counts as active until its expiry
  return meta[1] and now < math.min(tonumber(meta[1]), tonumber(meta[2] or meta[1]) + idle)
end
"""
_TOUCH = """
local function touch(code, now, idle)
  local closes = math.min(tonumber(redis.call('HGET', KEYS[1], 'expires')), now + idle)
  local ttl = math.ceil(closes - now)
  redis.call('HSET', KEYS[1], 'active', now)
  for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ttl) end
  redis.call('ZADD', KEYS[5], closes, code)
  return redis.call('HINCRBY', KEYS[1], 'version', 1)
end
"""
# KEYS: rooms set, the new room, owner sets...; ARGV: now, expires, max rooms, code, teacher digest, idle, caps...
_CREATE = (
    _LIVE
    + """
local now, idle = tonumber(ARGV[1]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
for i = 3, #KEYS do
  local open = 0
  for _, code in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    if live('nnviz:{' .. code .. '}:room', now, idle) then open = open + 1 else redis.call('SREM', KEYS[i], code) end
  end
  if open >= tonumber(ARGV[4 + i]) then return -i end
end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local closes = math.min(tonumber(ARGV[2]), now + idle)
redis.call('HSET', KEYS[2], 'teacher', ARGV[5], 'created', now, 'expires', ARGV[2], 'active', now, 'version', 1)
redis.call('EXPIRE', KEYS[2], math.ceil(closes - now))
redis.call('ZADD', KEYS[1], closes, ARGV[4])
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[4])
  redis.call('EXPIRE', KEYS[i], math.ceil(tonumber(ARGV[2]) - now))
end
return 1
"""
)
# KEYS: room, members, names, entries, rooms set; ARGV: code, now, idle, member id, nickname, skeleton, cap
_JOIN = (
    _LIVE
    + _TOUCH
    + """
local now, idle = tonumber(ARGV[2]), tonumber(ARGV[3])
if not live(KEYS[1], now, idle) then return -1 end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[7]) then return -2 end
if redis.call('HEXISTS', KEYS[3], ARGV[6]) == 1 then return -4 end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
redis.call('HSET', KEYS[3], ARGV[6], ARGV[4])
return touch(ARGV[1], now, idle)
"""
)
# KEYS: as _JOIN; ARGV: code, now, idle, member id, entry id, entry JSON, cap
_POST = (
    _LIVE
    + _TOUCH
    + """
local now, idle = tonumber(ARGV[2]), tonumber(ARGV[3])
if not live(KEYS[1], now, idle) then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[4]) == 0 then return -3 end
if redis.call('HLEN', KEYS[4]) >= tonumber(ARGV[7]) then return -2 end
redis.call('HSET', KEYS[4], ARGV[5], ARGV[6])
return touch(ARGV[1], now, idle)
"""
)
# KEYS: room, members, names; ARGV: now, idle, member id, the skeleton of their nickname
_LEAVE = (
    _LIVE
    + """
if not live(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])) then return -1 end
if redis.call('HDEL', KEYS[2], ARGV[3]) == 0 then return 0 end
if redis.call('HGET', KEYS[3], ARGV[4]) == ARGV[3] then redis.call('HDEL', KEYS[3], ARGV[4]) end
return redis.call('HINCRBY', KEYS[1], 'version', 1)
"""
)
_SHARE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'shared', ARGV[1], 'shared_id', version)
return version
"""


UNAVAILABLE = "The class board's server does not answer right now. Try again in a moment."


def _plain_redis_errors(method: Callable) -> Callable:
    """Turn a Redis connection or server error into a RoomStoreUnavailable with a plain message."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import redis

        try:
            return method(*args, **kwargs)
        except redis.RedisError as exc:
            raise RoomStoreUnavailable(UNAVAILABLE) from exc

    return wrapper


class RedisRoomStore:
    """Rooms in Redis, shared by every app server that points at it (NNVIZ_REDIS_URL)."""

    def __init__(
        self,
        client: Any,
        clock: Clock = time.time,
        ttl_s: float = ROOM_TTL_S,
        max_rooms: int = MAX_ROOMS,
        idle_s: float = ROOM_IDLE_S,
    ) -> None:
        """client: a `redis.Redis` created with decode_responses=True."""
        self._redis = client
        self._clock = clock
        self._ttl_s = ttl_s
        self._idle_s = idle_s
        self._max_rooms = max_rooms
        self._create = client.register_script(_CREATE)
        self._join = client.register_script(_JOIN)
        self._post = client.register_script(_POST)
        self._leave = client.register_script(_LEAVE)
        self._share = client.register_script(_SHARE)

    @property
    def client(self) -> Any:
        """The Redis client: other shared limits (nnviz.classroom.probing) live in the same Redis."""
        return self._redis

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisRoomStore:
        import redis  # only a deployment that sets NNVIZ_REDIS_URL needs the client

        return cls(redis.Redis.from_url(url, decode_responses=True, socket_timeout=5), **kwargs)

    @staticmethod
    def _keys(code: str) -> tuple[str, str, str, str]:
        # The {code} hash tag keeps a room's keys in one slot, should the Redis be a cluster.
        room = f"nnviz:{{{code}}}"
        return f"{room}:room", f"{room}:members", f"{room}:names", f"{room}:entries"

    _ROOMS = "nnviz:rooms"
    _GENERATION = "nnviz:generation"

    def _closes_at(self, meta: Mapping[str, str]) -> float:
        return min(float(meta["expires"]), float(meta.get("active", meta["expires"])) + self._idle_s)

    def _meta(self, code: str) -> tuple[str, dict[str, str]]:
        code = normalise_room_code(code)
        meta = self._redis.hgetall(self._keys(code)[0])
        if not meta or self._clock() >= self._closes_at(meta):
            raise _not_found(code)
        return code, meta

    @_plain_redis_errors
    def create_room(self, browser: str | None = None, address: str | None = None) -> tuple[str, str]:
        teacher_key = secrets.token_urlsafe(9)
        now = self._clock()
        owners = _owners(browser, address)
        while True:
            code = new_room_code()
            outcome = self._create(
                keys=[self._ROOMS, self._keys(code)[0], *(f"nnviz:owner:{owner}" for owner, _, _ in owners)],
                args=[
                    now,
                    now + self._ttl_s,
                    self._max_rooms,
                    code,
                    _teacher_digest(teacher_key),
                    self._idle_s,
                    *(cap for _, cap, _ in owners),
                ],
            )
            if outcome == -1:
                raise RoomFull(ROOMS_FULL)
            if outcome < -1:
                raise RoomFull(owners[-outcome - 3][2])
            if outcome == 1:
                return code, teacher_key

    @_plain_redis_errors
    def version(self, code: str) -> int:
        code, meta = self._meta(code)
        return int(meta["version"])

    @_plain_redis_errors
    def room(self, code: str) -> Room:
        code, meta = self._meta(code)
        _, members_key, _, entries_key = self._keys(code)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hlen(members_key)
            pipe.hvals(entries_key)
            members, entries = pipe.execute()
        shared = None
        if "shared" in meta:  # the push's id is the version it made, kept beside the JSON
            shared = replace(SharedExperiment.from_json(meta["shared"]), shared_id=int(meta["shared_id"]))
        return Room(
            code=code,
            version=int(meta["version"]),
            members=int(members),
            entries=tuple(sorted((BoardEntry.from_json(e) for e in entries), key=lambda e: e.entry_id)),
            shared=shared,
            expires_at=self._closes_at(meta),
        )

    def _write(self, script: Any, code: str, args: Sequence[Any]) -> int:
        """Run a join or post script; raises for a closed room or an unknown member, returns its outcome
        (the new version, or -2 for a full room, -4 for a look-alike nickname)."""
        outcome = script(keys=[*self._keys(code), self._ROOMS], args=[code, self._clock(), self._idle_s, *args])
        if outcome == -1:
            raise _not_found(code)
        if outcome == -3:
            raise RoomNotFound(UNKNOWN_MEMBER)
        return int(outcome)

    @_plain_redis_errors
    def join(self, code: str, nickname: str) -> str:
        nickname = clean_nickname(nickname)
        code = normalise_room_code(code)
        member_id = secrets.token_hex(8)
        outcome = self._write(self._join, code, [member_id, nickname, skeleton(nickname), MAX_MEMBERS])
        if outcome == -2:
            raise RoomFull(MEMBERS_FULL)
        if outcome == -4:
            raise NicknameTaken(NICKNAME_TAKEN)
        return member_id

    @_plain_redis_errors
    def leave(self, code: str, member_id: str) -> None:
        code = normalise_room_code(code)
        room_key, members_key, names_key, _ = self._keys(code)
        nickname = self._redis.hget(members_key, member_id)
        if nickname is None:
            return
        outcome = self._leave(
            keys=[room_key, members_key, names_key], args=[self._clock(), self._idle_s, member_id, skeleton(nickname)]
        )
        if outcome == -1:
            raise _not_found(code)

    @_plain_redis_errors
    def post_entry(self, code: str, member_id: str, entry: BoardEntry) -> str:
        code, _ = self._meta(code)
        nickname = self._redis.hget(self._keys(code)[1], member_id)
        if nickname is None:
            raise RoomNotFound(UNKNOWN_MEMBER)
        # A room-wide sequence number leads the id, so the entries sort in posting order.
        sequence = self._redis.hincrby(self._keys(code)[0], "sequence", 1)
        entry_id = f"{sequence:05d}-{secrets.token_hex(4)}"
        stored = BoardEntry(**{**asdict(entry), "nickname": nickname, "entry_id": entry_id, "posted_at": self._clock()})
        if self._write(self._post, code, [member_id, entry_id, stored.checked().to_json(), MAX_ENTRIES]) == -2:
            raise RoomFull(ENTRIES_FULL)
        return entry_id

    @_plain_redis_errors
    def is_teacher(self, code: str, teacher_key: str) -> bool:
        _, meta = self._meta(code)
        return hmac.compare_digest(meta["teacher"], _teacher_digest(teacher_key))

    def _check_teacher(self, code: str, teacher_key: str) -> str:
        code, meta = self._meta(code)
        if not hmac.compare_digest(meta["teacher"], _teacher_digest(teacher_key)):
            raise NotTheTeacher(NOT_TEACHER)
        return code

    @_plain_redis_errors
    def remove_entry(self, code: str, teacher_key: str, entry_id: str) -> None:
        code = self._check_teacher(code, teacher_key)
        room_key, _, _, entries_key = self._keys(code)
        if self._redis.hdel(entries_key, entry_id):
            self._redis.hincrby(room_key, "version", 1)

    @_plain_redis_errors
    def share_experiment(self, code: str, teacher_key: str, query: Mapping[str, str], title: str) -> int:
        code = self._check_teacher(code, teacher_key)
        payload = json.dumps({"query": _clean_query(query), "title": clean_text(title, MAX_TEXT), "shared_id": 0})
        version = self._share(keys=[self._keys(code)[0]], args=[payload])
        if version == -1:
            raise _not_found(code)
        return int(version)

    @_plain_redis_errors
    def generation(self) -> str:
        # Set once by whichever server asks first; a Redis restarted without its data has none, so a new one.
        self._redis.set(self._GENERATION, secrets.token_hex(8), nx=True)
        return str(self._redis.get(self._GENERATION))
