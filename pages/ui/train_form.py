"""The Train form's widgets, seeded from and read back into the session's experiment (nnviz.session.form).

Streamlit forgets a widget's value when its page is not shown, so the experiment is kept as its
own concern and the widgets are re-seeded from it when the student comes back.
"""

from __future__ import annotations

from dataclasses import replace

from nnviz.session.form import experiment_from_form, form_values
from nnviz.session.settings import Experiment
from nnviz.session.state.experiment import ExperimentState, with_experiment
from nnviz.session.state.training import TrainingState
from pages.ui.state import load, save, set_widget_value, widget_value

_UNSET = object()


def seed_form() -> None:
    """Give the form's widgets their values from the session's experiment; call before drawing them.

    Widgets Streamlit has forgotten (after a page switch) are seeded; all of them are
    when the experiment was changed outside the form (a preset, a link, a lesson, a kept run).
    """
    exp, training = load(ExperimentState).experiment, load(TrainingState)
    changed_elsewhere = training.form_experiment != exp
    for key, value in form_values(exp).items():
        if changed_elsewhere or widget_value(key, _UNSET) is _UNSET:
            set_widget_value(key, value)
    save(replace(training, form_experiment=exp))


def read_form() -> tuple[Experiment, str | None]:
    """The experiment the widgets describe now, and validate()'s plain message if it is not valid.

    Safe in callbacks (they see the widgets' new values). The view is kept from the session's experiment.
    """
    exp = load(ExperimentState).experiment
    return experiment_from_form(exp, {key: widget_value(key, value) for key, value in form_values(exp).items()})


def commit_form(exp: Experiment) -> None:
    """Make `exp` (read from the form, valid) the session's experiment, without re-seeding the widgets."""
    save(with_experiment(load(ExperimentState), exp))
    save(replace(load(TrainingState), form_experiment=exp))
