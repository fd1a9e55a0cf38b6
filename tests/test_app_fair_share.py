"""The Train page says what a run costs before the press, and refuses a heavy run past the browser's share."""

from __future__ import annotations

import re

import pytest

from devkit.app_kit import open_page
from devkit.app_state import concern
from nnviz.model.network import NetworkConfig
from nnviz.session.state.training import TrainingState
from nnviz.training.config import TrainingConfig
from nnviz.training.fair_share import NO_QUEUE, FairShare

HEAVY = {"layers": "512,512,512,512", "epochs": "50", "batch": "8"}


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_the_default_run_is_said_to_cost_the_default_before_the_press() -> None:
    at = open_page("pages/screens/train.py")
    said = re.search(r"This run is about 1× the default; it trains on ([\d,]+) images.* would take ~", captions(at))
    assert said is not None and int(said.group(1).replace(",", "")) > 1000
    assert "cap here" not in captions(at)


def test_a_heavy_run_says_its_multiple_time_and_cap_before_the_press(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages.ui.training.SERVER_SHARE", FairShare())  # this browser alone on the server
    at = open_page("pages/screens/train.py", **HEAVY)
    said = re.search(
        r"This run is about 182× the default; it trains on [\d,]+ images.* would take ~[\d.]+ (min|h)", captions(at)
    )
    assert said is not None and "; the cap here is 15 min" in captions(at)


def test_a_heavy_run_past_the_share_is_refused_with_the_reason_and_nothing_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crowded = FairShare()
    trainers = type("Trainers", (), {"max_concurrent": 2, "time_limit_s": 900.0})()
    for n in range(200):  # a full school trained in the last half hour: each browser may use a minute
        crowded.charge(crowded.quote(f"student {n}", NetworkConfig(), TrainingConfig(), trainers))
    monkeypatch.setattr("pages.ui.training.SERVER_SHARE", crowded)
    at = open_page("pages/screens/train.py", **HEAVY)
    assert "the cap here is 1 min" in captions(at)
    at.button(key="train_start").click().run()
    assert any("more than the 1 min of trainer time" in e.value for e in at.error)
    assert concern(at, TrainingState).run is None


def test_the_teacher_tools_list_the_trainers() -> None:
    at = open_page("pages/screens/board.py")
    at.button(key="board_new").click().run()
    assert NO_QUEUE in captions(at)  # nobody trains in this test server
