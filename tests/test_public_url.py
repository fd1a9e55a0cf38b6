"""The hand-out link's origin: never the teacher's own localhost when students reach the app another way."""

from __future__ import annotations

import pytest

from nnviz.session.public_url import is_loopback, lan_address, public_link, public_origin

LAN = "192.168.1.20"


def lan() -> str:
    return LAN


def no_lan() -> None:
    return None


def asked_for_nothing() -> str:
    raise AssertionError("the LAN address is only looked up for a request to localhost")


@pytest.mark.parametrize(
    ("url", "host", "origin"),
    [
        ("http://nnviz.school.example:8501/lesson?step=3", None, "http://nnviz.school.example:8501"),
        ("https://nnviz.school.example/lesson", "nnviz.school.example", "https://nnviz.school.example"),
        (None, "10.0.0.5:8501", "http://10.0.0.5:8501"),
        ("http://[2001:db8::1]:8501/", None, "http://[2001:db8::1]:8501"),
    ],
)
def test_a_request_through_another_host_keeps_that_host(url: str | None, host: str | None, origin: str) -> None:
    assert public_origin(None, url, host, lan=asked_for_nothing) == origin


@pytest.mark.parametrize("local", ["localhost", "127.0.0.1", "127.0.1.1", "[::1]", "LocalHost"])
def test_a_teacher_on_localhost_hands_out_the_machines_lan_address(local: str) -> None:
    origin = public_origin(None, f"http://{local}:8501/lesson", None, lan=lan)
    assert origin == f"http://{LAN}:8501"
    assert "localhost" not in origin.lower() and "127.0.0.1" not in origin


def test_the_configured_public_url_wins_over_everything() -> None:
    configured = "https://nnviz.school.example/ "
    assert public_origin(configured, "http://localhost:8501/", "localhost", lan=asked_for_nothing) == (
        "https://nnviz.school.example"
    )


def test_without_a_network_localhost_is_all_there_is_and_without_a_request_nothing() -> None:
    assert public_origin(None, "http://localhost:8501/", None, lan=no_lan) == "http://localhost:8501"
    assert public_origin(None, None, None, lan=lan) is None
    assert public_origin(None, None, "host:notaport", lan=lan) is None
    assert public_link(None, "/train?digits=789") == "/train?digits=789"
    assert public_link("http://a.b", "/train") == "http://a.b/train"


def test_loopback_names_and_addresses() -> None:
    assert all(is_loopback(h) for h in ("localhost", "127.0.0.1", "127.8.9.1", "::1", "[::1]", "app.localhost"))
    assert not any(is_loopback(h) for h in ("192.168.1.20", "nnviz.example", "10.0.0.1", "localhost.example.com"))


def test_the_lan_address_is_an_outside_ipv4_address_or_none() -> None:
    address = lan_address()  # no packet is sent: a UDP connect only picks a route
    assert address is None or (address.count(".") == 3 and not is_loopback(address))


def test_an_app_served_under_a_path_keeps_it() -> None:
    url = "https://school.example/nnviz/lesson"
    assert public_origin(None, url, None, lan=asked_for_nothing, base_path="/nnviz/") == "https://school.example/nnviz"
    assert public_origin("https://nnviz.school.example", url, None, base_path="nnviz") == "https://nnviz.school.example"
