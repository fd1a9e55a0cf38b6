"""The session's experiment: what the Train form shows and the address bar holds, read from the link once.

`ExperimentState` lives outside widget keys, so it outlives a page switch. The link is read on a
session's first run only (a reload is a new session, so it reads the link again); the sentences
about the link parameters that were ignored are shown once and then forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from nnviz.session.settings import Experiment, ViewConfig, from_query


@dataclass(frozen=True)
class ExperimentState:
    """experiment: the current settings. link_read: True once this session took its link.

    link_problems: one plain sentence per ignored link parameter, not yet shown.
    """

    experiment: Experiment = field(default_factory=Experiment)
    link_read: bool = False
    link_problems: tuple[str, ...] = ()

    @property
    def view(self) -> ViewConfig:
        return self.experiment.view


def read_link(state: ExperimentState, experiment_params: Mapping[str, str]) -> ExperimentState:
    """On the first call, the experiment the link describes (with its problems); afterwards `state` unchanged.

    experiment_params: the link's parameters without those that belong to a page (room, tab, step):
    every name left is read as a setting, and an unknown one is reported as ignored.
    """
    if state.link_read:
        return state
    exp, problems = from_query(experiment_params)
    return ExperimentState(experiment=exp, link_read=True, link_problems=tuple(problems))


def take_link_problems(state: ExperimentState) -> tuple[ExperimentState, tuple[str, ...]]:
    """The sentences on ignored link parameters, once: the returned state has forgotten them."""
    return replace(state, link_problems=()), state.link_problems


def with_link_problems(state: ExperimentState, problems: Sequence[str]) -> ExperimentState:
    """`state` with more sentences about ignored link parts (e.g. a tab the page lacks) to show once."""
    return replace(state, link_problems=state.link_problems + tuple(problems)) if problems else state


def with_experiment(state: ExperimentState, exp: Experiment) -> ExperimentState:
    """`state` holding `exp` as the current experiment (its view included)."""
    return replace(state, experiment=exp)


def with_view(state: ExperimentState, **changes: object) -> ExperimentState:
    """`state` with view settings changed (presenter=..., guess_first=..., lesson_step=...).

    Raises ValueError with a plain reason for a value the view refuses.
    """
    exp = state.experiment
    return with_experiment(state, replace(exp, view=replace(exp.view, **changes).validate()))


def keeping_view(state: ExperimentState, exp: Experiment) -> ExperimentState:
    """`state` holding `exp`'s network and training but keeping how the pages look (its current view)."""
    return with_experiment(state, replace(exp, view=state.experiment.view))
