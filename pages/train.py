"""Train page: build a network, train it live, and make it this session's model."""

import streamlit as st

from nnviz.figures_train import accuracy_figure, architecture_figure, loss_figure
from nnviz.network import (
    ACTIVATION_LABELS,
    INITIALIZER_LABELS,
    MAX_HIDDEN_LAYERS,
    MAX_LAYER_SIZE,
    NetworkConfig,
    load_network,
    network_to_bytes,
)
from nnviz.settings import SETTINGS
from nnviz.training_config import (
    BATCH_SIZE_OPTIONS,
    LEARNING_RATE_OPTIONS,
    LOSS_LABELS,
    MAX_EPOCHS,
    OPTIMIZER_LABELS,
    TRAIN_SIZE_OPTIONS,
    TrainingConfig,
)
from nnviz.training_history import TrainingHistory
from nnviz.url_settings import parse_training_link
from pages import _session as session
from pages._board_widgets import join_room_panel
from pages._runs import compare_panel
from pages._widgets import model_badge

PLOT_CONFIG = {"displayModeBar": False}
DEFAULT_SIZES = (128, 64, 32, 16)
INITIALIZER_HELP = (
    "How the weights start before any learning. All zeros: every neuron starts identical and they never "
    "become different. Small random: tiny random numbers. Glorot and He: random numbers scaled to the "
    "layer's size, the usual choice (He suits ReLU). Too large: so big that neurons saturate or explode."
)
WIDGET_DEFAULTS = {
    "train_layers": 2,
    **{f"train_size_{i}": size for i, size in enumerate(DEFAULT_SIZES, start=1)},
    "train_activation": "relu",
    "train_init": "glorot",
    "train_digits": list(range(10)),
    "train_epochs": TrainingConfig.epochs,
    "train_batch": TrainingConfig.batch_size,
    "train_lr": TrainingConfig.learning_rate,
    "train_optimizer": "adam",
    "train_loss": "crossentropy",
    "train_images": None,
    "train_seed": 0,
}


LINK_TO_WIDGET = {
    "activation": "train_activation",
    "init": "train_init",
    "digits": "train_digits",
    "epochs": "train_epochs",
    "lr": "train_lr",
    "batch": "train_batch",
    "images": "train_images",
    "optimizer": "train_optimizer",
    "loss": "train_loss",
    "seed": "train_seed",
}


def _init_widgets() -> None:
    # Widget values live under these keys so presets can set them; seeded once per session,
    # from the link's settings (e.g. /train?preset=lab) where it has any.
    first_visit = "train_layers" not in st.session_state
    for key, value in WIDGET_DEFAULTS.items():
        st.session_state.setdefault(key, value)
    if first_visit and st.query_params:
        settings, problems = parse_training_link(st.query_params.to_dict())
        for name, value in settings.items():
            if name == "layers":
                st.session_state["train_layers"] = len(value)
                for i, size in enumerate(value, start=1):
                    st.session_state[f"train_size_{i}"] = size
            else:
                st.session_state[LINK_TO_WIDGET[name]] = value
        if problems:
            st.session_state[session.LINK_PROBLEMS] = "Some settings in the link were ignored. " + " ".join(problems)


def _show_requested_experiment() -> None:
    """An experiment opened elsewhere (the teacher's shared one) replaces what the widgets show."""
    experiment = session.take_requested_experiment()
    if experiment is None:
        return
    st.session_state["train_layers"] = len(experiment.network.hidden_sizes)
    for i, size in enumerate(experiment.network.hidden_sizes, start=1):
        st.session_state[f"train_size_{i}"] = size
    for setting in SETTINGS:
        if setting.link in LINK_TO_WIDGET:
            value = setting.get(experiment)
            st.session_state[LINK_TO_WIDGET[setting.link]] = list(value) if isinstance(value, tuple) else value


def _settings() -> tuple[NetworkConfig, TrainingConfig]:
    """The configurations the widgets describe right now (not yet validated)."""
    state = st.session_state
    n_layers = state["train_layers"]
    network_config = NetworkConfig(
        hidden_sizes=tuple(state[f"train_size_{i}"] for i in range(1, n_layers + 1)),
        activation=state["train_activation"],
        initializer=state["train_init"],
        digits=tuple(sorted(state["train_digits"] or ())),
    )
    training_config = TrainingConfig(
        epochs=state["train_epochs"],
        batch_size=state["train_batch"],
        learning_rate=state["train_lr"],
        optimizer=state["train_optimizer"],
        loss=state["train_loss"],
        train_size=state["train_images"],
        seed=state["train_seed"],
    )
    return network_config, training_config


def _start_training() -> None:
    network_config, training_config = _settings()
    try:
        network_config.validate()
        training_config.validate()
    except ValueError as exc:
        st.session_state[session.TRAIN_ERROR] = str(exc)
        return
    run = session.trainer_pool().submit(network_config, training_config)
    session.start_training(run, TrainingHistory(network_config, training_config))


def _lab_example() -> None:
    """The lab's example: a network that only tells 7, 8 and 9 apart, trained at once."""
    st.session_state["train_digits"] = [7, 8, 9]
    _start_training()


def _load_uploaded_model() -> None:
    uploaded = st.session_state.get("train_upload")
    if uploaded is None:
        return
    try:
        network = load_network(uploaded.getvalue())
    except ValueError as exc:
        st.session_state[session.TRAIN_ERROR] = f"Could not load {uploaded.name}: {exc}"
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


def _architecture_form() -> None:
    st.subheader("1 · Build the network")
    st.slider(
        "Hidden layers",
        0,
        MAX_HIDDEN_LAYERS,
        key="train_layers",
        help="Layers of neurons between the pixels and the answer. Each one can learn features of features.",
    )
    n_layers = st.session_state["train_layers"]
    if n_layers:
        for column, i in zip(st.columns(n_layers), range(1, n_layers + 1)):
            column.number_input(f"Layer {i} neurons", 1, MAX_LAYER_SIZE, key=f"train_size_{i}", step=8)
    st.segmented_control(
        "Activation (how each neuron squashes its sum)",
        list(ACTIVATION_LABELS),
        format_func=ACTIVATION_LABELS.get,
        key="train_activation",
        help="ReLU: negative sums become 0. Sigmoid: squashes any sum into 0..1. Tanh: into -1..1.",
    )
    st.selectbox(
        "Starting weights",
        list(INITIALIZER_LABELS),
        format_func=INITIALIZER_LABELS.get,
        key="train_init",
        help=INITIALIZER_HELP,
    )
    st.pills(
        "Digits to learn",
        list(range(10)),
        selection_mode="multi",
        key="train_digits",
        help="The network gets one output neuron per digit you pick, and only sees training images of those digits.",
    )


def _training_form() -> None:
    st.subheader("2 · Set up the training")
    st.slider(
        "Epochs",
        1,
        MAX_EPOCHS,
        key="train_epochs",
        help="One epoch = the network sees every training image once.",
    )
    st.select_slider(
        "Learning rate",
        LEARNING_RATE_OPTIONS,
        key="train_lr",
        help="How big a step gradient descent takes each time it adjusts the weights. Too big and it overshoots.",
    )
    left, right = st.columns(2)
    left.select_slider(
        "Batch size",
        BATCH_SIZE_OPTIONS,
        key="train_batch",
        help="How many images the network looks at before each weight update.",
    )
    right.select_slider(
        "Training images",
        [*TRAIN_SIZE_OPTIONS, None],
        key="train_images",
        format_func=lambda n: "all" if n is None else f"{n:,}",
        help="How many labelled example images to learn from. More is slower but usually better.",
    )
    st.radio(
        "Optimizer",
        list(OPTIMIZER_LABELS),
        format_func=OPTIMIZER_LABELS.get,
        key="train_optimizer",
        horizontal=True,
        help="Gradient descent steps downhill on the loss. Momentum keeps rolling in the same direction; "
        "Adam adapts the step size for every weight.",
    )
    left, right = st.columns([3, 2])
    left.radio(
        "Loss",
        list(LOSS_LABELS),
        format_func=LOSS_LABELS.get,
        key="train_loss",
        horizontal=True,
        help="How wrongness is measured. Cross-entropy punishes confident mistakes hard; "
        "mean squared error is the gentler contrast.",
    )
    right.number_input(
        "Random seed",
        0,
        2**31 - 1,
        key="train_seed",
        help="Same seed + same settings = exactly the same training curve.",
    )


def _network_summary(network_config: NetworkConfig) -> None:
    st.plotly_chart(architecture_figure(network_config), config=PLOT_CONFIG, key="train_architecture")
    st.caption("Neurons in each layer (the bars grow on a log scale so small layers stay visible).")
    lines = [
        f"{name.replace('_', ' ')}: {n_in:,} × {n_out:,} + {n_out:,} = **{total:,}**"
        for name, n_in, n_out, total in network_config.param_terms()
    ]
    st.markdown(
        f"**{network_config.param_count:,} weights and biases to learn**\n\n" + "\n\n".join(lines),
        help="Every connection has a weight, every neuron a bias: inputs × neurons + neurons per layer.",
    )


def _live_training() -> None:
    # Run as a fragment that polls the trainer a few times per second while a run is going,
    # so the rest of the page stays still.
    history = session.training_history()
    if history is None:
        return
    if session.collect_training():
        st.rerun()  # the run has just ended: redraw the whole page, whose model badge and buttons have changed
    _show_progress(history)


def _show_progress(history: TrainingHistory) -> None:
    finished = history.finished
    epochs = history.training_config.epochs
    if finished is None:
        position = history.queue_position
        if position:
            st.info(f"Waiting for a free trainer: you are number {position} in line.", icon=":material/hourglass:")
        left = history.seconds_left
        text = f"Epoch {min(history.epochs_done + 1, epochs)} of {epochs} · {history.samples_seen:,} images seen"
        if left is not None:
            text += f" · about {left:.0f} s left"
        st.progress(history.progress, text=text)
    else:
        _show_outcome(history)
    st.plotly_chart(loss_figure(history), config=PLOT_CONFIG, key="train_loss_curve")
    st.caption("The loss measures how wrong the network is. Gradient descent adjusts the weights to push it down.")
    st.plotly_chart(accuracy_figure(history), config=PLOT_CONFIG, key="train_accuracy_curve")
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


session.route_through_app()
_init_widgets()
_show_requested_experiment()
st.title("Train your own network")
st.markdown(
    "Choose the shape of the network and how to train it, press **Train**, and watch gradient descent "
    "lower the loss. Your network then reads your drawings on every page."
)
if link_problems := st.session_state.pop(session.LINK_PROBLEMS, None):
    st.warning(link_problems, icon=":material/link_off:")
session.trainer_pool().warm_up()  # start a trainer process now, so pressing Train answers at once
model_badge()

network_config, training_config = _settings()
try:
    network_config.validate()
    training_config.validate()
    problem = None
except ValueError as exc:
    problem = str(exc)

build_col, train_col = st.columns(2, gap="large")
with build_col:
    _architecture_form()
    if problem:
        st.warning(problem, icon=":material/warning:")
    else:
        _network_summary(network_config)
with train_col:
    _training_form()
    st.subheader("3 · Train")
    busy = session.training_in_progress()
    start_col, stop_col = st.columns(2)
    start_col.button(
        "Train",
        key="train_start",
        type="primary",
        icon=":material/play_arrow:",
        width="stretch",
        disabled=busy or problem is not None,
        on_click=_start_training,
    )
    stop_col.button(
        "Stop",
        key="train_stop",
        icon=":material/stop:",
        width="stretch",
        disabled=not busy,
        on_click=session.stop_training,
    )
    st.button(
        "Lab example: only 7, 8 and 9",
        key="train_lab_example",
        icon=":material/science:",
        disabled=busy,
        on_click=_lab_example,
        help="Trains a network with three output neurons that only tells 7, 8 and 9 apart.",
    )
    if error := st.session_state.pop(session.TRAIN_ERROR, None):
        st.error(error, icon=":material/error:")
    trained = session.trained_settings()
    if trained is not None and not busy and trained != (network_config, training_config):
        st.info("Settings changed — press **Train** to apply them.", icon=":material/edit:")
    # Decided after the model badge has collected the trainer's news: a run that has just ended stops the polling.
    st.fragment(_live_training, run_every=0.3 if session.training_in_progress() else None)()
    _save_and_load()
    join_room_panel()
compare_panel()
