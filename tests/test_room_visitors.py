"""A board no one can lock, seen from one visitor: codes tried per address, rooms per browser, Leave, a reset store."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from devkit.redis_server import redis_server
from nnviz.classroom import actions, rooms
from nnviz.classroom.probing import (
    BOARD_RESET,
    Limit,
    ProbeLimit,
    RedisProbeLimit,
    TooManyTries,
    VisitorRooms,
    visitor_rooms,
)
from nnviz.classroom.rooms import InMemoryRoomStore, RoomNotFound
from nnviz.classroom.visitors import BROWSER_COOKIE, LOCAL, browser_id, client_address
from nnviz.session.state.board import BoardState


class FakeClock:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


def unused_codes(store: InMemoryRoomStore, count: int) -> list[str]:
    """`count` well-formed codes of rooms that do not exist, in a fixed order."""
    alphabet = rooms.ROOM_CODE_ALPHABET
    codes = (a + b + c + d for a in alphabet for b in alphabet for c in alphabet for d in alphabet)
    taken = set(store._rooms)
    return [code for code, _ in zip((c for c in codes if c not in taken), range(count))]


def visitor(store, limit, address="203.0.113.9", browser="tab-cookie", seen=None) -> VisitorRooms:
    return VisitorRooms(store, limit, browser, address, seen)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


# The Redis half starts a redis-server (requested by name below, so conftest cannot see it): slow by hand.
@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.slow)])
def limit_and_clock(request: pytest.FixtureRequest) -> Iterator[tuple[Limit, FakeClock]]:
    clock = FakeClock()
    if request.param == "memory":
        yield ProbeLimit(clock=clock, max_misses=5, window_s=600), clock
        return
    import redis

    client = redis.Redis.from_url(request.getfixturevalue("redis_url"), decode_responses=True)
    client.flushdb()
    yield RedisProbeLimit(client, clock=clock, max_misses=5, window_s=600), clock
    client.close()


def test_probing_room_codes_is_limited_per_address_and_said_in_minutes(limit_and_clock) -> None:
    store = InMemoryRoomStore()
    limit, clock = limit_and_clock
    prober, classmate = visitor(store, limit), visitor(store, limit, address="198.51.100.4")
    code, _ = store.create_room()
    for _ in range(3):
        assert prober.version(code) == 1  # an open room is not a miss, however often it is read
    for wrong in unused_codes(store, 5):
        with pytest.raises(RoomNotFound, match="no open room"):
            prober.room(wrong)
    with pytest.raises(TooManyTries, match="Wait 10 minutes"):
        prober.version(code)  # even the right code: the answer would tell a prober which codes exist
    assert classmate.version(code) == 1  # another address is not refused
    clock.now += 300
    with pytest.raises(TooManyTries, match="Wait 5 minutes"):
        prober.join(code, "Ada")
    clock.now += 300
    assert prober.version(code) == 1  # the window passed


def test_an_unknown_member_in_an_open_room_is_not_a_probe() -> None:
    store = InMemoryRoomStore()
    limit = ProbeLimit(max_misses=1)
    code, _ = store.create_room()
    someone = visitor(store, limit)
    for _ in range(3):
        with pytest.raises(RoomNotFound, match="not in this room"):
            someone.post_entry(code, "not-a-member", None)
    assert someone.version(code) == 1


def test_tabs_of_one_browser_share_its_open_rooms_and_the_refusal_is_a_sentence(monkeypatch) -> None:
    monkeypatch.setattr(rooms, "MAX_ROOMS_PER_BROWSER", 3)
    store, limit = InMemoryRoomStore(), ProbeLimit()
    tabs = [visitor(store, limit, browser="one-browser") for _ in range(4)]  # four tabs, one cookie
    for tab in tabs[:3]:
        _, code = actions.open_board(BoardState(), tab)
        assert code is not None
    state, code = actions.open_board(BoardState(), tabs[3])
    assert code is None and state.board_error == rooms.BROWSER_ROOMS_FULL
    assert "already has 3 open boards" in state.board_error
    _, code = actions.open_board(BoardState(), visitor(store, limit, browser="another-browser"))
    assert code is not None


def test_leave_frees_the_seat_for_a_classmate(monkeypatch) -> None:
    monkeypatch.setattr(rooms, "MAX_MEMBERS", 1)
    store, limit = InMemoryRoomStore(), ProbeLimit()
    code, _ = store.create_room()
    student = visitor(store, limit)
    state = actions.join(BoardState(), student, code, "Ada")
    assert state.membership is not None and store.room(code).members == 1
    state = actions.leave(state, student)
    assert state.membership is None and store.room(code).members == 0
    assert actions.join(BoardState(), visitor(store, limit), code, "Ada").membership is not None


def test_a_room_lost_with_a_restarted_store_is_said_to_be_reset_not_mistyped() -> None:
    before, limit = InMemoryRoomStore(), ProbeLimit()
    code, _ = before.create_room()
    state = actions.join(BoardState(), visitor(before, limit), code, "Ada")
    after = InMemoryRoomStore()  # the store restarted: same codes mean nothing now
    with pytest.raises(RoomNotFound, match="restarted and every board was reset"):
        visitor(after, limit, seen=state.store_generation).room(code)
    with pytest.raises(RoomNotFound, match="Check the code"):
        visitor(before, limit, seen=state.store_generation).room(unused_codes(before, 1)[0])  # same store: mistyped
    with pytest.raises(RoomNotFound, match="Check the code"):
        visitor(after, limit, seen=None).room(code)  # never joined: nothing was reset for them
    assert BOARD_RESET.startswith("The class board's server restarted")


def test_the_browser_is_its_streamlit_cookie_and_the_address_the_one_the_proxy_saw() -> None:
    cookies = {BROWSER_COOKIE: "2|ab|cd|123"}
    assert browser_id(cookies) == browser_id(dict(cookies)) and browser_id({}) is None
    assert browser_id(cookies) != browser_id({BROWSER_COOKIE: "2|ab|ce|123"})
    assert "2|ab" not in browser_id(cookies)  # a digest, not the cookie
    assert client_address("203.0.113.9", {"X-Forwarded-For": "1.2.3.4"}) == "203.0.113.9"
    assert client_address(None, {"X-Forwarded-For": "1.2.3.4, 203.0.113.9"}) == "203.0.113.9"  # claimed, then seen
    assert client_address(None, {}) == LOCAL


def test_visitor_rooms_reads_streamlit_context() -> None:
    store = InMemoryRoomStore()
    context = SimpleNamespace(cookies={BROWSER_COOKIE: "x"}, ip_address=None, headers={"X-Forwarded-For": "9.9.9.9"})
    code, _ = visitor_rooms(store, context, None).create_room()
    assert store.version(code) == 1


def test_a_board_polls_a_version_and_gets_none_for_a_closed_room() -> None:
    store = InMemoryRoomStore()
    code, _ = store.create_room()
    assert actions.room_version(store, code) == 1
    assert actions.room_version(store, unused_codes(store, 1)[0]) is None


def test_two_servers_on_one_redis_count_an_address_once(redis_url: str) -> None:
    import redis

    clock = FakeClock()
    first, second = (
        RedisProbeLimit(redis.Redis.from_url(redis_url, decode_responses=True), clock=clock, max_misses=4)
        for _ in range(2)
    )
    for server in (first, second, first, second):  # nginx spreads the prober's requests over both servers
        server.check("203.0.113.9")
        server.missed("203.0.113.9")
    for server in (first, second):
        with pytest.raises(TooManyTries):
            server.check("203.0.113.9")
    second.check("198.51.100.4")  # a classmate's address is not refused
