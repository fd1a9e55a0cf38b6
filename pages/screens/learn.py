"""Learn page: how a network learns its weights — loss, gradient descent, one step, starting weights, more data.

The canvas (the drawing is shared with the other pages) and the true-digit picker sit on top;
each idea is a tab, and only the open tab is computed. Everything shown is numpy in this
process (`nnviz.model.backprop`); trainings run in the trainer pool. The page's state is one
`LearnState` (nnviz.session.state.learn), changed only by its transitions.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnviz.explain import descent
from nnviz.explain import loss_reading as reading
from nnviz.explain.loss_landscape import WeightRef, loss_slice
from nnviz.figures import learn as figures
from nnviz.lesson import learn_words as words
from nnviz.lesson.glossary import explain
from nnviz.model import gradient_step as gd
from nnviz.model.backprop import loss_and_gradients, network_params
from nnviz.model.forward import predict_digits
from nnviz.model.network import IMAGE_SIDE, Network
from nnviz.session.clicks import clicked_pixel
from nnviz.session.state import learn as learning
from nnviz.session.state.input import CurrentInput
from nnviz.session.state.input import caption as input_caption
from nnviz.session.state.learn import LearnState
from nnviz.session.state.training import TrainingState
from nnviz.training.config import LOSS_LABELS
from pages.ui import learn_parts as parts
from pages.ui import links, state, training
from pages.ui.learn_parts import change, once, show
from pages.ui.model_results import model_fingerprint
from pages.ui.widgets import CANVAS_BLOCK_WIDTH, drawing_canvas, model_badge

PIXELS_CHART = "learn_pixels_chart"  # chart key of the pixel picker (its selection picks a weight)
BIG_DROP = 0.05  # accuracy on the test digits falling by more than this after the steps: η was too big
SLICE_SIZE = 500  # images in the 2-D slice's batch: 441 losses must stay well under a second
Batch = tuple[np.ndarray, np.ndarray]
Input = CurrentInput


def _batch_reading(network: Network, model_id: str, batch: Batch) -> reading.BatchReading:
    """Accuracy and loss on the evaluation batch, computed once per model (not on every stroke)."""
    return once("learn_batch", model_id, network, lambda net: reading.batch_reading(net, *batch))


def _true_digit_picker(network: Network, current: Input) -> int:
    """The digit this input should be: a test digit's label, else the student's pick (at first: the prediction)."""
    marker, predicted = (current.source, current.test_index), int(predict_digits(network, current.pixels)[0])
    learn = learning.label_input(state.load(LearnState), marker, current.true_label, network.digits, predicted)
    state.save(learn)
    state.set_widget_value(parts.TRUE_DIGIT_KEY, learn.true_digit)
    chosen = lambda: change(learning.choose_digit, state.widget_value(parts.TRUE_DIGIT_KEY))  # noqa: E731
    args = ("It should be a…", network.digits)
    return int(st.radio(*args, horizontal=True, key=parts.TRUE_DIGIT_KEY, on_change=chosen, help=explain("label")))


def _loss_tab(network: Network, model_id: str, current: Input | None, true_digit: int | None) -> None:
    if current is not None and true_digit is not None:
        now = reading.input_loss(network, current.pixels, true_digit)
        st.subheader("How wrong on this input")
        parts.metrics(words.loss_metrics(now, true_digit))
        show(figures.crossentropy_curve_figure(now.p_true, now.crossentropy), "learn_loss_curve")
        st.caption(words.LOSS_CURVE)
    else:
        st.info("Draw a digit above (or press **Test digit**) to see its loss.", icon=":material/draw:")
    if (batch := parts.evaluation(network.digits)) is not None:
        st.subheader(f"How wrong on {len(batch[1]):,} test digits")
        read = _batch_reading(network, model_id, batch)
        parts.metrics(words.batch_metrics(read))
        st.markdown(reading.accuracy_and_loss_sentence(read))


def _descent_tab(network: Network, model_id: str) -> None:
    if (batch := parts.evaluation(network.digits)) is None:
        return
    loss = learning.trained_loss(state.load(TrainingState).trained_settings)
    steepest = once(f"learn_steepest_{loss}", model_id, network, lambda net: descent.steepest_weight(net, *batch, loss))
    ref = learning.weight_on_show(state.load(LearnState), model_id, network.config, steepest)
    runs = state.load(TrainingState)
    path = None if training.is_default_network() else descent.epoch_path(runs.snapshots, runs.start_weights)
    st.markdown(f"**The weight on show:** {ref.describe(network.config)}.")
    if ref == steepest:
        st.caption("Picked for you: the weight whose gradient is largest on the 1,000 digits. Pick any other below.")
    else:
        back = (learning.pick_weight, model_id, None)
        st.button("Back to the steepest weight", key="learn_steepest", on_click=change, args=back)
    params, epoch = network_params(network), None
    if path is not None:
        label, key = "Draw the curve with the other weights as they were after epoch", f"learn_epoch_{model_id[:12]}"
        epoch = st.select_slider(label, path.numbers, value=path.numbers[-1], key=key)
        params = path.at(epoch)
    # Nothing here depends on the drawing: computed once per weight and epoch, not on every stroke.
    story = lambda net: descent.weight_story(params, net.config.activation, *batch, loss, ref, path)  # noqa: E731
    told = once(f"learn_curve_{loss}", f"{model_id}|{ref}|{epoch}", network, story)
    numbers = path.numbers if path else []
    show(figures.weight_curve_figure(told.curve, told.values, told.losses, numbers), "learn_weight_curve")
    st.caption(descent.downhill_sentence(told.curve, LOSS_LABELS[loss], len(batch[1])), help=explain("gradient"))
    if not told.curve.has_valley:
        st.caption(descent.no_valley_sentence(told.curve))
    st.caption(words.NO_EPOCHS if path is None else words.EPOCH_DOTS)
    _weight_picker(network, model_id, ref)
    _slice(network, model_id, loss, batch, path)


def _weight_picker(network: Network, model_id: str, ref: WeightRef) -> None:
    """Choose the weight by layer, from- and to-neuron numbers (they show a clicked weight too), or by a pixel."""
    st.markdown("**Pick another weight**")
    config, sizes = network.config, network.config.layer_sizes
    keys = tuple(f"learn_pick_{part}_{model_id[:8]}" for part in ("layer", "row", "column"))
    for key, value in zip(keys, (ref.layer, ref.row, ref.column)):  # the weight on show, however it was picked
        state.set_widget_value(key, value)

    def picked(layer_changed: bool) -> None:
        fields = (int(state.widget_value(key)) for key in keys)
        change(learning.pick_weight, model_id, learning.weight_from_fields(*fields, layer_changed))

    layer_col, from_col, to_col = st.columns(3)
    title = lambda layer: words.weight_layer_title(config, layer)  # noqa: E731
    layers = range(len(network.layers))
    layer_col.selectbox("Weight layer", layers, format_func=title, key=keys[0], on_change=picked, args=(True,))
    from_col.number_input(
        words.from_neuron_label(ref.layer), 0, sizes[ref.layer] - 1, key=keys[1], on_change=picked, args=(False,)
    )
    to_col.number_input("To neuron", 0, sizes[ref.layer + 1] - 1, key=keys[2], on_change=picked, args=(False,))
    neuron = ref.column if ref.layer == 0 else 0
    tile_col, text_col = st.columns([1, 1.4], gap="medium")
    tile = network.layers[0].weights[:, neuron].reshape(IMAGE_SIDE, IMAGE_SIDE)
    with tile_col:
        figure = figures.pixel_picker_figure(tile, ref.row if ref.layer == 0 else None, height=260)
        show(figure, PIXELS_CHART, on_select=lambda: _on_pixel_click(model_id, neuron), selection_mode="points")
    text_col.caption(words.pixel_picker(neuron, config.layer_title(1).split(" (")[0]))


def _on_pixel_click(model_id: str, neuron: int) -> None:
    """A click on the pixel picker: the clicked pixel's weight into `neuron` becomes the weight on show."""
    pixel = clicked_pixel(state.widget_value(PIXELS_CHART))
    if pixel is not None:
        change(learning.pick_weight, model_id, WeightRef(0, pixel, neuron))


def _slice(network: Network, model_id: str, loss: str, batch: Batch, path: descent.EpochPath | None) -> None:
    label = "What about all the other weights? Show a 2-D slice of the loss"
    if not st.toggle(label, key="learn_slice", help=explain("loss_slice")):
        return
    x, labels, along = batch[0][:SLICE_SIZE], batch[1][:SLICE_SIZE], [] if path is None else path.params
    cut = lambda net: loss_slice(network_params(net), net.config.activation, x, labels, loss, path=along)  # noqa: E731
    with st.spinner("Measuring the loss at 441 points…"):
        result = once(f"learn_slice_{loss}", model_id, network, cut)
    show(figures.loss_slice_figure(result, [] if path is None else path.numbers), "learn_slice_chart")
    st.caption(words.loss_slice(result.path is not None))


def _one_step_tab(network: Network, model_id: str, current: Input | None, true_digit: int | None) -> None:
    if current is None or true_digit is None:
        st.info(words.STEP_PROMPT, icon=":material/draw:")
        return
    change(learning.stepping, model_id, network)
    stepped, index = state.load(LearnState).stepped, network.digits.index(true_digit)
    loss = learning.trained_loss(state.load(TrainingState).trained_settings)
    gradients = loss_and_gradients(stepped.network, current.pixels[np.newaxis], np.array([index]), loss)
    rates, eta = gd.LEARNING_RATE_OPTIONS, explain("learning_rate")
    rate = st.select_slider("Learning rate η", rates, value=gd.DEFAULT_LEARNING_RATE, key=parts.RATE_KEY, help=eta)
    st.markdown(f"Loss on your {current.source} now: **{gradients.loss:.4f}**")
    table = gd.update_table(gd.steepest_weights(stepped.network, gradients, rate), network.config)
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(words.step_table(rate), help=explain("gradient"))
    step_col, keep_col, reset_col = st.columns(3)
    step = (learning.take_step, current.pixels, index, loss, rate, f"{network.label} + steps on your drawing")
    walk, fresh = ":material/directions_walk:", not stepped.steps
    step_col.button("Take one step", key="learn_take_step", icon=walk, type="primary", on_click=change, args=step)
    keep_col.button("Keep this model", key="learn_keep", disabled=fresh, icon=":material/save:", on_click=_keep)
    again, undo = (learning.start_over,), ":material/undo:"
    reset_col.button("Start over", key="learn_reset", disabled=fresh, icon=undo, on_click=change, args=again)
    if error := state.load(LearnState).step_error:
        st.warning(error, icon=":material/warning:")
        change(learning.error_shown)  # said once
    _step_results(network, stepped, current, true_digit, loss)


def _keep() -> None:
    learn, network = learning.keep_stepped(state.load(LearnState))
    state.save(learn)
    if network is not None:
        training.use_network(network)


def _step_results(network: Network, stepped: gd.SteppedModel, current: Input, true_digit: int, loss: str) -> None:
    if not stepped.steps:
        st.caption("Press **Take one step** and compare the network before and after.")
        return
    before, after = (reading.input_loss(net, current.pixels, true_digit) for net in (network, stepped.network))
    st.subheader(words.before_after_title(len(stepped.steps)))
    if overshoot := words.overshoot(stepped):
        st.warning(overshoot, icon=":material/trending_up:")
    loss_before, loss_after = getattr(before, loss), getattr(after, loss)
    b_col, a_col = st.columns(2)
    b_col.metric("Prediction before", str(before.predicted), help=explain("one_step"))
    b_col.metric("Loss before", f"{loss_before:.4f}")
    a_col.metric("Prediction after", str(after.predicted))
    a_col.metric("Loss after", f"{loss_after:.4f}", delta=f"{loss_after - loss_before:+.4f}", delta_color="inverse")
    figure = figures.before_after_figure(before.probabilities, after.probabilities, network.digits, before.true_index)
    show(figure, "learn_before_after")
    st.caption(words.BEFORE_AFTER)
    if (batch := parts.evaluation(network.digits)) is not None:
        models = ((network, stepped.base_id), (stepped.network, stepped.version))
        effect = reading.step_effect(*(_batch_reading(*m, batch).right for m in models), batch[0], current.pixels)
        st.markdown(reading.step_effect_sentence(effect))
        if effect.after < effect.before - BIG_DROP:
            st.warning(words.TOO_BIG, icon=":material/trending_down:")
    st.caption("The other pages still use the old model until you press **Keep this model**.")


@st.fragment
def learn() -> None:
    network = training.active_network()
    model_id = model_fingerprint(network)
    # A wrapping row: the canvas keeps its full 280 px and the picker goes beside it, or below on a narrow screen.
    row = st.container(horizontal=True, gap="medium")
    with row.container(width=CANVAS_BLOCK_WIDTH):
        current = drawing_canvas("learn")
    true_digit = None
    with row.container():
        if current is None:
            st.info("Draw a digit, or press **Test digit**.", icon=":material/draw:")
        else:
            true_digit = _true_digit_picker(network, current)
            parts.metrics(words.input_metrics(reading.input_loss(network, current.pixels, true_digit)))
            st.caption(input_caption(current))
    tabs = links.tabs("learn")  # only the open tab is computed
    draws = (
        lambda: _loss_tab(network, model_id, current, true_digit),
        lambda: _descent_tab(network, model_id),
        lambda: _one_step_tab(network, model_id, current, true_digit),
        lambda: parts.starting_weights_tab(network.config),
        parts.data_size_tab,
    )
    for tab, draw in zip(tabs, draws):
        if tab.open:  # only the open tab is computed
            with tab:
                draw()


st.title("How it learns")
st.markdown(words.INTRO)
model_badge()
learn()
