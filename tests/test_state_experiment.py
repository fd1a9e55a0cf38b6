"""The session's experiment concern: the link is read once, its problems are shown once, the view changes alone."""

from __future__ import annotations

import pytest

from nnviz.session.settings import Experiment, ViewConfig, to_query
from nnviz.session.state.experiment import (
    ExperimentState,
    keeping_view,
    read_link,
    take_link_problems,
    with_experiment,
    with_view,
)


def test_a_new_session_has_the_default_experiment_and_has_not_read_its_link() -> None:
    state = ExperimentState()
    assert state.experiment == Experiment()
    assert not state.link_read
    assert state.link_problems == ()


def test_the_link_is_read_on_the_first_call_only() -> None:
    first = read_link(ExperimentState(), {"epochs": "7", "lr": "0.1"})
    assert first.link_read
    assert to_query(first.experiment) == {"epochs": "7", "lr": "0.1"}
    assert first.link_problems == ()
    # A later run of the same session keeps what the student changed since, whatever the link says.
    changed = with_experiment(first, Experiment())
    assert read_link(changed, {"epochs": "3"}) is changed


def test_ignored_link_parameters_are_told_once() -> None:
    state = read_link(ExperimentState(), {"epochs": "500", "colour": "red"})
    assert state.experiment == Experiment()
    assert len(state.link_problems) == 2
    assert any("epochs=500" in sentence for sentence in state.link_problems)
    after, problems = take_link_problems(state)
    assert problems == state.link_problems
    assert take_link_problems(after)[1] == ()


def test_with_view_changes_only_the_view_and_refuses_a_bad_value() -> None:
    state = read_link(ExperimentState(), {"epochs": "7"})
    shown = with_view(state, presenter=True, lesson_step=4)
    assert shown.view == ViewConfig(presenter=True, lesson_step=4)
    assert shown.experiment.training == state.experiment.training
    with pytest.raises(ValueError, match="lesson step"):
        with_view(state, lesson_step=0)


def test_keeping_view_takes_the_settings_but_not_how_the_pages_look() -> None:
    state = with_view(ExperimentState(), presenter=True)
    other = read_link(ExperimentState(), {"epochs": "9", "guess": "on"}).experiment
    assert other.view.guess_first
    kept = keeping_view(state, other)
    assert kept.experiment.training.epochs == 9
    assert kept.view == state.view
