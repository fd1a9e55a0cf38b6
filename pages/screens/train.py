"""Train page: build a network, train it live, and make it this session's model."""

import streamlit as st

from nnviz.figures.style import PLOT_CONFIG
from nnviz.figures.train import accuracy_figure, architecture_figure, loss_figure
from nnviz.lesson.glossary import explain
from nnviz.model.network import (
    ACTIVATION_LABELS,
    INITIALIZER_LABELS,
    MAX_HIDDEN_LAYERS,
    MAX_LAYER_SIZE,
    NetworkConfig,
    load_network,
    network_to_bytes,
)
from nnviz.session.plain_text import escape_markdown
from nnviz.session.settings import PRESETS, SETTINGS_BY_LINK, Experiment
from nnviz.training.config import LOSS_LABELS, MAX_EPOCHS, OPTIMIZER_LABELS
from nnviz.training.history import TrainingHistory
from pages.ui import guess, session
from pages.ui.board_widgets import join_room_panel
from pages.ui.runs import compare_panel
from pages.ui.train_form import LAYER_COUNT_KEY, commit_form, read_form, seed_form, size_key, widget_key
from pages.ui.view import chart
from pages.ui.widgets import model_badge, upload_limit_text

FORM_ONLY_PRESETS = ("default",)  # "Start over" resets the form; every other preset trains at once
PRESET_ICONS = {"lab": ":material/science:", "default": ":material/restart_alt:"}
CURVE_HEIGHT = 260  # px: both curves fit under the Train button at 1366 × 768


def _start_training() -> None:
    exp, problem = read_form()
    if problem:
        st.session_state[session.TRAIN_ERROR] = problem
        return
    commit_form(exp)
    _train(exp)


def _train(exp: Experiment) -> None:
    run = session.submit_training(exp.network, exp.training)
    history = TrainingHistory(exp.network, exp.training)
    guess.remember_curve_guess(history)
    session.start_training(run, history)


def _apply_preset(name: str) -> None:
    """A preset is a complete experiment: every setting comes from it, none from the form; most train at once."""
    exp = PRESETS[name].applied_to(session.experiment())
    session.set_experiment(exp)  # the form is re-seeded from it on this rerun
    if name not in FORM_ONLY_PRESETS:
        _train(exp)


def _load_uploaded_model() -> None:
    uploaded = st.session_state.get("train_upload")
    if uploaded is None:
        return
    try:
        network = load_network(uploaded.getvalue())
    except ValueError as exc:
        # A file name is untrusted text: escaped so it shows as typed inside the markdown message.
        st.session_state[session.UPLOAD_ERROR] = f"Could not load {escape_markdown(uploaded.name)}: {exc}"
        return
    network.label = f"Uploaded model ({uploaded.name})"
    session.set_session_network(network)


def _save_and_load() -> None:
    with st.expander("Save or load a model", icon=":material/save:"):
        network = session.active_network()
        st.download_button(
            "Download the active model",
            data=lambda: network_to_bytes(network),
            file_name="nnviz-model.npz",
            mime="application/octet-stream",
            key="train_download",
            icon=":material/download:",
            on_click="ignore",
        )
        st.file_uploader(
            "Load a model saved by nnviz (.npz)",
            key="train_upload",
            on_change=_load_uploaded_model,
            help="Only weights and sizes are read from the file, never code, so any file is safe to try.",
        )
        st.caption(upload_limit_text())
        if error := st.session_state.pop(session.UPLOAD_ERROR, None):  # next to the upload, not at the top
            st.error(error, icon=":material/error:")


def _setting(link: str) -> dict:
    """A widget's label, options and key, all from the settings table."""
    setting = SETTINGS_BY_LINK[link]
    return {"label": setting.label, "options": list(setting.options), "key": widget_key(setting)}


def _architecture_form() -> None:
    st.subheader("2 · Build the network")
    st.slider(
        SETTINGS_BY_LINK["layers"].label,
        0,
        MAX_HIDDEN_LAYERS,
        key=LAYER_COUNT_KEY,
        help=explain("hidden_layer"),
    )
    n_layers = st.session_state[LAYER_COUNT_KEY]
    if n_layers:
        for column, i in zip(st.columns(n_layers), range(1, n_layers + 1)):
            column.number_input(f"Layer {i} neurons", 1, MAX_LAYER_SIZE, key=size_key(i), step=8)
    st.segmented_control(
        **_setting("activation"),
        format_func=ACTIVATION_LABELS.get,
        help=explain("activation"),
    )
    st.selectbox(**_setting("init"), format_func=INITIALIZER_LABELS.get, help=explain("initialization"))


def _digits_form() -> None:
    # Full width: a row of ten pills does not wrap, and in a half-width column at 1280 px it hides the 9.
    st.subheader("1 · Pick the digits it learns")
    st.pills(
        SETTINGS_BY_LINK["digits"].label,
        list(range(10)),
        selection_mode="multi",
        key=widget_key(SETTINGS_BY_LINK["digits"]),
        help="The network gets one output neuron per digit you pick, and only sees training images of those digits.",
    )


def _training_form() -> None:
    st.subheader("3 · Set up the training")
    epochs = SETTINGS_BY_LINK["epochs"]
    st.slider(
        epochs.label,
        1,
        MAX_EPOCHS,
        key=widget_key(epochs),
        help=explain("epoch"),
    )
    st.select_slider(
        **_setting("lr"),
        help=explain("learning_rate"),
    )
    left, right = st.columns(2)
    left.select_slider(**_setting("batch"), help=explain("batch"))
    right.select_slider(
        **_setting("images"),
        format_func=lambda n: "all" if n is None else f"{n:,}",
        help=explain("training_data"),
    )
    st.radio(
        **_setting("optimizer"),
        format_func=OPTIMIZER_LABELS.get,
        horizontal=True,
        help=explain("optimizer"),
    )
    left, right = st.columns([3, 2])
    left.radio(
        **_setting("loss"),
        format_func=LOSS_LABELS.get,
        horizontal=True,
        help=explain("loss"),
    )
    seed = SETTINGS_BY_LINK["seed"]
    right.number_input(
        seed.label,
        0,
        2**31 - 1,
        key=widget_key(seed),
        help=explain("seed"),
    )


def _network_summary(network_config: NetworkConfig) -> None:
    chart(architecture_figure(network_config), config=PLOT_CONFIG, key="train_architecture")
    st.caption("Neurons in each layer (the bars grow on a log scale so small layers stay visible).")
    lines = [
        f"{name.replace('_', ' ')}: {n_in:,} × {n_out:,} + {n_out:,} = **{total:,}**"
        for name, n_in, n_out, total in network_config.param_terms()
    ]
    st.markdown(
        f"**{network_config.param_count:,} weights and biases to learn**\n\n" + "\n\n".join(lines),
        help=explain("parameters"),
    )


def _live_training() -> None:
    # Run as a fragment that polls the trainer while a run is going (slowly while it waits in line),
    # so the rest of the page stays still.
    history = session.training_history()
    if history is None:
        return
    if session.collect_training():
        st.rerun()  # the run has just ended: redraw the whole page, whose model badge and buttons have changed
    if session.train_poll_changed():
        st.rerun()  # e.g. queued → running: the fragment is set up again with the new poll interval
    _show_progress(history)


def _show_progress(history: TrainingHistory) -> None:
    finished = history.finished
    epochs = history.training_config.epochs
    if finished is None:
        position = history.queue_position
        run = session.training_run()
        if position:
            st.info(f"Waiting for a free trainer: you are number {position} in line.", icon=":material/hourglass:")
        elif run is not None and run.waiting_for_trainer_start:
            st.info(
                "Starting a trainer for you: the first one takes about 10 seconds to get ready.",
                icon=":material/hourglass:",
            )
        if run is not None and run.shares_training:
            st.caption("Classmates chose exactly the same settings and seed, so you all watch one shared training.")
        left = history.seconds_left
        text = f"Epoch {min(history.epochs_done + 1, epochs)} of {epochs} · {history.samples_seen:,} images seen"
        if left is not None:
            text += f" · about {left:.0f} s left"
        st.progress(history.progress, text=text)
    else:
        _show_outcome(history)
        guess.curve_outcome(history)
    # Side by side and short, so both curves show right under the Train button, above the fold.
    # Rebuilt only when the history has news: most polls find none.
    version = session.history_version(history)
    loss_col, accuracy_col = st.columns(2)
    with loss_col:
        chart(
            session.cached_figure("train_loss", version, lambda: loss_figure(history, height=CURVE_HEIGHT)),
            config=PLOT_CONFIG,
            key="train_loss_curve",
        )
        st.caption("The loss measures how wrong the network is. Gradient descent adjusts the weights to push it down.")
    with accuracy_col:
        chart(
            session.cached_figure("train_accuracy", version, lambda: accuracy_figure(history, height=CURVE_HEIGHT)),
            config=PLOT_CONFIG,
            key="train_accuracy_curve",
        )
        st.caption("After each epoch: the share of validation images (never trained on) it gets right.")


def _show_outcome(history: TrainingHistory) -> None:
    finished = history.finished
    if finished.status == "completed":
        st.success(
            f"Done! Your network gets **{finished.test_accuracy:.1%}** of the 'unseen' test images right. "
            "It is now your model on every page.",
            icon=":material/check_circle:",
        )
    elif finished.status in ("stopped", "timeout"):
        score = finished.test_accuracy
        accuracy = "" if score is None else f" It gets {score:.1%} of test images right."
        st.warning(f"{finished.message}{accuracy}", icon=":material/pause_circle:")
    else:
        st.error(finished.message, icon=":material/error:")


def _run_controls(busy: bool, problem: str | None) -> None:
    """Train and Stop, and the presets: at the top, so the live curves below them are in view.

    A wrapping row of buttons as wide as their labels: on a narrow projector the
    row breaks onto two lines instead of cutting a label short.
    """
    with st.container(horizontal=True, key="train_controls"):
        st.button(
            "Train",
            key="train_start",
            type="primary",
            icon=":material/play_arrow:",
            disabled=busy or problem is not None or guess.curve_missing(),
            on_click=_start_training,
        )
        st.button(
            "Stop",
            key="train_stop",
            icon=":material/stop:",
            disabled=not busy,
            on_click=session.stop_training,
        )
        for preset in PRESETS.values():
            st.button(
                preset.title,
                key=f"train_preset_{preset.name}",
                icon=PRESET_ICONS.get(preset.name, ":material/tune:"),
                disabled=busy or (preset.name not in FORM_ONLY_PRESETS and guess.curve_missing()),
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
session.trainer_pool().warm_up()  # start a trainer process now, so pressing Train answers at once
model_badge()

busy = session.training_in_progress()
guess.curve_question(disabled=busy)
_run_controls(busy, problem)
if error := st.session_state.pop(session.TRAIN_ERROR, None):
    st.error(error, icon=":material/error:")
trained = session.trained_settings()
if trained is not None and not busy and trained != (exp.network, exp.training):
    st.info("Settings changed — press **Train** to apply them.", icon=":material/edit:")
# Decided after the model badge has collected the trainer's news: a run that has just ended stops the polling.
st.fragment(_live_training, run_every=session.remember_train_poll())()

_digits_form()
build_col, train_col = st.columns(2, gap="large")
with build_col:
    _architecture_form()
    if problem:
        st.warning(problem, icon=":material/warning:")
    else:
        _network_summary(exp.network)
with train_col:
    _training_form()
    _save_and_load()
    join_room_panel()
compare_panel()
