"""Train page: build a network, train it live, and make it this session's model."""

import streamlit as st

from nnviz.export.keras_code import code_caption, keras_script
from nnviz.export.notebook import CODE_FILES
from nnviz.figures.style import PLOT_CONFIG
from nnviz.figures.train import accuracy_figure, architecture_figure, loss_figure
from nnviz.lesson.glossary import explain
from nnviz.model.network import (
    ACTIVATION_LABELS,
    INITIALIZER_LABELS,
    MAX_HIDDEN_LAYERS,
    MAX_LAYER_SIZE,
    network_to_bytes,
)
from nnviz.session.form import LAYER_COUNT_KEY, size_key, widget_key
from nnviz.session.settings import PRESETS, SETTINGS_BY_LINK, Experiment
from nnviz.session.state import training
from nnviz.session.state.experiment import ExperimentState, with_experiment
from nnviz.session.state.training import TrainingState
from nnviz.training.config import LOSS_LABELS, MAX_EPOCHS, OPTIMIZER_LABELS
from nnviz.training.progress import SHARED_TRAINING, outcome, parameter_arithmetic, progress_text, waiting_sentence
from pages.ui import guess
from pages.ui import training as session_training
from pages.ui.board_widgets import join_room_panel
from pages.ui.resources import trainer_pool
from pages.ui.runs import compare_panel
from pages.ui.state import load, save, widget_value
from pages.ui.train_form import commit_form, read_form, seed_form
from pages.ui.view import chart
from pages.ui.widgets import model_badge, upload_limit_text

FORM_ONLY_PRESETS = ("default",)  # "Start over" resets the form; every other preset trains at once
PRESET_ICONS = {"lab": ":material/science:", "default": ":material/restart_alt:"}
CURVE_HEIGHT = 260  # px: both curves fit under the Train button at 1366 × 768
ALERTS = {"success": (st.success, ":material/check_circle:"), "warning": (st.warning, ":material/pause_circle:")}


def _train(exp: Experiment) -> None:
    if (history := session_training.start(exp)) is not None:  # None: refused, the reason is the train error
        guess.remember_curve_guess(history)


def _start_training() -> None:
    exp, problem = read_form()
    if problem:
        save(training.with_train_error(load(TrainingState), problem))
    else:
        commit_form(exp)
        _train(exp)


def _apply_preset(name: str) -> None:
    """A preset is a complete experiment: every setting comes from it, none from the form; most train at once."""
    state = load(ExperimentState)
    exp = PRESETS[name].applied_to(state.experiment)
    save(with_experiment(state, exp))  # the form is re-seeded from it on this rerun
    if name not in FORM_ONLY_PRESETS:
        _train(exp)


def _load_uploaded_model() -> None:
    if (uploaded := widget_value("train_upload")) is not None:
        save(training.with_uploaded_model(load(TrainingState), uploaded.name, uploaded.getvalue()))


def _save_and_load() -> None:
    with st.expander("Save or load a model", icon=":material/save:"):
        network = session_training.active_network()
        download = {"file_name": "nnviz-model.npz", "mime": "application/octet-stream", "on_click": "ignore"}
        st.download_button(
            "Download the active model", lambda: network_to_bytes(network), key="train_download", **download
        )
        upload = {"key": "train_upload", "on_change": _load_uploaded_model, "help": explain("model_file")}
        st.file_uploader("Load a model saved by nnviz (.npz)", **upload)
        st.caption(upload_limit_text())
        state, error = training.take_upload_error(load(TrainingState))
        save(state)
        if error:  # next to the upload, not at the top
            st.error(error, icon=":material/error:")


def _keras_code(exp: Experiment) -> None:
    with st.expander("Keras code", icon=":material/code:"):
        st.caption(code_caption(exp))
        st.code(keras_script(exp), language="python")
        for label, name, key, text in CODE_FILES:
            st.download_button(label, lambda text=text: text(exp), file_name=name, key=key, on_click="ignore")


def _setting(link: str, term: str, **kwargs) -> dict:
    """A widget's label, key and options (if it has some) from the settings table, its help from the glossary."""
    setting = SETTINGS_BY_LINK[link]
    options = {"options": list(setting.options)} if setting.options else {}
    return {"label": setting.label, "key": widget_key(setting), "help": explain(term)} | options | kwargs


def _form(exp: Experiment, problem: str | None) -> None:
    # Digits full width: a row of ten pills does not wrap, and in a half-width column at 1280 px it hides the 9.
    st.subheader("1 · Pick the digits it learns")
    st.pills(**_setting("digits", "digits_choice", options=list(range(10)), selection_mode="multi"))
    build_col, train_col = st.columns(2, gap="large")
    with build_col:
        st.subheader("2 · Build the network")
        st.slider(**_setting("layers", "hidden_layer", min_value=0, max_value=MAX_HIDDEN_LAYERS))
        if n_layers := widget_value(LAYER_COUNT_KEY):
            for column, i in zip(st.columns(n_layers), range(1, n_layers + 1)):
                column.number_input(f"Layer {i} neurons", 1, MAX_LAYER_SIZE, key=size_key(i), step=8)
        st.segmented_control(**_setting("activation", "activation", format_func=ACTIVATION_LABELS.get))
        st.selectbox(**_setting("init", "initialization", format_func=INITIALIZER_LABELS.get))
        if problem:
            st.warning(problem, icon=":material/warning:")
        else:
            chart(architecture_figure(exp.network), config=PLOT_CONFIG, key="train_architecture")
            st.caption("Neurons in each layer (the bars grow on a log scale so small layers stay visible).")
            st.markdown(parameter_arithmetic(exp.network), help=explain("parameters"))
    with train_col:
        st.subheader("3 · Set up the training")
        st.slider(**_setting("epochs", "epoch", min_value=1, max_value=MAX_EPOCHS))
        st.select_slider(**_setting("lr", "learning_rate"))
        left, right = st.columns(2)
        left.select_slider(**_setting("batch", "batch"))
        right.select_slider(
            **_setting("images", "training_data", format_func=lambda n: "all" if n is None else f"{n:,}")
        )
        st.radio(**_setting("optimizer", "optimizer", format_func=OPTIMIZER_LABELS.get, horizontal=True))
        left, right = st.columns([3, 2])
        left.radio(**_setting("loss", "loss", format_func=LOSS_LABELS.get, horizontal=True))
        right.number_input(**_setting("seed", "seed", min_value=0, max_value=2**31 - 1))
        _save_and_load()
        join_room_panel()
    if not problem:  # full width: a line of code needs it
        _keras_code(exp)


def _live_training() -> None:
    # A fragment that polls the trainer while a run is going (slowly while in line): the rest of the page stays still.
    session_training.collect()  # a run that ends is adopted and shown here; the whole page is redrawn soon after
    session_training.redraw_when_due()
    if (state := load(TrainingState)).history is None:
        return
    if state.in_progress and training.poll_changed(state):
        st.rerun()  # e.g. queued → running: the fragment is set up again with the new poll interval
    history, run = state.history, state.run
    if history.finished is None:
        waiting = waiting_sentence(history.queue_position, run is not None and run.waiting_for_trainer_start)
        if waiting:
            st.info(waiting, icon=":material/hourglass:")
        if run is not None and run.shares_training:
            st.caption(SHARED_TRAINING)
        st.progress(history.progress, text=progress_text(history))
    else:
        tone, sentence = outcome(history)
        show, icon = ALERTS.get(tone, (st.error, ":material/error:"))
        show(sentence, icon=icon)
        guess.curve_outcome(history)
    # Side by side and short, so both curves show right under the Train button, above the fold.
    # Rebuilt only when the history has news: most polls find none.
    version = training.history_version(history)
    state, loss = training.cached_figure(state, "loss", version, lambda: loss_figure(history, height=CURVE_HEIGHT))
    state, accuracy = training.cached_figure(
        state, "accuracy", version, lambda: accuracy_figure(history, height=CURVE_HEIGHT)
    )
    save(state)
    loss_col, accuracy_col = st.columns(2)
    with loss_col:
        chart(loss, config=PLOT_CONFIG, key="train_loss_curve")
        st.caption("The loss measures how wrong the network is. Gradient descent adjusts the weights to push it down.")
    with accuracy_col:
        chart(accuracy, config=PLOT_CONFIG, key="train_accuracy_curve")
        st.caption("After each epoch: the share of validation images (never trained on) it gets right.")


def _run_controls(busy: bool, problem: str | None) -> None:
    """Train and Stop, and the presets: at the top, so the live curves below are in view. A wrapping row of
    buttons as wide as their labels: on a narrow projector it breaks onto two lines instead of cutting a label."""
    with st.container(horizontal=True, key="train_controls"):
        no_guess = guess.curve_missing()
        start = {"type": "primary", "icon": ":material/play_arrow:", "on_click": _start_training}
        st.button("Train", key="train_start", disabled=busy or problem is not None or no_guess, **start)
        st.button("Stop", key="train_stop", icon=":material/stop:", disabled=not busy, on_click=session_training.stop)
        for preset in PRESETS.values():
            st.button(
                preset.title,
                key=f"train_preset_{preset.name}",
                icon=PRESET_ICONS.get(preset.name, ":material/tune:"),
                disabled=busy or (preset.name not in FORM_ONLY_PRESETS and no_guess),
                on_click=_apply_preset,
                args=(preset.name,),
                help=preset.description,
            )


seed_form()
exp, problem = read_form()
if problem is None:
    commit_form(exp)  # every valid change of a widget becomes the session's experiment (and the link)
st.title("Train your own network")
st.caption(
    "Choose the shape of the network and how to train it, press **Train**, and watch gradient descent "
    "lower the loss. Your network then reads your drawings on every page."
)
trainer_pool().warm_up()  # start a trainer process now, so pressing Train answers at once
model_badge()

busy = load(TrainingState).in_progress
guess.curve_question(disabled=busy)
_run_controls(busy, problem)
trained, error = training.take_train_error(load(TrainingState))
if error:
    st.error(error, icon=":material/error:")
elif problem is None and not busy:  # what the run would cost, before the press
    st.caption(session_training.quote(exp).sentence())
if training.settings_changed(trained, exp):
    st.info("Settings changed — press **Train** to apply them.", icon=":material/edit:")
# Decided after the model badge has collected the trainer's news: a run that has just ended stops the polling.
save(trained := training.with_poll_set_up(trained))
st.fragment(_live_training, run_every=trained.poll_interval)()
_form(exp, problem)
compare_panel()
