"""Sharing an experiment with a room: what the teacher picked to share, and what a student opens.

A shared experiment is the network and training settings as link parameters; how the pages look
(presenter mode, guess first, the lesson step) stays each student's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from nnviz.session.settings import PRESETS, Experiment, from_query, to_query

LINK_CHOICE = "link"  # the teacher's picker entry for "the settings of a pasted link"
LINK_CHOICE_TITLE = "The settings in a link…"
LINK_TITLE = "Settings from your link"
NO_LINK = "Paste a link from the Train page first."
NOT_A_LINK = "That is not a link nnviz can read: copy the address bar of the Train page."


def share_choices() -> dict[str, str]:
    """{choice: title} of what the teacher can share: every preset, then a pasted link."""
    return {name: preset.title for name, preset in PRESETS.items()} | {LINK_CHOICE: LINK_CHOICE_TITLE}


def chosen_experiment(choice: str | None, link: str) -> tuple[Experiment | None, str, list[str]]:
    """(experiment, title, problems) for the teacher's `choice`: a preset, or the settings in the pasted `link`.

    The experiment is None (with one plain sentence) when the link choice has no link; a link's
    ignored parameters are the problems. Never raises, whatever the link holds.
    """
    if choice in PRESETS:
        return PRESETS[choice].experiment, PRESETS[choice].title, []
    link = link.strip()
    if not link:
        return None, "", [NO_LINK]
    try:
        query = urlsplit(link).query
    except ValueError:  # "http://[" (an unclosed IPv6 address) and other malformed addresses
        return None, "", [NOT_A_LINK]
    experiment, problems = from_query(dict(parse_qsl(query)), Experiment())
    return experiment, LINK_TITLE, problems


def share_query(experiment: Experiment) -> dict[str, str]:
    """The link parameters a room keeps for `experiment`: its network and training only, never the view."""
    return to_query(Experiment(experiment.network, experiment.training))


def opened_experiment(query: Mapping[str, str], current: Experiment) -> Experiment:
    """What a student gets from a shared `query`: its settings on top of the defaults, with `current`'s view."""
    experiment, _ignored = from_query(query, Experiment())
    return replace(experiment, view=current.view)
