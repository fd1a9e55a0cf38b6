"""A fair share of the trainers: a run's cost before it starts, the sentence about it, one budget per browser."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from nnviz.model.network import NetworkConfig
from nnviz.training import fair_share
from nnviz.training.config import TrainingConfig
from nnviz.training.fair_share import (
    DEFAULT_COST,
    FairShare,
    Quote,
    TrainingSet,
    duration,
    estimated_seconds,
    run_cost,
    times_default,
    training_images,
)

TRAINERS = SimpleNamespace(max_concurrent=2, time_limit_s=900.0)
HEAVY_NET = NetworkConfig(hidden_sizes=(512, 512, 512, 512))
HEAVY_RUN = TrainingConfig(epochs=50, batch_size=8)
MEDIUM_RUN = TrainingConfig(epochs=12)  # the default network, four times the epochs


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_cost_is_weights_times_images_times_epochs() -> None:
    network, training = NetworkConfig(hidden_sizes=(32,), digits=(7, 8, 9)), TrainingConfig(epochs=4, train_size=2000)
    weights = 784 * 32 + 32 + 32 * 3 + 3
    assert run_cost(network, training) == weights * 2000 * 4
    assert training_images(TrainingConfig(), 3) == fair_share.FULL_TRAINING_IMAGES * 3 // 10  # all of three digits
    assert (
        training_images(TrainingConfig(train_size=10**6), 10) == fair_share.FULL_TRAINING_IMAGES
    )  # cut to what exists
    assert run_cost(NetworkConfig(), TrainingConfig()) == DEFAULT_COST
    assert run_cost(NetworkConfig(), MEDIUM_RUN) == 4 * DEFAULT_COST


def test_the_estimate_grows_with_every_factor_and_small_batches_cost_more() -> None:
    base = estimated_seconds(NetworkConfig(), TrainingConfig())
    assert estimated_seconds(NetworkConfig(), MEDIUM_RUN) == pytest.approx(4 * base)
    assert estimated_seconds(NetworkConfig(), TrainingConfig(batch_size=8)) > base
    assert estimated_seconds(NetworkConfig(), TrainingConfig(batch_size=512)) < base
    assert estimated_seconds(HEAVY_NET, HEAVY_RUN) > 3600  # the run: about two hours of a trainer


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0.2, "1 s"), (15.4, "15 s"), (59.4, "59 s"), (59.6, "1 min"), (90, "1.5 min"), (360, "6 min"), (7920, "2.2 h")],
)
def test_durations_are_said_as_a_person_would(seconds: float, said: str) -> None:
    assert duration(seconds) == said


@pytest.mark.parametrize(("times", "said"), [(40, "40×"), (182.4, "182×"), (1.5, "1.5×"), (1, "1×"), (0.07, "0.07×")])
def test_the_cost_is_said_as_a_multiple_of_the_default(times: float, said: str) -> None:
    assert times_default(round(times * DEFAULT_COST)) == said


def test_the_sentence_before_the_press_names_the_cost_the_images_the_time_and_the_cap() -> None:
    heavy = Quote("b", 40 * DEFAULT_COST, 360.0, True, 120.0)
    assert heavy.sentence() == (
        "This run is about 40× the default; it trains on 55,000 images and would take ~6 min; "
        "the cap here is 2 min "
        "(your share of the trainers while the class trains)."
    )
    light = Quote("b", DEFAULT_COST // 2, 8.0, False, 120.0, images=21_911, held=24_345)
    assert light.sentence() == (
        "This run is about 0.5× the default; it trains on 21,911 images "
        "(this server holds 24,345 of MNIST's 60,000) and would take ~8 s."
    )
    assert not heavy.allowed and light.allowed and Quote("b", 2 * DEFAULT_COST, 100.0, True, 120.0).allowed
    assert heavy.refusal().startswith("This run would take ~6 min, more than the 2 min of trainer time")


def test_the_cap_shrinks_as_the_class_grows_but_never_below_a_minute() -> None:
    share = FairShare(clock=FakeClock())
    assert share.quote("alone", HEAVY_NET, HEAVY_RUN, TRAINERS).cap_s == 900.0  # one student: the pool's limit
    for n in range(30):
        share.charge(share.quote(f"student {n}", NetworkConfig(), TrainingConfig(), TRAINERS))
    # 30 browsers trained in the window: each may use 2 trainers × 30 min / 30 = 2 min.
    assert share.quote("student 0", HEAVY_NET, HEAVY_RUN, TRAINERS).cap_s == pytest.approx(120.0)
    for n in range(30, 200):
        share.charge(share.quote(f"student {n}", NetworkConfig(), TrainingConfig(), TRAINERS))
    assert share.quote("student 0", HEAVY_NET, HEAVY_RUN, TRAINERS).cap_s == fair_share.MIN_SHARE_S


def test_tabs_of_one_browser_share_one_budget_and_the_window_gives_it_back() -> None:
    clock = FakeClock()
    share = FairShare(clock=clock)
    for n in range(14):  # a class of 15 (2 × 30 min / 15 = 4 min each)
        share.charge(share.quote(f"classmate {n}", NetworkConfig(), TrainingConfig(), TRAINERS))
    first_tab = share.quote("browser", NetworkConfig(), MEDIUM_RUN, TRAINERS)
    assert first_tab.heavy and first_tab.allowed and first_tab.cap_s == pytest.approx(240.0)
    assert share.charge(first_tab) == pytest.approx(240.0)  # its time limit: the whole share left
    second_tab = share.quote("browser", NetworkConfig(), MEDIUM_RUN, TRAINERS)  # same browser, another tab
    assert second_tab.cap_s == pytest.approx(240.0 - first_tab.seconds)
    classmate = share.quote("classmate 0", NetworkConfig(), MEDIUM_RUN, TRAINERS)
    assert classmate.cap_s == pytest.approx(240.0)  # not touched by the first browser's runs
    for _ in range(10):
        if (tab := share.quote("browser", NetworkConfig(), MEDIUM_RUN, TRAINERS)).allowed:
            share.charge(tab)
    refused = share.quote("browser", NetworkConfig(), MEDIUM_RUN, TRAINERS)
    assert not refused.allowed and refused.cap_s < refused.seconds
    assert share.quote("browser", NetworkConfig(), TrainingConfig(), TRAINERS).allowed  # the default always is
    clock.now += fair_share.WINDOW_S
    assert share.quote("browser", NetworkConfig(), MEDIUM_RUN, TRAINERS).allowed


def test_light_runs_spend_nothing_and_get_no_own_limit() -> None:
    share = FairShare(clock=FakeClock())
    light = share.quote("b", NetworkConfig(hidden_sizes=(), digits=(7, 8, 9)), TrainingConfig(), TRAINERS)
    assert not light.heavy and share.charge(light) is None
    assert share.quote("b", HEAVY_NET, TrainingConfig(), TRAINERS).cap_s == 900.0


def test_the_teachers_queue_table_says_where_each_run_is_and_what_it_costs() -> None:
    from nnviz.training.pool import QueuedTraining

    rows = fair_share.queue_table(
        [
            QueuedTraining(7, 0, NetworkConfig(), MEDIUM_RUN, True, 3, 95.0),
            QueuedTraining(9, 2, HEAVY_NET, HEAVY_RUN, True, 1, 0.0),
        ]
    )
    assert rows[0] == {
        "Run": 7,
        "Where": "training",
        "Network": "784-128-64-10, ReLU",
        "Epochs": 12,
        "Cost": "4× the default",
        "Students": 3,
        "Trained for": "1.6 min",
    }
    assert rows[1]["Where"] == "waiting, number 2 in line" and rows[1]["Trained for"] == "—"
    assert rows[1]["Cost"] == "182× the default"


def _split_sizes(per_digit: tuple[int, ...], digits: tuple[int, ...], train_size: int | None) -> int:
    """Oracle: the training images split_data really gives a run, on labels with these counts."""
    from nnviz.training.data import split_data

    labels = np.repeat(np.arange(10), per_digit)
    data = SimpleNamespace(
        x_train=np.zeros((len(labels), 1), np.float32),
        y_train=labels,
        x_test=np.zeros((0, 1), np.float32),
        y_test=np.zeros(0, np.int64),
    )
    return len(split_data(data, digits, train_size, seed=0).x_train)


@pytest.mark.parametrize(
    ("per_digit", "digits", "train_size"),
    [
        ((2406, 2770, 2381, 2524, 2386, 2181, 2401, 2524, 2328, 2444), tuple(range(10)), None),  # the offline folder
        ((2406, 2770, 2381, 2524, 2386, 2181, 2401, 2524, 2328, 2444), (7, 8, 9), None),
        ((2406, 2770, 2381, 2524, 2386, 2181, 2401, 2524, 2328, 2444), tuple(range(10)), 1000),
        ((5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949), tuple(range(10)), None),  # all of MNIST
        ((5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949), (0, 1), 50_000),
        ((3, 0, 0, 0, 0, 0, 0, 0, 0, 0), (0,), None),
    ],
)
def test_the_images_a_run_trains_on_are_the_ones_the_split_gives_it(
    per_digit: tuple[int, ...], digits: tuple[int, ...], train_size: int | None
) -> None:
    assert TrainingSet(per_digit).trained_on(digits, train_size) == _split_sizes(per_digit, digits, train_size)


def test_the_estimate_and_its_sentence_follow_the_servers_training_set() -> None:
    offline = TrainingSet.from_labels(
        np.repeat(np.arange(10), [2406, 2770, 2381, 2524, 2386, 2181, 2401, 2524, 2328, 2444])
    )
    full = TrainingSet.from_labels(np.repeat(np.arange(10), [6000] * 10))
    share = FairShare(clock=FakeClock())
    here = share.quote("b", NetworkConfig(), TrainingConfig(), TRAINERS, offline)
    everywhere = share.quote("b", NetworkConfig(), TrainingConfig(), TRAINERS, full)
    assert here.images == 21_911 and everywhere.images == fair_share.FULL_TRAINING_IMAGES
    assert here.seconds == pytest.approx(everywhere.seconds * 21_911 / 55_000, rel=0.01)  # fewer images, less time
    assert "24,345 of MNIST's 60,000" in here.sentence() and "holds" not in everywhere.sentence()
    assert here.cost == everywhere.cost  # "× the default" means the same on every server
