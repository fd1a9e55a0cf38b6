"""The room store contract, run against both stores: in memory and a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devkit.redis_server import redis_server
from nnviz.classroom import rooms
from nnviz.classroom.rooms import (
    BadNickname,
    BadRoomCode,
    BoardEntry,
    InMemoryRoomStore,
    NotTheTeacher,
    RedisRoomStore,
    RoomFull,
    RoomNotFound,
    clean_nickname,
    normalise_room_code,
)

ENTRY = BoardEntry(
    architecture="784-16-10",
    activation="ReLU",
    initializer="He",
    param_count=12_730,
    epochs=1,
    test_accuracy=0.9,
    seconds=2.5,
)
HOSTILE_NICKNAME = "**x** [a](//ev.il) <b>"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


# The Redis half starts a redis-server (requested by name below, so conftest cannot see it): slow by hand.
@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.slow)])
def store_and_clock(request: pytest.FixtureRequest) -> Iterator[tuple[rooms.RoomStore, FakeClock]]:
    clock = FakeClock()
    if request.param == "memory":
        yield InMemoryRoomStore(clock=clock, max_rooms=3), clock
        return
    import redis

    client = redis.Redis.from_url(request.getfixturevalue("redis_url"), decode_responses=True)
    client.flushdb()
    yield RedisRoomStore(client, clock=clock, max_rooms=3), clock
    client.close()


@pytest.fixture
def store(store_and_clock) -> rooms.RoomStore:
    return store_and_clock[0]


def test_a_new_room_has_a_code_from_the_unambiguous_alphabet(store) -> None:
    code, key = store.create_room()
    assert normalise_room_code(code) == code
    assert len(key) >= 12
    room = store.room(code)
    assert (room.code, room.members, room.entries, room.shared) == (code, 0, (), None)


def test_codes_are_read_leniently_and_bad_codes_get_a_plain_message(store) -> None:
    code, _ = store.create_room()
    assert store.version(f" {code[:2].lower()}-{code[2:]} ") == store.version(code)
    for bad in ("", "K7", "K7QMX", "O0I1", "<b>", "K7Q\x00"):
        with pytest.raises(BadRoomCode, match="4 letters and digits"):
            store.room(bad)
    unused = next(c for c in ("AAAA", "CCCC", "DDDD", "EEEE") if c != code)
    with pytest.raises(RoomNotFound, match=f"no open room {unused}"):
        store.join(unused, "Ada")


def test_members_post_runs_under_their_nickname_and_each_change_bumps_the_version(store) -> None:
    code, _ = store.create_room()
    v0 = store.version(code)
    ada = store.join(code, "Ada")
    bob = store.join(code, HOSTILE_NICKNAME)
    assert store.version(code) == v0 + 2
    store.post_entry(code, ada, ENTRY)
    store.post_entry(code, bob, BoardEntry(**{**ENTRY.__dict__, "test_accuracy": 0.95, "nickname": "spoofed"}))
    room = store.room(code)
    assert room.version == v0 + 4 and room.members == 2
    assert [e.nickname for e in room.entries] == ["Ada", HOSTILE_NICKNAME]  # the store's nickname, not the entry's
    assert [e.test_accuracy for e in room.entries] == [0.9, 0.95]
    assert room.entries[0].architecture == "784-16-10" and room.entries[0].param_count == 12_730
    with pytest.raises(RoomNotFound, match="not in this room"):
        store.post_entry(code, "not-a-member", ENTRY)


def test_entries_are_coerced_to_their_ranges(store) -> None:
    code, _ = store.create_room()
    member = store.join(code, "Ada")
    odd = BoardEntry("784\n-10", "ReLU", "He", -5, -1, float("nan"), float("inf"))
    store.post_entry(code, member, odd)
    (entry,) = store.room(code).entries
    assert (entry.architecture, entry.param_count, entry.epochs, entry.test_accuracy, entry.seconds) == (
        "784 -10",
        0,
        0,
        0.0,
        0.0,
    )


def test_only_the_teacher_key_removes_entries_and_shares_experiments(store) -> None:
    code, key = store.create_room()
    _, other_key = store.create_room()
    member = store.join(code, "Ada")
    entry_id = store.post_entry(code, member, ENTRY)
    assert store.is_teacher(code, key) and not store.is_teacher(code, other_key)
    with pytest.raises(NotTheTeacher):
        store.remove_entry(code, other_key, entry_id)
    with pytest.raises(NotTheTeacher):
        store.share_experiment(code, "guess", {"preset": "lab"}, "Lab")
    before = store.version(code)
    store.remove_entry(code, key, entry_id)
    assert store.room(code).entries == () and store.version(code) == before + 1
    store.remove_entry(code, key, entry_id)  # already gone: nothing changes
    assert store.version(code) == before + 1


def test_a_shared_experiment_reaches_the_room_with_a_new_id_per_push(store) -> None:
    code, key = store.create_room()
    first = store.share_experiment(code, key, {"layers": "32", "epochs": "2"}, "Small and quick")
    shared = store.room(code).shared
    assert shared.query == {"layers": "32", "epochs": "2"} and shared.title == "Small and quick"
    assert shared.shared_id == first
    second = store.share_experiment(code, key, {"preset": "lab"}, "The lab's 7, 8, 9\x07")
    shared = store.room(code).shared
    assert second > first and shared.shared_id == second
    assert shared.query == {"preset": "lab"} and shared.title == "The lab's 7, 8, 9"


def test_caps_on_members_entries_and_rooms_give_a_clear_message(store, monkeypatch) -> None:
    monkeypatch.setattr(rooms, "MAX_MEMBERS", 2)
    monkeypatch.setattr(rooms, "MAX_ENTRIES", 3)
    code, _ = store.create_room()
    ada = store.join(code, "Ada")
    store.join(code, "Bob")
    with pytest.raises(RoomFull, match="This room is full"):
        store.join(code, "Cy")
    for _ in range(3):
        store.post_entry(code, ada, ENTRY)
    with pytest.raises(RoomFull, match="This board is full"):
        store.post_entry(code, ada, ENTRY)
    assert store.room(code).members == 2 and len(store.room(code).entries) == 3
    store.create_room()
    store.create_room()  # max_rooms=3 in these fixtures
    with pytest.raises(RoomFull, match="too many open boards"):
        store.create_room()


def test_rooms_expire_after_twelve_hours_and_free_their_place(store_and_clock) -> None:
    store, clock = store_and_clock
    code, key = store.create_room()
    member = store.join(code, "Ada")
    while clock.now + rooms.ROOM_IDLE_S < 1_000_000.0 + rooms.ROOM_TTL_S:  # a class that posts a run every 2 h - 1 s
        clock.now += rooms.ROOM_IDLE_S - 1
        store.post_entry(code, member, ENTRY)
    clock.now = 1_000_000.0 + rooms.ROOM_TTL_S
    for action in (
        lambda: store.room(code),
        lambda: store.version(code),
        lambda: store.join(code, "Bob"),
        lambda: store.post_entry(code, member, ENTRY),
        lambda: store.remove_entry(code, key, "x"),
    ):
        with pytest.raises(RoomNotFound, match="12 hours after they open"):
            action()
    for _ in range(3):  # the expired room no longer counts towards max_rooms
        store.create_room()


def test_a_room_without_a_join_or_a_run_for_two_hours_closes_and_frees_its_place(store_and_clock) -> None:
    store, clock = store_and_clock
    idle, busy, other = (store.create_room()[0] for _ in range(3))
    clock.now += rooms.ROOM_IDLE_S - 1
    member = store.join(busy, "Ada")  # a join is activity: the busy room gets another two hours
    store.join(other, "Bob")
    clock.now += 1
    with pytest.raises(RoomNotFound, match="2 hours without runs"):
        store.version(idle)
    store.post_entry(busy, member, ENTRY)
    assert store.room(busy).members == 1
    store.create_room()  # the idle room's place is free (max_rooms=3)
    with pytest.raises(RoomFull, match="too many open boards"):
        store.create_room()


def test_one_browser_and_one_address_open_only_a_few_rooms(store_and_clock, monkeypatch) -> None:
    store, clock = store_and_clock
    monkeypatch.setattr(rooms, "MAX_ROOMS_PER_ADDRESS", 2)
    opened = [store.create_room(browser="cookie-1", address="10.0.0.7")[0]]
    opened.append(store.create_room(browser="cookie-2", address="10.0.0.7")[0])
    with pytest.raises(RoomFull, match="Your network already has") as refused:
        store.create_room(browser="cookie-3", address="10.0.0.7")
    assert "Reuse one with its room code" in str(refused.value)
    monkeypatch.setattr(rooms, "MAX_ROOMS_PER_BROWSER", 1)
    with pytest.raises(RoomFull, match="This browser already has"):
        store.create_room(browser="cookie-1", address="10.0.0.8")
    assert store.create_room(browser="cookie-3", address="10.0.0.8")  # another browser, another school
    clock.now += rooms.ROOM_IDLE_S  # the boards closed unused: their owners may open them again
    assert store.create_room(browser="cookie-1", address="10.0.0.7")


def test_the_refusal_sentences_name_the_limit_and_the_way_out() -> None:
    assert f"already has {rooms.MAX_ROOMS_PER_BROWSER} open boards" in rooms.BROWSER_ROOMS_FULL
    assert "2 hours without runs" in rooms.BROWSER_ROOMS_FULL and "room code" in rooms.BROWSER_ROOMS_FULL
    assert f"{rooms.MAX_ROOMS_PER_ADDRESS} open boards" in rooms.ADDRESS_ROOMS_FULL


def test_leave_frees_the_seat_and_the_nickname(store, monkeypatch) -> None:
    monkeypatch.setattr(rooms, "MAX_MEMBERS", 2)
    code, _ = store.create_room()
    store.join(code, "Ada")
    bob = store.join(code, "Bob")
    for _ in range(60):  # Leave then Join, again and again: the room never fills
        store.leave(code, bob)
        bob = store.join(code, "Bob")
    assert store.room(code).members == 2
    with pytest.raises(RoomFull, match="This room is full"):
        store.join(code, "Cy")
    version = store.version(code)
    store.leave(code, bob)
    store.leave(code, bob)  # twice: nothing more happens
    assert store.room(code).members == 1 and store.version(code) == version + 1
    store.join(code, "Cy")


@pytest.mark.parametrize(
    "lookalike", ["Alice", "alice", "ALICE", "\u0410lice", "AIice", "A1ice", "\uff21lice", "Al ice", "\u0391lice"]
)
def test_look_alike_nicknames_are_one_name_in_a_room(store, lookalike: str) -> None:
    code, _ = store.create_room()
    store.join(code, "Alice")
    with pytest.raises(rooms.NicknameTaken, match="looks like yours") as refused:
        store.join(code, lookalike)
    assert lookalike not in str(refused.value)  # untrusted text never goes into a sentence shown as markdown
    store.join(code, "Alicia")  # a different name is welcome
    other, _ = store.create_room()
    store.join(other, lookalike)  # the same name in another room is another student


@pytest.mark.parametrize("invisible", ["Al\u200bice", "Alice\u3164", "\u115fAlice", "Ali\u2800ce", "A\u202elice"])
def test_a_nickname_with_an_invisible_character_is_refused(store, invisible: str) -> None:
    code, _ = store.create_room()
    with pytest.raises(BadNickname, match="invisible characters"):
        store.join(code, invisible)
    assert store.room(code).members == 0


@pytest.mark.slow
def test_the_store_generation_changes_only_when_it_lost_its_rooms(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    first, second = RedisRoomStore(client), RedisRoomStore(client)
    assert first.generation() == second.generation() == first.generation()
    before = first.generation()
    client.flushall()  # what a restarted Redis without saved data holds
    assert first.generation() != before
    client.close()


@pytest.mark.slow
def test_redis_keys_carry_the_idle_ttl_and_hold_json(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    store = RedisRoomStore(client)
    code, _ = store.create_room()
    member = store.join(code, HOSTILE_NICKNAME)
    store.post_entry(code, member, ENTRY)
    keys = client.keys(f"nnviz:{{{code}}}:*")
    assert len(keys) == 4
    for key in keys:  # renewed by every join and run, up to the room's last hour
        assert rooms.ROOM_IDLE_S - 60 < client.ttl(key) <= rooms.ROOM_IDLE_S
    (stored,) = client.hvals(f"nnviz:{{{code}}}:entries")
    assert BoardEntry.from_json(stored).nickname == HOSTILE_NICKNAME  # plain JSON text, never pickle
    client.close()


@pytest.mark.slow
def test_two_redis_stores_see_one_room(redis_url: str) -> None:
    import redis

    first = RedisRoomStore(redis.Redis.from_url(redis_url, decode_responses=True))
    second = RedisRoomStore(redis.Redis.from_url(redis_url, decode_responses=True))
    code, key = first.create_room()
    member = second.join(code, "Ada")
    second.post_entry(code, member, ENTRY)
    assert [e.nickname for e in first.room(code).entries] == ["Ada"]
    assert second.is_teacher(code, key)


def test_nicknames_lose_control_characters_and_length_but_keep_their_text() -> None:
    assert clean_nickname(HOSTILE_NICKNAME) == HOSTILE_NICKNAME  # kept as text; pages show it as text
    assert clean_nickname("  Ada\n\t\x1b[31mLove lace  ") == "Ada [31mLove lace"
    assert len(clean_nickname("x" * 200)) == rooms.MAX_NICKNAME
    for empty in ("", "   ", "\x00\x07"):
        with pytest.raises(BadNickname, match="nickname"):
            clean_nickname(empty)


def test_a_redis_that_does_not_answer_gets_a_plain_message() -> None:
    from devkit.browser import free_port

    store = RedisRoomStore.from_url(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(rooms.RoomStoreUnavailable, match="does not answer"):
        store.create_room()
    with pytest.raises(rooms.RoomStoreUnavailable):
        store.version("K7QM")
