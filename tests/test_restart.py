"""A fresh server process says once that a browser's model is gone with the old one; nobody else is told."""

from __future__ import annotations

from nnviz.training.restart import COOKIE, MODEL_GONE, ModelMarker, step

OLD, NEW = "0123456789abcdef", "fedcba9876543210"


def test_a_reconnect_to_a_fresh_process_says_the_model_is_gone_once_and_deletes_the_stale_cookie() -> None:
    first = step(ModelMarker(), {COOKIE: OLD}, has_own_model=False, boot_id=NEW)
    assert first.notice == MODEL_GONE and "max-age=0" in first.script
    again = step(first, {COOKIE: OLD}, has_own_model=False, boot_id=NEW)  # the next run of the same session
    assert again.notice is None and again.script is None


def test_another_tab_on_the_same_process_or_a_browser_without_a_model_hears_nothing() -> None:
    for cookies in ({COOKIE: NEW}, {}, {"_streamlit_xsrf": "2|ab|cd|1"}):
        marker = step(ModelMarker(), cookies, has_own_model=False, boot_id=NEW)
        assert marker.notice is None and marker.script is None


def test_a_model_of_its_own_writes_the_cookie_once_and_going_back_to_default_keeps_it() -> None:
    fresh = step(ModelMarker(), {}, has_own_model=False, boot_id=NEW)
    trained = step(fresh, {}, has_own_model=True, boot_id=NEW)
    assert trained.script is not None and f"{COOKIE}={NEW};" in trained.script and trained.notice is None
    assert step(trained, {}, has_own_model=True, boot_id=NEW).script is None
    assert step(trained, {}, has_own_model=False, boot_id=NEW).script is None  # another tab may still have one


def test_a_forged_cookie_is_neither_believed_nor_written_back() -> None:
    for forged in ("x'; alert(1); //", "0123456789ABCDEF", "0123", OLD + "0"):
        marker = step(ModelMarker(), {COOKIE: forged}, has_own_model=False, boot_id=NEW)
        assert marker.notice is None and marker.script is None


def test_only_a_tab_whose_browser_holds_a_model_here_reruns_when_it_reconnects() -> None:
    fresh = step(ModelMarker(), {}, has_own_model=False, boot_id=NEW)
    assert not fresh.watches_reconnect  # nothing of its own to lose: a reconnect costs the server nothing
    trained = step(fresh, {}, has_own_model=True, boot_id=NEW)
    assert trained.watches_reconnect
    told = step(ModelMarker(), {COOKIE: OLD}, has_own_model=False, boot_id=NEW)
    assert told.notice is not None and not told.watches_reconnect  # told once; the stale cookie is deleted
