"""The Learn page's shared pieces: its widget keys, its state, the test batch, and the experiments' tabs.

The experiments (starting weights, more data) run in the trainer pool once per server and
configuration: their jobs live in one `ExperimentRegistry` shared by every session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import numpy as np
import streamlit as st

from nnviz.explain.loss_reading import evaluation_batch
from nnviz.figures.learn import activation_histogram_figure, curves_figure, tile_rows_figure
from nnviz.figures.style import PLOT_CONFIG
from nnviz.lesson import learn_words as words
from nnviz.lesson.glossary import explain
from nnviz.model.mnist import DataUnavailableError
from nnviz.model.network import Network, NetworkConfig
from nnviz.session.state.learn import LearnState
from nnviz.training import learn_experiments as lab
from nnviz.training.experiment_job import ExperimentJob, ExperimentRegistry
from nnviz.training.experiment_results import read_starting_weights, what_happened, zero_tiles_sentence
from pages.ui import links, resources, state
from pages.ui.model_results import model_result
from pages.ui.view import chart

TABS_KEY = links.tab_key("learn")  # widget key of the tabs (AppTests open a tab with it)
TRUE_DIGIT_KEY = "learn_true_digit"  # widget key of the true-digit picker
RATE_KEY = "learn_learning_rate"  # widget key of η for one step
T = TypeVar("T")
START = {"icon": ":material/play_arrow:", "type": "primary", "help": explain("class_experiment")}  # its start button
EXPERIMENT_POLL_S = 1.0  # how often a running experiment's results are redrawn (the polling part only)


def show(figure, key: str, **kwargs) -> None:
    """A Learn-page figure, drawn as every other nnviz figure is."""
    chart(figure, config=PLOT_CONFIG, theme=None, key=key, **kwargs)


def metrics(rows: list[words.Metric]) -> None:
    """One st.metric per (label, value, glossary term or None), side by side."""
    for column, (label, value, term) in zip(st.columns(len(rows)), rows):
        column.metric(label, value, help=None if term is None else explain(term))


def change(transition: Callable[..., LearnState], *args) -> None:
    """Apply `transition(learn state, *args)` to the session's Learn state (also as a widget callback)."""
    state.save(transition(state.load(LearnState), *args))


def once(kind: str, model_id: str, network: Network, compute: Callable[[Network], T]) -> T:
    """`compute(network)`, computed once per (kind, model) and kept (see `model_result`)."""
    return model_result(kind, model_id, 0, network, lambda net, _: compute(net))


@st.cache_resource(show_spinner=False, max_entries=16)
def _evaluation_batch(digits: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    return evaluation_batch(*resources.test_digits(), digits)


def evaluation(digits: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray] | None:
    """The fixed 1,000 test digits of `digits` (x, output indices), shared by all sessions; None (said) without them."""
    try:
        return _evaluation_batch(tuple(digits))  # an exception is never cached: a missing folder is looked for again
    except DataUnavailableError as exc:
        st.warning(f"The MNIST test digits are not available, so this part cannot be measured. {exc}")
        return None


@st.cache_resource(show_spinner=False)
def experiments() -> ExperimentRegistry:
    """The server's experiment jobs: a class pressing the same button costs one run."""
    return ExperimentRegistry()


def _start(plan: lab.Plan, network_config: NetworkConfig) -> None:
    # The server owns this run, not one tab: it is never taken for abandoned (its time limit still holds).
    submit = partial(resources.trainer_pool().submit, network_config, plan.training, experiment=plan.experiment)
    experiments().start(plan.experiment, network_config, plan.parts, partial(submit, still_connected=lambda: True))


def _experiment_tab(plan: lab.Plan, config: NetworkConfig, label: str, key: str, results: Callable) -> None:
    """A button that starts the experiment once for the server, and `results(job)` once there are any.

    The button is off while the job runs and once it succeeded: a second click would only start the same runs.
    While it runs, only the results are redrawn, every EXPERIMENT_POLL_S seconds.
    """
    job = experiments().job(plan.experiment, config)
    busy = job is not None and (job.running or job.succeeded)
    st.button(label, key=key, disabled=busy, on_click=_start, args=(plan, config), **START)

    def progress() -> None:
        job = experiments().job(plan.experiment, config)
        if job.running:
            st.progress(job.progress, text=f"Training in the trainer… {len(job.results)} of {job.parts} runs done.")
        elif not job.succeeded:
            st.warning(f"The experiment did not finish: {job.finished.message}", icon=":material/warning:")
        if job.results:
            results(job)

    if job is not None:
        st.fragment(progress, run_every=EXPERIMENT_POLL_S if job.running else None)()


def _starting_weights_results(job: ExperimentJob, config: NetworkConfig) -> None:
    reading = read_starting_weights(job.results)
    show(curves_figure(reading.curves(), "epoch", "training loss", log_y=True), "learn_init_curves")
    st.caption(words.starting_curves(config, lab.STARTING_TRAINING, what_happened(reading, config)))
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
    label, draw = "Train one network per starting choice", lambda job: _starting_weights_results(job, config)
    _experiment_tab(lab.STARTING_PLAN, config, label, "learn_start_experiment", draw)


def _data_size_results(job: ExperimentJob) -> None:
    table, spread = lab.accuracy_by_method(job.results), lab.accuracy_spread(job.results)
    axes = ("training images (log scale)", "accuracy on 2,000 test digits")
    show(curves_figure(table, *axes, log_x=True, percent_y=True, spread=spread), "learn_data_sizes")
    st.caption(words.DATA_SIZES)
    if not job.running and (sentence := lab.data_size_sentence(job.results)):
        st.markdown(f"**What happened:** {sentence}")


def data_size_tab() -> None:
    st.markdown(words.DATA_INTRO)
    label = "Compare on 100 … all training images"
    _experiment_tab(lab.DATA_SIZES_PLAN, NetworkConfig(), label, "learn_data_experiment", _data_size_results)
