"""The address: page, tab and experiment in one link, built and read back; junk links give sentences, never errors."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.session.address import (
    PAGE_FILES,
    TABS,
    Address,
    Place,
    parse,
    query,
    tab_label,
    tab_slug,
    to_url,
)
from nnviz.session.settings import PRESETS, SETTINGS_BY_LINK, Experiment, ViewConfig


def read_back(url: str) -> tuple[Address, list[str]]:
    parts = urlsplit(url)
    return parse(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)))


def every_place() -> list[Place]:
    return [Place(page) for page in PAGE_FILES] + [Place(page, tab.slug) for page, tabs in TABS.items() for tab in tabs]


@pytest.mark.parametrize("place", every_place(), ids=str)
def test_every_place_round_trips_with_an_experiment(place: Place) -> None:
    lab = PRESETS["lab"].experiment
    experiment = lab.__class__(lab.network, lab.training, ViewConfig(guess_first=True, lesson_step=7))
    address = Address(place, experiment)
    assert read_back(to_url(address)) == (address, [])


def test_the_link_is_the_path_the_tab_first_then_only_the_changed_settings() -> None:
    exp = SETTINGS_BY_LINK["lr"].with_value(Experiment(), 3.0)
    assert to_url(Address(Place("learn", "descent"), exp)) == "/learn?tab=descent&lr=3"
    assert to_url(Address(Place("draw"))) == "/draw"
    assert query(Address(Place("network", "features"))) == {"tab": "features"}


def test_the_default_page_is_reached_by_slash_and_by_its_name() -> None:
    assert read_back("/")[0].place == read_back("/draw")[0].place == Place("draw")
    assert read_back("/Learn/?tab=Descent")[0].place == Place("learn", "descent")


def test_slugs_and_labels_map_both_ways_and_are_unique_per_page() -> None:
    for page, tabs in TABS.items():
        assert len({tab.slug for tab in tabs}) == len({tab.label for tab in tabs}) == len(tabs)
        for tab in tabs:
            assert tab_label(page, tab.slug) == tab.label and tab_slug(page, tab.label) == tab.slug
    assert tab_label("draw", "loss") is None and tab_slug("learn", "no such label") is None


def test_a_place_that_does_not_exist_is_refused_in_code() -> None:
    with pytest.raises(ValueError, match="no page"):
        Place("settings")
    with pytest.raises(ValueError, match="no tab"):
        Place("draw", "loss")


@pytest.mark.parametrize(
    ("url", "place", "words"),
    [
        ("/nowhere?lr=3", Place("draw"), "Ignored the page nowhere"),
        ("/learn?tab=weights2", Place("learn"), "Ignored tab=weights2: the tabs are loss, descent"),
        ("/draw?tab=loss", Place("draw"), "this page has no tabs"),
        ("/train?epochs=500", Place("train"), "Ignored epochs=500"),
    ],
)
def test_junk_in_a_link_is_ignored_with_a_plain_sentence(url: str, place: Place, words: str) -> None:
    address, problems = read_back(url)
    assert address.place == place
    assert len(problems) == 1 and words in problems[0]


def test_room_and_tab_are_not_read_as_settings() -> None:
    address, problems = read_back("/board?room=K7QM")
    assert problems == [] and address == Address(Place("board"))


text = st.text(max_size=80)


@settings(max_examples=300, deadline=None)
@given(path=text, params=st.dictionaries(st.sampled_from(["tab", "lr", "step", "layers", "room"]) | text, text))
def test_any_link_gives_an_address_and_sentences_never_an_exception(path: str, params: dict[str, str]) -> None:
    address, problems = parse(path, params)
    assert address.place.page in PAGE_FILES
    assert all(isinstance(p, str) and p.endswith(".") for p in problems)
    address.experiment.validate()
    again, _ = read_back(to_url(address))  # whatever was kept, the link it makes reads back the same
    assert again == address
