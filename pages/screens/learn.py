"""Learn page: how a network learns its weights — loss, gradient descent, one step, starting weights, more data.

The canvas (the drawing is shared with the other pages) and the true-digit picker sit
on top; each idea is a tab, and only the open tab is computed. Everything the page
shows is numpy in this process (`nnviz.model.backprop`); trainings run in the trainer pool.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from nnviz.explain.loss_landscape import (
    OneWeightLoss,
    WeightCurve,
    WeightRef,
    largest_gradient_weight,
    loss_slice,
    weight_curve,
)
from nnviz.explain.loss_reading import BatchReading, accuracy_and_loss_sentence, batch_reading, input_loss
from nnviz.figures.learn import (
    activation_histogram_figure,
    before_after_figure,
    crossentropy_curve_figure,
    curves_figure,
    loss_slice_figure,
    pixel_picker_figure,
    tile_rows_figure,
    weight_curve_figure,
)
from nnviz.figures.style import PLOT_CONFIG
from nnviz.lesson.glossary import explain
from nnviz.model.backprop import loss_and_gradients, network_params
from nnviz.model.forward import predict_digits
from nnviz.model.gradient_step import (
    DEFAULT_LEARNING_RATE,
    LEARNING_RATE_OPTIONS,
    SteppedModel,
    gradient_step,
    steepest_weights,
)
from nnviz.model.mnist import DataUnavailableError
from nnviz.model.network import IMAGE_SIDE, INITIALIZER_LABELS, INITIALIZERS, Network, NetworkConfig
from nnviz.training.config import LOSS_LABELS, TrainingConfig
from nnviz.training.experiment_job import ExperimentJob
from nnviz.training.learn_experiments import (
    DATA_SIZES,
    METHODS,
    STARTING_TRAINING,
    STARTING_WEIGHTS,
    TRAINING_SIZES,
    accuracy_by_method,
    data_size_sentence,
)
from pages.ui import session
from pages.ui.view import chart
from pages.ui.widgets import CANVAS_BLOCK_WIDTH, drawing_canvas, input_caption, model_badge

TAB_LOSS = "1 · Loss"
TAB_DESCENT = "2 · Gradient descent"
TAB_STEP = "3 · One step"
TAB_START = "4 · Starting weights"
TAB_DATA = "5 · More data?"
EXPERIMENT_POLL_S = 1.0  # how often a running experiment's results are redrawn (the polling part only)
BIG_DROP = 0.05  # accuracy on the test digits falling by more than this after the steps: η was too big
SLICE_SIZE = 500  # images in the 2-D slice's batch: 441 losses must stay well under a second

HELP_LOSS = (
    "The loss says how wrong the network is, in one number. Cross-entropy, the usual one, is −log p, "
    "p being the probability the network gives the true digit: 0 when it is sure and right, huge when sure and wrong."
)
HELP_MSE = (
    "Mean squared error: for each output, (probability − target)², target 1 for the true digit and 0 for the "
    "others, averaged over the outputs. The Train page offers it as the other choice of loss."
)
HELP_GRADIENT = (
    "The gradient ∂L/∂w says how fast the loss changes when this weight grows a little. Positive: growing the "
    "weight raises the loss, so gradient descent makes it smaller. Backpropagation computes it for every weight."
)
HELP_ETA = "The learning rate η: how far each step goes. Too small: slow. Too big: the step jumps past the valley."
HELP_SLICE = (
    "Real networks have thousands of weights. This picture cuts the loss along two random directions that move "
    "all of them at once (each scaled to the size of each neuron's weights, as in Li et al., 2018)."
)


# --- shared inputs: the evaluation batch and the true digit ------------------------------------------------------


def _evaluation(network: Network) -> tuple[np.ndarray, np.ndarray] | None:
    """The fixed 1,000 test digits (x, output indices), or None with a message if there are none."""
    try:
        return session.learn_evaluation_batch(network.digits)
    except DataUnavailableError as exc:
        st.warning(f"The MNIST test digits are not available, so this part cannot be measured. {exc}")
        return None


def _batch_reading(network: Network, model_id: str, batch: tuple[np.ndarray, np.ndarray]) -> BatchReading:
    """Accuracy and loss on the evaluation batch, computed once per model (not on every stroke)."""
    return session.model_result("learn_batch", model_id, 0, network, lambda net, _: batch_reading(net, *batch))


def _true_digit_picker(network: Network, current: session.CurrentInput) -> int:
    """The digit this input should be: a test digit's label, else the student's pick (at first: the prediction)."""
    digits = list(network.digits)
    marker = (current.source, current.test_index)
    if st.session_state.get(session.LEARN_LABELLED_INPUT) != marker:
        st.session_state[session.LEARN_LABELLED_INPUT] = marker
        if current.true_label in digits:
            st.session_state[session.LEARN_TRUE_DIGIT] = current.true_label
    if st.session_state.get(session.LEARN_TRUE_DIGIT) not in digits:
        st.session_state[session.LEARN_TRUE_DIGIT] = int(predict_digits(network, current.pixels)[0])
    return int(
        st.radio(
            "It should be a…",
            digits,
            horizontal=True,
            key=session.LEARN_TRUE_DIGIT,
            help="The true digit: the loss measures how far the network's answer is from it.",
        )
    )


# --- 1 · Loss ----------------------------------------------------------------------------------------------------


def _loss_tab(network: Network, current: session.CurrentInput | None, true_digit: int | None) -> None:
    if current is not None and true_digit is not None:
        reading = input_loss(network, current.pixels, true_digit)
        st.subheader("How wrong on this input")
        p_col, ce_col, mse_col = st.columns(3)
        p_col.metric(
            f"p (probability of {true_digit})", f"{reading.p_true:.3f}" if reading.p_true >= 1e-3 else "< 0.001"
        )
        ce_col.metric("Loss −log p", f"{reading.crossentropy:.3f}", help=HELP_LOSS)
        mse_col.metric("Mean squared error", f"{reading.mse:.4f}", help=HELP_MSE)
        chart(
            crossentropy_curve_figure(reading.p_true, reading.crossentropy),
            config=PLOT_CONFIG,
            theme=None,
            key="learn_loss_curve",
        )
        st.caption(
            "What am I looking at: the loss for every possible p; the diamond is this input. "
            "Sure and right (p near 1): loss near 0. Sure and wrong (p near 0): the loss shoots up."
        )
    else:
        st.info("Draw a digit above (or press **Test digit**) to see its loss.", icon=":material/draw:")
    batch = _evaluation(network)
    if batch is None:
        return
    st.subheader(f"How wrong on {len(batch[1]):,} test digits")
    reading = _batch_reading(network, session.model_fingerprint(network), batch)
    acc_col, loss_col = st.columns(2)
    acc_col.metric("Accuracy", f"{reading.accuracy:.1%}", help="The share of digits whose top answer is right.")
    loss_col.metric("Mean loss (cross-entropy)", f"{reading.mean_loss:.3f}", help=HELP_LOSS)
    st.markdown(accuracy_and_loss_sentence(reading))


# --- 2 · Gradient descent ----------------------------------------------------------------------------------------


def _epoch_weights() -> tuple[list[int], list] | None:
    """(epoch numbers, weight arrays) of the session model's saved epochs, 0 = the start when it is known."""
    snapshots = session.session_snapshots()
    if session.is_default_network() or not snapshots:
        return None
    start = session.session_start_weights()
    if start is not None:
        return list(range(len(snapshots) + 1)), [start, *snapshots]
    return list(range(1, len(snapshots) + 1)), list(snapshots)


def _steepest(network: Network, model_id: str, loss: str, batch: tuple[np.ndarray, np.ndarray]) -> WeightRef:
    def compute(net: Network, _: int) -> WeightRef:
        return largest_gradient_weight(loss_and_gradients(net, *batch, loss).weights)

    return session.model_result(f"learn_steepest_{loss}", model_id, 0, network, compute)


def _weight_fields(network: Network, model_id: str, ref: WeightRef) -> None:
    """Pick the weight by layer, from-neuron and to-neuron numbers (they also show a weight picked by a click)."""
    sizes = network.config.layer_sizes
    keys = tuple(f"learn_pick_{part}_{model_id[:8]}" for part in ("layer", "row", "column"))
    # Show the weight on show, however it was picked; the callbacks then read the fields back.
    for key, value in zip(keys, (ref.layer, ref.row, ref.column)):
        st.session_state[key] = value
    layer_col, from_col, to_col = st.columns(3)
    layer_col.selectbox(
        "Weight layer",
        list(range(len(network.layers))),
        format_func=lambda k: f"{network.config.layer_title(k).split(' (')[0]} → {network.config.layer_title(k + 1)}",
        key=keys[0],
        on_change=_on_weight_fields,
        args=(model_id, keys, True),
    )
    from_col.number_input(
        "From neuron (pixel = row × 28 + column)" if ref.layer == 0 else "From neuron",
        0,
        sizes[ref.layer] - 1,
        key=keys[1],
        on_change=_on_weight_fields,
        args=(model_id, keys, False),
    )
    to_col.number_input(
        "To neuron",
        0,
        sizes[ref.layer + 1] - 1,
        key=keys[2],
        on_change=_on_weight_fields,
        args=(model_id, keys, False),
    )


def _on_weight_fields(model_id: str, keys: tuple[str, str, str], layer_changed: bool) -> None:
    layer, row, column = (int(st.session_state[key]) for key in keys)
    session.set_learn_weight(model_id, WeightRef(layer, 0, 0) if layer_changed else WeightRef(layer, row, column))


def _on_pixel_click(model_id: str, neuron: int) -> None:
    selection = session.chart_selection(session.LEARN_PIXELS_CHART)
    points = (selection or {}).get("points") or []
    for point in points:
        pixel = point.get("customdata")
        if isinstance(pixel, list):
            pixel = pixel[0]
        if pixel is not None:
            session.set_learn_weight(model_id, WeightRef(0, int(pixel), neuron))
            return


def _descent_tab(network: Network, model_id: str, batch: tuple[np.ndarray, np.ndarray]) -> None:
    loss = session.session_loss()
    steepest = _steepest(network, model_id, loss, batch)
    picked = session.learn_weight(model_id)
    ref = picked if picked is not None and picked.fits(network.config) else steepest
    epochs = _epoch_weights()

    st.markdown(f"**The weight on show:** {ref.describe(network.config)}.")
    if ref == steepest:
        st.caption("Picked for you: the weight whose gradient is largest on the 1,000 digits. Pick any other below.")
    else:
        st.button(
            "Back to the steepest weight",
            key="learn_steepest",
            on_click=session.set_learn_weight,
            args=(model_id, None),
        )
    curve_col = st.container()
    epoch_numbers, epoch_params, shown_epoch = [], [], None
    params = network_params(network)
    if epochs is not None:
        epoch_numbers, arrays = epochs
        epoch_params = [[(np.asarray(w, np.float64), np.asarray(b, np.float64)) for w, b in a] for a in arrays]
        shown_epoch = curve_col.select_slider(
            "Draw the curve with the other weights as they were after epoch",
            epoch_numbers,
            value=epoch_numbers[-1],
            key=f"{session.LEARN_EPOCH}_{model_id[:12]}",
        )
        params = epoch_params[epoch_numbers.index(shown_epoch)]

    def compute(net: Network, _: int) -> tuple[WeightCurve, list[float], list[float]]:
        curve = weight_curve(params, net.config.activation, *batch, loss, ref)
        if not epoch_params:
            return curve, [], []
        values = [float(p[ref.layer][0][ref.row, ref.column]) for p in epoch_params]
        losses = OneWeightLoss(params, net.config.activation, *batch, loss, ref).losses(np.array(values)).tolist()
        return curve, values, losses

    # Nothing here depends on the drawing: computed once per weight and epoch, not on every stroke.
    curve, values, losses = session.model_result(
        f"learn_curve_{loss}", f"{model_id}|{ref}|{shown_epoch}", 0, network, compute
    )
    with curve_col:
        chart(
            weight_curve_figure(curve, values, losses, epoch_numbers),
            config=PLOT_CONFIG,
            theme=None,
            key="learn_weight_curve",
        )
        downhill = "smaller" if curve.slope > 0 else "larger"
        st.caption(
            f"What am I looking at: the {LOSS_LABELS[loss].lower()} loss on 1,000 test digits if only this weight "
            f"changed (all others fixed). The dashed line's slope is the gradient, {curve.slope:+.4f}: gradient "
            f"descent moves the weight to be {downhill}, downhill.",
            help=HELP_GRADIENT,
        )
        if not curve.has_valley:
            st.caption(
                f"No valley in reach for this weight: the loss keeps falling, ever more slowly, as the weight gets "
                f"{downhill}. Pick another weight to see a valley."
            )
        if epochs is None:
            st.caption("Train a model on the Train page to see where this weight went, epoch by epoch.")
        else:
            st.caption(
                "The green dots are this weight's value after each epoch (0 = where training started). The curve "
                "itself moves when you slide the epoch: the other weights moved too, so the valley is not where "
                "it was."
            )
    _weight_picker(network, model_id, ref)
    _slice(network, model_id, loss, batch, epochs)


def _weight_picker(network: Network, model_id: str, ref: WeightRef) -> None:
    """Choose the weight: by numbers, or by clicking a pixel of a first-layer neuron's weight tile."""
    st.markdown("**Pick another weight**")
    _weight_fields(network, model_id, ref)
    neuron = ref.column if ref.layer == 0 else 0
    tile_col, text_col = st.columns([1, 1.4], gap="medium")
    with tile_col:
        chart(
            pixel_picker_figure(
                network.layers[0].weights[:, neuron].reshape(IMAGE_SIDE, IMAGE_SIDE),
                ref.row if ref.layer == 0 else None,
                height=260,
            ),
            config=PLOT_CONFIG,
            theme=None,
            key=session.LEARN_PIXELS_CHART,
            on_select=lambda: _on_pixel_click(model_id, neuron),
            selection_mode="points",
        )
    text_col.caption(
        f"What am I looking at: the 784 weights into neuron {neuron} of "
        f"{network.config.layer_title(1).split(' (')[0].lower()}, one per pixel (blue pushes the neuron up, red "
        "down). **Click a pixel** to see the loss against that pixel's weight."
    )


def _slice(network: Network, model_id: str, loss: str, batch, epochs) -> None:
    if not st.toggle(
        "What about all the other weights? Show a 2-D slice of the loss", key="learn_slice", help=HELP_SLICE
    ):
        return
    x, labels = batch[0][:SLICE_SIZE], batch[1][:SLICE_SIZE]
    path_params = []
    numbers = []
    if epochs is not None:
        numbers = epochs[0]
        path_params = [[(np.asarray(w, np.float64), np.asarray(b, np.float64)) for w, b in a] for a in epochs[1]]

    def compute(net: Network, _: int):
        return loss_slice(network_params(net), net.config.activation, x, labels, loss, path=path_params)

    with st.spinner("Measuring the loss at 441 points…"):
        result = session.model_result(f"learn_slice_{loss}", model_id, 0, network, compute)
    chart(loss_slice_figure(result, numbers), config=PLOT_CONFIG, theme=None, key="learn_slice_chart")
    path_note = (
        " The white line is the training path seen on this slice: random directions are almost at right angles to "
        "the path training took, so it looks short here."
        if result.path is not None
        else ""
    )
    st.caption(
        "What am I looking at: the loss (dark = low) on a flat cut through all the weights at once; the diamond is "
        f"the model now, at the bottom of its valley.{path_note}"
    )


# --- 3 · One step -----------------------------------------------------------------------------------------------


def _one_step_tab(
    network: Network, model_id: str, current: session.CurrentInput | None, true_digit: int | None
) -> None:
    if current is None or true_digit is None:
        st.info(
            "Draw a digit above and pick the digit it should be: then teach the network, one step at a time.",
            icon=":material/draw:",
        )
        return
    stepped = session.stepped_model()
    if stepped is None or stepped.base_id != model_id:
        stepped = SteppedModel(base_id=model_id, network=network)
        session.set_stepped_model(stepped)
    loss = session.session_loss()
    index = network.digits.index(true_digit)
    label = np.array([index])
    gradients = loss_and_gradients(stepped.network, current.pixels[np.newaxis], label, loss)
    rate = st.select_slider(
        "Learning rate η",
        LEARNING_RATE_OPTIONS,
        value=DEFAULT_LEARNING_RATE,
        key=session.LEARN_LEARNING_RATE,
        help=HELP_ETA,
    )
    st.markdown(
        f"Loss on your {'drawing' if current.source == 'drawing' else current.source} now: **{gradients.loss:.4f}**"
    )
    updates = steepest_weights(stepped.network, gradients, rate)
    st.dataframe(
        {
            "weight": [u.ref.short(network.config) for u in updates],
            "w now": [round(u.value, 4) for u in updates],
            "∂L/∂w": [round(u.gradient, 4) for u in updates],
            "w − η·∂L/∂w": [round(u.new_value, 4) for u in updates],
        },
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "What am I looking at: the weights whose gradient is largest for your drawing, and where one step of "
        f"w ← w − η·∂L/∂w (η = {rate:g}) sends them. Every other weight and bias moves too, by less.",
        help=HELP_GRADIENT,
    )
    step_col, keep_col, reset_col = st.columns(3)
    step_col.button(
        "Take one step",
        key="learn_take_step",
        icon=":material/directions_walk:",
        type="primary",
        on_click=_take_step,
        args=(network.label, loss, index),
    )
    keep_col.button(
        "Keep this model", key="learn_keep", disabled=not stepped.steps, icon=":material/save:", on_click=_keep_stepped
    )
    reset_col.button(
        "Start over",
        key="learn_reset",
        disabled=not stepped.steps,
        icon=":material/undo:",
        on_click=session.set_stepped_model,
        args=(None,),
    )
    if error := st.session_state.pop(session.LEARN_STEP_ERROR, None):
        st.warning(error, icon=":material/warning:")
    stepped = session.stepped_model() or stepped
    _step_results(network, stepped, current, true_digit, loss)


def _take_step(label: str, loss: str, index: int) -> None:
    """Apply w ← w − η·∂L/∂w to the session's stepped copy (a button callback: runs before the page)."""
    stepped, current = session.stepped_model(), session.current_input()
    if stepped is None or current is None:
        return
    rate = float(st.session_state.get(session.LEARN_LEARNING_RATE, DEFAULT_LEARNING_RATE))
    x, labels = current.pixels[np.newaxis], np.array([index])
    gradients = loss_and_gradients(stepped.network, x, labels, loss)
    try:
        after = gradient_step(stepped.network, gradients, rate, label=f"{label} + steps on your drawing")
    except ValueError:
        st.session_state[session.LEARN_STEP_ERROR] = (
            "That step was so big that the weights became infinite, so it was not taken. Try a smaller learning rate."
        )
        return
    new_loss = loss_and_gradients(after, x, labels, loss).loss
    session.set_stepped_model(SteppedModel(stepped.base_id, after, [*stepped.steps, (gradients.loss, new_loss)]))


def _keep_stepped() -> None:
    if (stepped := session.stepped_model()) is not None:
        session.set_session_network(stepped.network)
        session.set_stepped_model(None)


def _step_results(
    network: Network, stepped: SteppedModel, current: session.CurrentInput, true_digit: int, loss: str
) -> None:
    if not stepped.steps:
        st.caption("Press **Take one step** and compare the network before and after.")
        return
    before, after = (
        input_loss(network, current.pixels, true_digit),
        input_loss(stepped.network, current.pixels, true_digit),
    )
    steps = len(stepped.steps)
    st.subheader(f"Before and after {steps} step{'s' if steps > 1 else ''}")
    if stepped.overshot:
        st.warning(
            f"Overshoot! The last step raised the loss from {stepped.steps[-1][0]:.4f} to {stepped.steps[-1][1]:.4f}: "
            "η is so big the step jumped past the bottom of the valley. Try a smaller learning rate.",
            icon=":material/trending_up:",
        )
    loss_before, loss_after = (
        (before.crossentropy, after.crossentropy) if loss == "crossentropy" else (before.mse, after.mse)
    )
    b_col, a_col = st.columns(2)
    b_col.metric("Prediction before", str(before.predicted), help="The session's model, untouched.")
    b_col.metric("Loss before", f"{loss_before:.4f}")
    a_col.metric("Prediction after", str(after.predicted))
    a_col.metric("Loss after", f"{loss_after:.4f}", delta=f"{loss_after - loss_before:+.4f}", delta_color="inverse")
    chart(
        before_after_figure(before.probabilities, after.probabilities, network.digits, before.true_index),
        config=PLOT_CONFIG,
        theme=None,
        key="learn_before_after",
    )
    st.caption("What am I looking at: each digit's probability before (blue) and after (orange, striped) the steps.")
    batch = _evaluation(network)
    if batch is not None:
        stepped_id = f"{stepped.base_id}+{stepped.steps}"  # the steps' losses tell one stepped copy from another
        acc_before = _batch_reading(network, stepped.base_id, batch).accuracy
        acc_after = _batch_reading(stepped.network, stepped_id, batch).accuracy
        st.markdown(
            f"Accuracy on {len(batch[1]):,} test digits: **{acc_before:.1%}** before, **{acc_after:.1%}** after. "
            + (
                "Teaching it your drawing made it worse at other digits."
                if acc_after < acc_before
                else "Your drawing did not hurt the other digits."
            )
        )
        if acc_after < acc_before - BIG_DROP:
            st.warning(
                "The steps were too big: they fixed your drawing but knocked the weights far from what the other "
                "digits need. Press **Start over** and try a smaller learning rate η.",
                icon=":material/trending_down:",
            )
    st.caption("The other pages still use the old model until you press **Keep this model**.")


# --- 4 · Starting weights and 5 · More data: experiments in the trainer pool -------------------------------------


def _experiment_button(
    experiment: str,
    network_config: NetworkConfig,
    training_config: TrainingConfig,
    parts: int,
    *,
    label: str,
    key: str,
    help_text: str,
) -> ExperimentJob | None:
    """A button that starts `experiment` (of `parts` runs) in the trainer pool; returns its job, if any yet.

    The job is shared by the whole server, so the button is off while it runs and once it succeeded:
    a second click would only start the same runs again.
    """
    job = session.learn_experiment(experiment, network_config)
    st.button(
        label,
        key=key,
        icon=":material/play_arrow:",
        type="primary",
        disabled=job is not None and (job.running or job.succeeded),
        on_click=session.start_learn_experiment,
        args=(experiment, network_config, training_config, parts),
        help=help_text,
    )
    return job


def _experiment_status(job: ExperimentJob | None, what: str) -> None:
    if job is None:
        return
    if job.running:
        st.progress(job.progress, text=f"Training {what} in the trainer… {len(job.results)} of {job.parts} done.")
    elif not job.succeeded:
        st.warning(f"The experiment did not finish: {job.finished.message}", icon=":material/warning:")


def _starting_weights_results(job: ExperimentJob | None, config: NetworkConfig) -> None:
    _experiment_status(job, "one network per starting choice")
    if job is None or not job.results:
        return
    results = list(job.results.values())
    curves = {
        f"{INITIALIZER_LABELS[r['initializer']]}: "
        + (f"{r['accuracy']:.0%} right" if r["status"] == "completed" else "blew up"): (r["epochs"], r["losses"])
        for r in results
    }
    chart(
        curves_figure(curves, "epoch", "training loss", log_y=True),
        config=PLOT_CONFIG,
        theme=None,
        key="learn_init_curves",
    )
    st.caption(
        f"What am I looking at: the training loss of the same {config.describe()} network, started five ways "
        f"({STARTING_TRAINING.train_size:,} images, {STARTING_TRAINING.epochs} epochs of plain gradient descent); "
        "the legend gives each one's accuracy on the test digits."
    )
    by_name = {r["initializer"]: r for r in results}
    tiles_col, hist_col = st.columns(2, gap="medium")
    if "zeros" in by_name:
        with tiles_col:
            st.markdown("**Why all zeros fails:** first-layer neurons after training")
            zeros = by_name["zeros"]["tiles_end"]
            rows = [zeros, *([by_name["glorot"]["tiles_end"]] if "glorot" in by_name else [])]
            chart(
                tile_rows_figure(rows, height=90 * len(rows) + 20),
                config=PLOT_CONFIG,
                theme=None,
                key="learn_zero_tiles",
            )
            spread = float(np.abs(zeros - zeros[0]).max())
            st.caption(
                f"What am I looking at: top row, {len(zeros)} neurons that started at zero, after training: all "
                f"the same (largest difference {spread:.1g}), because equal starts get equal gradients. "
                + (
                    "Bottom row: Glorot's neurons, each different. Blue: ink there pushes the neuron up, red: down."
                    if len(rows) > 1
                    else ""
                )
            )
    shown = {INITIALIZER_LABELS[k]: by_name[k]["activations_start"] for k in ("glorot", "too_large") if k in by_name}
    if shown:
        with hist_col:
            st.markdown("**Why too large fails:** the hidden neurons at the start")
            chart(
                activation_histogram_figure(shown, config.activation),
                config=PLOT_CONFIG,
                theme=None,
                key="learn_start_histogram",
            )
            st.caption(
                "What am I looking at: how often each value of the first hidden layer occurs before training. "
                "Too-large weights push the sums far out: sigmoid and tanh sit flat at their ends, ReLU values "
                "explode, and the gradient has nothing useful to follow."
            )


def _starting_weights_tab(network: Network) -> None:
    config = network.config
    st.markdown(
        "Gradient descent has to start somewhere. Train this network's shape five times, each from different "
        "starting weights, and compare."
    )
    job = _experiment_button(
        STARTING_WEIGHTS,
        config,
        STARTING_TRAINING,
        len(INITIALIZERS),
        label="Train one network per starting choice",
        key="learn_start_experiment",
        help_text="Runs in the trainer, once for the whole class: the result is kept for everyone on this server.",
    )
    _poll_while_running(
        job, lambda: _starting_weights_results(session.learn_experiment(STARTING_WEIGHTS, config), config)
    )


def _data_size_results(job: ExperimentJob | None) -> None:
    _experiment_status(job, "three methods on six training-set sizes")
    if job is None or not job.results:
        return
    table = accuracy_by_method(job.results)
    chart(
        curves_figure(
            table, "training images (log scale)", "accuracy on 2,000 test digits", log_x=True, percent_y=True
        ),
        config=PLOT_CONFIG,
        theme=None,
        key="learn_data_sizes",
    )
    st.caption(
        "What am I looking at: how often each method is right on the same test digits, against how many "
        "training images it learned from. Each step to the right is about three times more data."
    )
    if not job.running and (sentence := data_size_sentence(table)):
        st.markdown(f"**What happened:** {sentence}")


def _data_size_tab() -> None:
    st.markdown(
        "The lab says neural networks need more data than simpler methods, but keep improving with more of it. "
        "Test the claim: the default network, logistic regression and k-nearest neighbours, each trained on "
        "100 to all training images."
    )
    config = NetworkConfig()
    job = _experiment_button(
        DATA_SIZES,
        config,
        TrainingConfig(),
        len(TRAINING_SIZES) * len(METHODS),
        label="Compare on 100 … all training images",
        key="learn_data_experiment",
        help_text="Runs in the trainer (a few minutes), once for the whole class: the result is kept for everyone.",
    )
    _poll_while_running(job, lambda: _data_size_results(session.learn_experiment(DATA_SIZES, config)))


def _poll_while_running(job: ExperimentJob | None, show: Callable[[], None]) -> None:
    """Draw the results; while the experiment runs, redraw them every EXPERIMENT_POLL_S seconds (only this part)."""
    st.fragment(show, run_every=EXPERIMENT_POLL_S if job is not None and job.running else None)()


# --- the page ----------------------------------------------------------------------------------------------------


@st.fragment
def learn() -> None:
    network = session.active_network()
    model_id = session.model_fingerprint(network)
    # A wrapping row: the canvas keeps its full 280 px and the picker goes beside it, or below on a narrow screen.
    row = st.container(horizontal=True, gap="medium")
    canvas_col = row.container(width=CANVAS_BLOCK_WIDTH)
    info_col = row.container()
    with canvas_col:
        current = drawing_canvas("learn")
    true_digit = None
    with info_col:
        if current is None:
            st.info("Draw a digit, or press **Test digit**.", icon=":material/draw:")
        else:
            true_digit = _true_digit_picker(network, current)
            now = input_loss(network, current.pixels, true_digit)
            guess_col, loss_col = st.columns(2)
            guess_col.metric("Prediction", str(now.predicted), help=explain("prediction"))
            loss_col.metric("Loss", f"{now.crossentropy:.3f}", help=HELP_LOSS)
            st.caption(input_caption(current))
    loss_tab, descent_tab, step_tab, start_tab, data_tab = st.tabs(
        [TAB_LOSS, TAB_DESCENT, TAB_STEP, TAB_START, TAB_DATA], key=session.LEARN_TABS, on_change="rerun"
    )
    if loss_tab.open:
        with loss_tab:
            _loss_tab(network, current, true_digit)
    if descent_tab.open:
        with descent_tab:
            batch = _evaluation(network)
            if batch is not None:
                _descent_tab(network, model_id, batch)
    if step_tab.open:
        with step_tab:
            _one_step_tab(network, model_id, current, true_digit)
    if start_tab.open:
        with start_tab:
            _starting_weights_tab(network)
    if data_tab.open:
        with data_tab:
            _data_size_tab()


st.title("How it learns")
st.markdown(
    "Learning means finding the right weights. The **loss** says how wrong the network is; **gradient descent** "
    "nudges every weight a little downhill to make the loss smaller."
)
model_badge()
learn()
