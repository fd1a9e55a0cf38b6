"""Network page: follow the drawing's signal through the network, neuron by neuron.

The canvas, the node-link diagram and the "inside this neuron" panel live in one fragment, so a
stroke reruns only this page's body. What does not depend on the drawing (PCA maps, the test digits
a neuron likes, weight tiles) is computed once per model (`model_result`); only the open tab
is computed at all.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnviz.explain.features import known_latent_map, top_examples, weight_tiles
from nnviz.explain.loss_landscape import WeightRef, weight_sentence
from nnviz.explain.neuron_words import in_words
from nnviz.figures.diagram import MIN_WIDTH, diagram_figure
from nnviz.figures.diagram_layout import build_diagram, layer_title, most_active
from nnviz.figures.features import latent_figure, neuron_tiles_figure, top_examples_figure, weight_tiles_figure
from nnviz.figures.history import epoch_probability_figure
from nnviz.figures.neuron import activation_figure, breakdown_figure
from nnviz.figures.presenter_css import NARROW_WINDOW_CSS
from nnviz.figures.style import PLOT_CONFIG, frozen
from nnviz.lesson import captions
from nnviz.lesson.glossary import explain
from nnviz.model.forward import OVERFLOW_MESSAGE, ForwardPass, forward_pass
from nnviz.model.mnist import DataUnavailableError
from nnviz.model.network import Network
from nnviz.model.neuron import neuron_breakdown, neuron_name
from nnviz.model.snapshots import time_travel
from nnviz.session.address import Place
from nnviz.session.clicks import clicked_edge, clicked_neuron
from nnviz.session.state import learn as learning
from nnviz.session.state import view as views
from nnviz.session.state.input import CurrentInput, caption
from nnviz.session.state.learn import LearnState
from nnviz.session.state.training import TrainingState
from nnviz.session.state.view import ViewState
from pages.ui import links, resources, state, training
from pages.ui.model_results import model_fingerprint, model_result
from pages.ui.view import chart
from pages.ui.widgets import CANVAS_BLOCK_WIDTH, drawing_canvas, model_badge, prediction_block, wrap_below_when_narrower

DIAGRAM_KEY, TILES_KEY = "network_diagram", "network_tiles"
LAYER_PICKER, NEURON_PICKER = "network_pick_layer", "network_pick_neuron"  # they show the followed neuron
TILES_SHOWN = 32  # weight tiles drawn by default: 32 stay readable on a projector and light to send
TERMS_IN_CHART = 8  # the waterfall: 8 terms, the rest, the bias and z
EXAMPLES_HEIGHT = 440
MAIN_BLOCK_KEY = "network_main"
PLOT = {"config": PLOT_CONFIG, "theme": None}
HELP_EPOCH = f"{explain('epoch')} {explain('time_travel')}"
HELP_Z = f"{explain('weighted_sum')} {explain('bias')}"
HELP_ACTIVATION = f"{explain('activation')} {explain('softmax')}"


def _time_travel(base: Network, base_id: str, current: CurrentInput | None) -> tuple[Network, str, bool]:
    """The epoch slider when the session model has snapshots: (network to show, its cache id, no snapshots?)."""
    snapshots = state.load(TrainingState).snapshots
    if training.is_default_network() or not snapshots:
        return base, base_id, True
    last = len(snapshots)
    if last < 2:
        st.caption(captions.NO_EARLIER_EPOCH)
        return base, base_id, False
    key = f"network_epoch_{base_id[:12]}"  # a new model gets a fresh slider, at its last epoch
    epoch = st.slider("Training time-travel: after epoch", 1, last, last, key=key, help=HELP_EPOCH)
    try:
        pixels = None if current is None else current.pixels
        network, model_id, history = time_travel(base, base_id, snapshots, epoch, pixels)
    except ValueError as exc:  # snapshots that do not fit the model: show the model itself
        st.warning(f"Time-travel is not available for this model. {exc}", icon=":material/history:")
        return base, base_id, False
    if history is not None:
        chart(epoch_probability_figure(history, current_epoch=epoch, height=250), **PLOT, key="network_epoch_chart")
        st.caption(captions.epochs_caption(history.digit))
    return network, model_id, False


def _follow(layer: int, neuron: int | None) -> None:
    names = training.active_network().config.layer_names  # every epoch of the session's model shares its shape
    state.save(views.follow(state.load(ViewState), names, layer, neuron))


def _on_diagram_click() -> None:
    selection, base = state.widget_value(DIAGRAM_KEY), training.active_network()
    if (picked := clicked_neuron(selection)) is not None:
        _follow(*picked)
    elif (edge := clicked_edge(selection)) is not None and WeightRef(*edge).fits(base.config):
        picked = learning.pick_from_diagram(state.load(LearnState), model_fingerprint(base), WeightRef(*edge))
        state.save(picked)  # the Learn page's weight


def _on_tile_click() -> None:
    if (picked := clicked_neuron(state.widget_value(TILES_KEY))) is not None:
        _follow(*picked)


def _on_pick() -> None:
    if (layer := state.widget_value(LAYER_PICKER)) is not None:
        _follow(layer, state.widget_value(NEURON_PICKER))


def _diagram(network: Network, forward: ForwardPass, layer: int, neuron: int, base_id: str) -> None:
    edge = learning.diagram_edge(state.load(LearnState), base_id)  # an edge clicked, still the Learn page's weight
    marked = None if edge is None else (edge.layer, edge.row, edge.column)
    layout = build_diagram(network, forward, keep={layer: [neuron]})
    figure = diagram_figure(layout, selected=(layer, neuron), height=420, selected_edge=marked)
    chart(figure, **PLOT, key=DIAGRAM_KEY, on_select=_on_diagram_click, selection_mode="points")
    st.caption(captions.DIAGRAM, help=explain("network_diagram"))
    if edge is not None and edge.fits(network.config):  # after a click on an edge: its weight, and the way to Learn
        st.markdown(weight_sentence(network, edge))  # numbers and layer names only: safe as markdown
        descent, icon = Place("learn", "descent"), ":material/trending_down:"
        links.link_to("See it on the Learn page", descent, icon=icon, help=explain("gradient_descent"))


def _pickers(network: Network, layer: int, neuron: int, automatic: bool) -> None:
    """Choose a neuron without clicking: a layer and a neuron number (they follow clicks on the diagram too)."""
    count = len(network.layers)
    state.set_widget_value(LAYER_PICKER, int(layer))
    state.set_widget_value(NEURON_PICKER, int(neuron))
    layer_col, neuron_col = st.columns([1.2, 1])
    title = lambda index: layer_title(index, count + 1)  # noqa: E731
    layer_col.selectbox("Layer", range(1, count + 1), format_func=title, key=LAYER_PICKER, on_change=_on_pick)
    top = network.config.layer_sizes[layer] - 1
    neuron_col.number_input("Neuron", 0, top, step=1, key=NEURON_PICKER, on_change=_on_pick, help=explain("neuron"))
    if automatic:
        st.caption(captions.AUTOMATIC_PICK)
        return
    follow = {"on_click": _follow, "args": (layer, None)}
    bolt = ":material/bolt:"
    st.button("Follow the most active", key="network_most_active", icon=bolt, **follow, help=explain("most_active"))


def _neuron_panel(network: Network, forward: ForwardPass, layer: int, neuron: int, automatic: bool) -> None:
    breakdown = neuron_breakdown(network, forward, layer, neuron, n_terms=TERMS_IN_CHART)
    st.subheader(f"Inside {breakdown.title}")
    # Read top to bottom on the left: the sum in numbers, then the squash; the sum as bars on the right.
    text_col, sum_col = st.columns([1, 1.45], gap="medium")
    with text_col:
        _pickers(network, layer, neuron, automatic)
        st.markdown(in_words(breakdown, len(network.layers)), help=HELP_Z)
        chart(activation_figure(breakdown, height=320), **PLOT, key="network_activation")
        st.caption(f"{breakdown.explanation()} The dot is this neuron right now.", help=HELP_ACTIVATION)
    with sum_col:
        chart(breakdown_figure(breakdown), **PLOT, key="network_breakdown")
        st.caption(captions.SUM_BARS, help=explain("weight"))


def _weight_tiles(network: Network, model_id: str, forward: ForwardPass | None, layer: int, neuron: int) -> None:
    size, choice = network.layers[0].bias.size, "all"
    if size > TILES_SHOWN:  # the first ones by default: they stay put while drawing, so a stroke does not redraw them
        options = {"first": f"Neurons 0–{TILES_SHOWN - 1}", "active": "Most active now", "all": f"All {size}"}
        pick = {"format_func": options.get, "default": "first", "required": True, "key": "network_tiles_choice"}
        choice = st.segmented_control("Which neurons", list(options), **pick, help=explain("weight_tiles"))
    if choice == "active" and forward is not None:
        figure = neuron_tiles_figure(
            network, most_active(forward.activations[1][0], TILES_SHOWN, [neuron] if layer == 1 else [])
        )
    else:  # all of them, or the first ones (also for "most active" while nothing is drawn)
        shown = size if choice == "all" else min(TILES_SHOWN, size)
        # Frozen: cached per model and shown on every stroke, so it is made ready to send once (see FrozenFigure).
        build = lambda net, _: frozen(neuron_tiles_figure(net, np.arange(shown)))  # noqa: E731
        figure = model_result(f"tiles_{shown}", model_id, 0, network, build)
    chart(figure, **PLOT, key=TILES_KEY, on_select=_on_tile_click, selection_mode="points")
    st.caption(captions.tiles_caption(network.config), help=explain("weight_tiles"))


def _looks_for(network: Network, model_id: str, forward: ForwardPass | None, layer: int, neuron: int) -> None:
    st.subheader(f"What {neuron_name(network.config, layer, neuron)} looks for")
    weights_col, examples_col = st.columns([1, 1.3], gap="large")
    with weights_col:
        if layer == 1:
            tile = weight_tiles_figure(weight_tiles(network, [neuron]), [neuron], columns=1, height=EXAMPLES_HEIGHT)
            chart(tile, **PLOT, key="network_neuron_tile")
            st.caption(captions.NEURON_TILE)
        else:
            st.info(captions.weights_no_picture(network.config, layer), icon=":material/lightbulb:")
    with examples_col:
        try:
            x_test, y_test = resources.test_digits()
            with st.spinner("Running the test digits through the network…"):
                build = lambda net, part: top_examples(net, x_test, y_test, part)  # noqa: E731
                indices, values = model_result("top_examples", model_id, layer, network, build)
        except DataUnavailableError as exc:
            st.info(f"The MNIST test digits are not available, so this part cannot be shown. {exc}")
            return
        if not np.isfinite(values[:, neuron]).all():
            st.error(OVERFLOW_MESSAGE, icon=":material/error:")
            return
        examples = top_examples_figure(x_test, indices[:, neuron], values[:, neuron], y_test, height=EXAMPLES_HEIGHT)
        chart(examples, **PLOT, key="network_top_examples")
        st.caption(captions.examples_caption(len(indices)))


def _latent(network: Network, model_id: str, forward: ForwardPass | None, current: CurrentInput | None) -> None:
    hidden = list(range(1, len(network.layers)))
    if not hidden:
        st.info(captions.NO_HIDDEN_LAYERS, icon=":material/info:")
        return
    layer = hidden[0]
    if len(hidden) > 1:  # another number of hidden layers: other options, another key
        key, title = f"network_latent_layer_{len(hidden)}", network.config.layer_title
        layer = st.segmented_control("Hidden layer", hidden, format_func=title, default=layer, required=True, key=key)
    try:
        x_test, y_test = resources.test_digits()
        with st.spinner("Mapping the test digits…"):
            build = lambda net, part: known_latent_map(net, x_test, y_test, part)  # noqa: E731
            latent = model_result("latent", model_id, layer, network, build)
    except DataUnavailableError as exc:
        st.info(f"The MNIST test digits are not available, so this map cannot be drawn. {exc}")
        return
    except ValueError as exc:  # the model overflowed: there is no map to draw
        st.error(str(exc), icon=":material/error:")
        return
    star = None if forward is None else latent.pca.project(forward.activations[layer][0])
    label = captions.star_label(None if current is None else current.source)
    figure = latent_figure(latent, star=star, star_label=label, digits=network.digits, height=560)
    chart(figure, **PLOT, key="network_latent")
    star_label = None if forward is None else label
    st.caption(captions.latent_caption(len(latent.labels), network.config, layer, star_label), help=explain("pca"))


@st.fragment
def follow_the_signal() -> None:
    # A fragment: a stroke (or a click on a neuron) reruns only this part of the page.
    base = training.active_network()
    model_badge()  # after active_network() has collected a finished run, so it names the model in use
    base_id = model_fingerprint(base)
    # The canvas keeps its 280 px; the diagram takes the rest of the row (with narrow margins on a 1024 px
    # projector with the sidebar open, where ~340 px are left), or wraps below the canvas when even that is too narrow.
    row = st.container(horizontal=True, gap="small")
    canvas_col, main_col = row.container(width=CANVAS_BLOCK_WIDTH), row.container(width="stretch", key=MAIN_BLOCK_KEY)
    wrap_below_when_narrower(MAIN_BLOCK_KEY, MIN_WIDTH)
    with canvas_col:
        current = drawing_canvas("network")
        prediction_slot = st.container()
        network, model_id, untrained = _time_travel(base, base_id, current)
    diagram_slot = main_col.container()
    if untrained:  # under the diagram, where it leaves the neuron panel higher up the screen
        main_col.caption(captions.TRAIN_TO_TIME_TRAVEL, help=explain("time_travel"))
    forward = None if current is None else forward_pass(network, current.pixels)
    if forward is not None:
        with prediction_slot:  # a test digit's label goes with the prediction
            if not prediction_block(network, forward, note=caption(current) if current.source != "drawing" else ""):
                forward = None  # an overflowed pass: nothing below can be drawn from it
    activations = None if forward is None else forward.activations
    config = network.config
    view = state.load(ViewState)
    layer, neuron, automatic = views.followed_neuron(view, config.layer_names, config.layer_sizes, activations)
    with diagram_slot:
        if current is None:
            st.info(captions.NETWORK_START, icon=":material/draw:")
        elif forward is not None:
            _diagram(network, forward, layer, neuron, base_id)
    if forward is not None:
        _neuron_panel(network, forward, layer, neuron, automatic)

    looks_for_tab, latent_tab = links.tabs("network")  # only the open tab is computed
    if looks_for_tab.open:
        with looks_for_tab:
            _weight_tiles(network, model_id, forward, layer, neuron)
            if automatic:  # only a picked neuron gets its own pictures: they stay put while the student draws
                st.info(captions.PICK_TO_SEE, icon=":material/touch_app:")
            else:
                _looks_for(network, model_id, forward, layer, neuron)
    if latent_tab.open:
        with latent_tab:
            _latent(network, model_id, forward, current)


st.title("Inside the network")
st.html(NARROW_WINDOW_CSS)  # once per page run, not in the fragment every stroke reruns
follow_the_signal()
