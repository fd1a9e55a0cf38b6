"""The Learn page's shared pieces: its widget keys, its state, the test batch, and the experiments' tabs.

The experiments (starting weights, more data) run in the trainer pool once per server and
configuration: their jobs live in one `ExperimentRegistry` shared by every session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import streamlit as st

from nnviz.explain.loss_reading import evaluation_batch
from nnviz.figures.learn import activation_histogram_figure, curves_figure, tile_rows_figure
from nnviz.figures.style import PLOT_CONFIG
from nnviz.lesson import learn_words as words
from nnviz.lesson.glossary import explain
from nnviz.model.mnist import DataUnavailableError
from nnviz.model.network import INITIALIZERS, NetworkConfig
from nnviz.session.state.learn import LearnState
from nnviz.training import learn_experiments as lab
from nnviz.training.config import TrainingConfig
from nnviz.training.experiment_job import ExperimentJob, ExperimentRegistry
from nnviz.training.experiment_results import read_starting_weights, zero_tiles_sentence
from pages.ui import session, state
from pages.ui.view import chart

TABS_KEY = "learn_tabs"  # widget key of the tabs: only the open tab is computed
TRUE_DIGIT_KEY = "learn_true_digit"  # widget key of the true-digit picker
RATE_KEY = "learn_learning_rate"  # widget key of η for one step
EXPERIMENT_POLL_S = 1.0  # how often a running experiment's results are redrawn (the polling part only)


def show(figure, key: str, **kwargs) -> None:
    """A Learn-page figure, drawn as every other nnviz figure is."""
    chart(figure, config=PLOT_CONFIG, theme=None, key=key, **kwargs)


def change(transition: Callable[..., LearnState], *args) -> None:
    """Apply `transition(learn state, *args)` to the session's Learn state (also as a widget callback)."""
    state.save(transition(state.load(LearnState), *args))


def forget_step_error() -> str | None:
    """Why the last step was not taken (once: it is forgotten when read), or None."""
    learn = state.load(LearnState)
    if learn.step_error is not None:
        state.save(replace(learn, step_error=None))
    return learn.step_error


@st.cache_resource(show_spinner=False, max_entries=16)
def _evaluation_batch(digits: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    return evaluation_batch(*session.test_digits(), digits)


def evaluation(digits: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray] | None:
    """The fixed 1,000 test digits of `digits` (x, output indices), shared by all sessions; None (said) without them."""
    try:
        session.test_digits()  # raises (uncached) while the data is missing
        return _evaluation_batch(tuple(digits))
    except DataUnavailableError as exc:
        st.warning(f"The MNIST test digits are not available, so this part cannot be measured. {exc}")
        return None


@st.cache_resource(show_spinner=False)
def experiments() -> ExperimentRegistry:
    """The server's experiment jobs: a class pressing the same button costs one run."""
    return ExperimentRegistry()


def _always_connected() -> bool:
    return True


def _start(experiment: str, network_config: NetworkConfig, training_config: TrainingConfig, parts: int) -> None:
    # The server owns this run, not one tab: it is never taken for abandoned (its time limit still holds).
    def submit():
        return session.trainer_pool().submit(
            network_config, training_config, experiment=experiment, still_connected=_always_connected
        )

    experiments().start(experiment, network_config, parts, submit)


def _experiment(experiment: str, config: NetworkConfig, training: TrainingConfig, parts: int, label: str, key: str):
    """A button that starts `experiment` in the trainer pool; off while it runs and once it succeeded."""
    job = experiments().job(experiment, config)
    st.button(
        label,
        key=key,
        icon=":material/play_arrow:",
        type="primary",
        disabled=job is not None and (job.running or job.succeeded),
        on_click=_start,
        args=(experiment, config, training, parts),
        help=explain("class_experiment"),
    )
    return job


def _status(job: ExperimentJob | None, what: str) -> bool:
    """Say how the job is doing; True if it has results to show."""
    if job is not None and job.running:
        st.progress(job.progress, text=f"Training {what} in the trainer… {len(job.results)} of {job.parts} done.")
    elif job is not None and not job.succeeded:
        st.warning(f"The experiment did not finish: {job.finished.message}", icon=":material/warning:")
    return job is not None and bool(job.results)


def _poll_while_running(job: ExperimentJob | None, draw: Callable[[], None]) -> None:
    """Draw the results; while the experiment runs, redraw them every EXPERIMENT_POLL_S seconds (only this part)."""
    st.fragment(draw, run_every=EXPERIMENT_POLL_S if job is not None and job.running else None)()


def _starting_weights_results(config: NetworkConfig) -> None:
    job = experiments().job(lab.STARTING_WEIGHTS, config)
    if not _status(job, "one network per starting choice"):
        return
    reading = read_starting_weights(job.results)
    show(curves_figure(reading.curves(), "epoch", "training loss", log_y=True), "learn_init_curves")
    st.caption(words.starting_curves(config, lab.STARTING_TRAINING))
    tiles_col, hist_col = st.columns(2, gap="medium")
    if rows := reading.tile_rows():
        with tiles_col:
            st.markdown("**Why all zeros fails:** first-layer neurons after training")
            show(tile_rows_figure(rows, height=90 * len(rows) + 20), "learn_zero_tiles")
            st.caption(zero_tiles_sentence(rows))
    if shown := reading.start_activations():
        with hist_col:
            st.markdown("**Why too large fails:** the hidden neurons at the start")
            show(activation_histogram_figure(shown, config.activation), "learn_start_histogram")
            st.caption(words.START_HISTOGRAM)


def starting_weights_tab(config: NetworkConfig) -> None:
    st.markdown(words.START_INTRO)
    label, parts = "Train one network per starting choice", len(INITIALIZERS)
    job = _experiment(lab.STARTING_WEIGHTS, config, lab.STARTING_TRAINING, parts, label, "learn_start_experiment")
    _poll_while_running(job, lambda: _starting_weights_results(config))


def _data_size_results() -> None:
    job = experiments().job(lab.DATA_SIZES, NetworkConfig())
    if not _status(job, "three methods on six training-set sizes"):
        return
    table = lab.accuracy_by_method(job.results)
    axes = ("training images (log scale)", "accuracy on 2,000 test digits")
    show(curves_figure(table, *axes, log_x=True, percent_y=True), "learn_data_sizes")
    st.caption(words.DATA_SIZES)
    if not job.running and (sentence := lab.data_size_sentence(table)):
        st.markdown(f"**What happened:** {sentence}")


def data_size_tab() -> None:
    st.markdown(words.DATA_INTRO)
    parts, label = len(lab.TRAINING_SIZES) * len(lab.METHODS), "Compare on 100 … all training images"
    job = _experiment(lab.DATA_SIZES, NetworkConfig(), TrainingConfig(), parts, label, "learn_data_experiment")
    _poll_while_running(job, _data_size_results)
