"""Network page: follow the drawing's signal through the network, neuron by neuron.

The canvas, the node-link diagram and the "inside this neuron" panel live in one
fragment, so a stroke reruns only this page's body. What does not depend on the
drawing (PCA maps, the test digits a neuron likes, weight tiles of a fixed set of
neurons) is computed once per model through `session.model_result`; only the open
tab is computed at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nnviz.explain.features import LatentMap, latent_map, layer_activations, top_activating, weight_tiles
from nnviz.explain.loss_landscape import WeightRef
from nnviz.figures.diagram import diagram_figure
from nnviz.figures.diagram_layout import (
    build_diagram,
    edge_from_selection,
    layer_title,
    most_active,
    neuron_from_selection,
)
from nnviz.figures.features import latent_figure, top_examples_figure, weight_tiles_figure
from nnviz.figures.history import epoch_probability_figure
from nnviz.figures.neuron import activation_figure, breakdown_figure
from nnviz.figures.style import PLOT_CONFIG, frozen
from nnviz.lesson.glossary import explain
from nnviz.model.forward import OVERFLOW_MESSAGE, ForwardPass, forward_pass
from nnviz.model.mnist import DataUnavailableError
from nnviz.model.network import Network
from nnviz.model.neuron import NeuronBreakdown, neuron_breakdown, neuron_name
from nnviz.model.snapshots import network_at_epoch, probability_across_epochs
from pages.ui import session
from pages.ui.view import chart
from pages.ui.widgets import (
    CANVAS_BLOCK_WIDTH,
    drawing_canvas,
    input_caption,
    model_badge,
    prediction_block,
    wrap_below_when_narrower,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

DIAGRAM_KEY = "network_diagram"
TILES_KEY = "network_tiles"
TILES_SHOWN = 32  # weight tiles drawn by default: 32 stay readable on a projector and light to send
TOP_EXAMPLES = 9
EXAMPLES_HEIGHT = 440
TAB_LOOKS_FOR = "What each neuron looks for"
TAB_LATENT = "Hidden layers as features"
TERMS_IN_WORDS = 3
TERMS_IN_CHART = 8  # the waterfall: 8 terms, the rest, the bias and z
CURVE_HEIGHT = 320
DIAGRAM_HEIGHT = 420
MAIN_BLOCK_KEY = "network_main"
MAIN_BLOCK_MIN_WIDTH = 440  # narrower, the diagram's labels collide: it then goes below the canvas

STAR_LABELS = {"test digit": "this test digit", "photo": "your photo"}  # else "your drawing"

HELP_WEIGHT = explain("weight")
HELP_Z = f"{explain('weighted_sum')} {explain('bias')}"
HELP_ACTIVATION = f"{explain('activation')} {explain('softmax')}"
HELP_PCA = explain("pca")
HELP_EPOCH = f"{explain('epoch')} Slide back to see it as it was then."


# --- the model on show: the session's model, or one of its earlier epochs ----------------------------------------


def _time_travel(base: Network, current: session.CurrentInput | None, hint_slot: DeltaGenerator) -> tuple[Network, str]:
    """The epoch slider (when the session model has snapshots); returns (network to show, its cache id).

    Without snapshots there is only a one-line hint, put in `hint_slot` under the diagram,
    where it leaves the neuron panel higher up the screen.
    """
    base_id = session.model_fingerprint(base)
    snapshots = session.session_snapshots()
    if session.is_default_network() or not snapshots:
        hint_slot.caption(
            "Train a model on the Train page to travel back through its epochs.",
            help="Time-travel replays the weights saved after every epoch of your own training run.",
        )
        return base, base_id
    last = len(snapshots)
    if last < 2:
        st.caption("Your model trained for a single epoch: there is no earlier version to travel back to.")
        return base, base_id
    epoch = st.slider(
        "Training time-travel: after epoch",
        1,
        last,
        value=last,
        key=f"network_epoch_{base_id[:12]}",  # a new model gets a fresh slider, at its last epoch
        help=HELP_EPOCH,
    )
    network, model_id = base, base_id
    try:
        if epoch < last:
            network = network_at_epoch(base.config, snapshots, epoch, label=f"{base.label}, after epoch {epoch}")
            model_id = f"{base_id}@{epoch}"
        history = None if current is None else probability_across_epochs(base.config, snapshots, current.pixels)
    except ValueError as exc:  # snapshots that do not fit the model: show the model itself
        st.warning(f"Time-travel is not available for this model. {exc}", icon=":material/history:")
        return base, base_id
    if history is not None:
        chart(
            epoch_probability_figure(history, current_epoch=epoch, height=250),
            config=PLOT_CONFIG,
            theme=None,
            key="network_epoch_chart",
        )
        st.caption(
            f"How sure the network was that this is a {history.digit}, after each epoch of training. "
            "The ring marks the epoch on the slider."
        )
    return network, model_id


# --- which neuron the panel follows ------------------------------------------------------------------------------


def _most_active_neuron(forward: ForwardPass | None, layer: int) -> int:
    """The neuron of `layer` furthest from 0 for this input (tanh neurons are active both ways); 0 without input."""
    if forward is None:
        return 0
    return int(np.argmax(np.abs(forward.activations[layer][0])))


def _followed_neuron(network: Network, forward: ForwardPass | None) -> tuple[int, int, bool]:
    """(layer index, neuron, chosen automatically?) from the student's pick, falling back when it does not fit.

    A pick stops fitting when a model of another shape is trained (its layer or neuron
    is gone): then the panel follows hidden layer 1 (the output when there is none),
    and a layer's most active neuron when no neuron is picked.
    """
    names = network.config.layer_names
    layer, neuron = 1, None
    picked = session.selected_neuron()
    try:
        name, picked_neuron = picked
        if name in names[1:]:
            layer, neuron = names.index(name), None if picked_neuron is None else int(picked_neuron)
    except (TypeError, ValueError):
        pass  # nothing picked yet, or a pick this page cannot read: follow the default
    if neuron is not None and not 0 <= neuron < network.config.layer_sizes[layer]:
        neuron = None
    if neuron is None:
        return layer, _most_active_neuron(forward, layer), True
    return layer, neuron, False


def _select(layer: int, neuron: int | None) -> None:
    """Follow neuron `neuron` of layer index `layer` (in the session's model, whose shape every epoch shares)."""
    names = session.active_network().config.layer_names
    if 1 <= layer < len(names):
        session.select_neuron(names[layer], neuron)


def _on_diagram_click() -> None:
    selection = session.chart_selection(DIAGRAM_KEY)
    picked = neuron_from_selection(selection)
    if picked is not None:
        _select(*picked)
        return
    edge = edge_from_selection(selection)
    base = session.active_network()
    if edge is not None and WeightRef(*edge).fits(base.config):
        # Every epoch of the session's model shares its shape: the Learn page shows the same weight.
        session.pick_weight_from_diagram(session.model_fingerprint(base), WeightRef(*edge))


def _on_tile_click() -> None:
    picked = neuron_from_selection(session.chart_selection(TILES_KEY))
    if picked is not None:
        _select(*picked)


def _on_pick() -> None:
    layer, neuron = session.picked_in_pickers()
    if layer is not None:
        _select(layer, neuron)


# --- the signal: prediction, diagram, inside one neuron ----------------------------------------------------------


def _picked_edge(network: Network, base_id: str) -> None:
    """After a click on an edge: its weight in words and numbers, and the way to the Learn page."""
    ref = session.diagram_edge_weight(base_id)
    if ref is None or not ref.fits(network.config):
        return
    value = float(network.layers[ref.layer].weights[ref.row, ref.column])
    # Built from numbers and layer names only: safe as markdown.
    words = ref.describe(network.config)
    st.markdown(f"{words[0].upper()}{words[1:]}: **w = {value:+.3f}**")
    st.page_link(
        "pages/screens/learn.py",
        label="See it on the Learn page",
        icon=":material/trending_down:",
        help="The Learn page plots the loss against this weight's value: gradient descent walks downhill.",
    )


def _diagram(network: Network, forward: ForwardPass, layer: int, neuron: int, base_id: str) -> None:
    layout = build_diagram(network, forward, keep={layer: [neuron]})
    edge = session.diagram_edge_weight(base_id)
    chart(
        diagram_figure(
            layout,
            selected=(layer, neuron),
            height=DIAGRAM_HEIGHT,
            selected_edge=None if edge is None else (edge.layer, edge.row, edge.column),
        ),
        config=PLOT_CONFIG,
        theme=None,
        key=DIAGRAM_KEY,
        on_select=_on_diagram_click,
        selection_mode="points",
    )
    st.caption(
        "The signal flows left to right. Circles are neurons (brighter = more active); lines are the strongest "
        "pushes, blue adds, orange dashed holds back. **Click a neuron** to look inside it, or the middle of a "
        "line to pick its weight for the Learn page.",
        help="Only the strongest connections and the most active neurons of big layers are drawn, "
        "so the picture stays readable. The green ring marks the winning output, the black ring the neuron "
        "you are looking inside, the black diamond the line whose weight you picked.",
    )
    _picked_edge(network, base_id)


def _pickers(network: Network, layer: int, neuron: int, automatic: bool) -> None:
    """Choose a neuron without clicking: a layer and a neuron number (they follow clicks on the diagram too)."""
    n_layers = len(network.layers)
    session.show_in_pickers(layer, neuron)
    layer_col, neuron_col = st.columns([1.2, 1])
    layer_col.selectbox(
        "Layer",
        list(range(1, n_layers + 1)),
        format_func=lambda index: layer_title(index, n_layers + 1),
        key=session.LAYER_PICKER,
        on_change=_on_pick,
    )
    neuron_col.number_input(
        "Neuron",
        min_value=0,
        max_value=network.config.layer_sizes[layer] - 1,
        step=1,
        key=session.NEURON_PICKER,
        on_change=_on_pick,
        help="Neurons are numbered from 0 within their layer.",
    )
    if automatic:
        st.caption("Picked for you: this layer's most active neuron. Click any neuron in the diagram.")
    else:
        st.button(
            "Follow the most active",
            key="network_most_active",
            icon=":material/bolt:",
            on_click=_select,
            args=(layer, None),
            help="Follow this layer's most active neuron, even as you draw something new.",
        )


def _signed(value: float) -> str:
    """A signed number in the page's colours: blue pushes up, orange pushes down."""
    return f":{'blue' if value >= 0 else 'orange'}[**{value:+.3f}**]"


def _in_words(breakdown: NeuronBreakdown, network: Network) -> str:
    """The weighted sum as a column of real numbers, top to bottom, ending at what the neuron passes on."""
    shown = breakdown.terms[:TERMS_IN_WORDS]
    others = breakdown.n_inputs - len(shown)
    rest = breakdown.total - breakdown.bias - sum(t.contribution for t in shown)
    lines = [f"Its **{breakdown.n_inputs}** inputs, each times its weight:"]
    lines += [f"- {_signed(t.contribution)} from {t.label}" for t in shown]
    if others:
        lines.append(f"- {_signed(rest)} from the other {others} together")
    lines.append(f"- {_signed(breakdown.bias)} bias")
    lines.append(f"- **= {breakdown.z:.3f}**, the weighted sum z")
    if breakdown.is_output:
        lines.append(f"\nSoftmax turns that into **{breakdown.value:.1%}** sure it is a {breakdown.digit}.")
    else:
        last_hidden = breakdown.layer_index == len(network.layers) - 1
        target = "the output neurons" if last_hidden else f"hidden layer {breakdown.layer_index + 1}"
        lines.append(
            f"\n{breakdown.function_label}({breakdown.z:.3f}) = **{breakdown.value:.3f}** is passed on to {target}."
        )
    return "\n".join(lines)


def _neuron_panel(network: Network, forward: ForwardPass, layer: int, neuron: int, automatic: bool) -> None:
    breakdown = neuron_breakdown(network, forward, layer, neuron, n_terms=TERMS_IN_CHART)
    st.subheader(f"Inside {breakdown.title}")
    # Read top to bottom on the left: the sum in numbers, then the squash; the sum as bars on the right.
    text_col, sum_col = st.columns([1, 1.45], gap="medium")
    with text_col:
        _pickers(network, layer, neuron, automatic)
        st.markdown(_in_words(breakdown, network), help=HELP_Z)
        chart(
            activation_figure(breakdown, height=CURVE_HEIGHT), config=PLOT_CONFIG, theme=None, key="network_activation"
        )
        st.caption(f"{breakdown.explanation()} The dot is this neuron right now.", help=HELP_ACTIVATION)
    with sum_col:
        chart(breakdown_figure(breakdown), config=PLOT_CONFIG, theme=None, key="network_breakdown")
        st.caption(
            "The sum, piece by piece: each bar is one input's push (weight × value), ending at z. "
            "Blue bars push z up, orange bars pull it down.",
            help=HELP_WEIGHT,
        )


# --- what each neuron looks for ----------------------------------------------------------------------------------


def _model_test_digits(network: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x_test, y_test, indices of the test digits this model knows): a 7/8/9 model only sees 7s, 8s and 9s."""
    x_test, y_test = session.test_digits()
    return x_test, y_test, np.flatnonzero(np.isin(y_test, network.digits))


def _top_examples_of(network: Network, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """For every neuron of `layer`, the test digits that excite it most: (9, size) test-set indices and values."""
    x_test, _, known = _model_test_digits(network)
    activations = layer_activations(network, x_test[known], layer)
    order = np.stack([top_activating(activations, n, TOP_EXAMPLES) for n in range(activations.shape[1])], axis=1)
    return known[order], np.take_along_axis(activations, order, axis=0)


def _latent_of(network: Network, layer: int) -> LatentMap:
    x_test, y_test, known = _model_test_digits(network)
    return latent_map(network, x_test[known], y_test[known], layer)


def _tiles_columns(count: int) -> int:
    """Tiles per row that keep `count` tiles readable across the page (the figure keeps them square)."""
    return 8 if count <= 32 else 12 if count <= 144 else 16


def _tiles_figure(network: Network, neurons: np.ndarray) -> go.Figure:
    return weight_tiles_figure(weight_tiles(network, neurons), neurons, columns=_tiles_columns(len(neurons)))


def _tiles_first(network: Network, _: int) -> go.Figure:
    # Frozen: cached per model and shown on every stroke, so it is made ready to send once (see FrozenFigure).
    return frozen(_tiles_figure(network, np.arange(min(TILES_SHOWN, network.layers[0].bias.size))))


def _tiles_all(network: Network, _: int) -> go.Figure:
    return frozen(_tiles_figure(network, np.arange(network.layers[0].bias.size)))


def _weight_tiles(network: Network, model_id: str, forward: ForwardPass | None, layer: int, neuron: int) -> None:
    size = network.layers[0].bias.size
    first = "output" if len(network.layers) == 1 else "hidden layer 1"
    choice = "all"
    if size > TILES_SHOWN:
        # The first ones by default: they stay put while drawing, so a stroke does not redraw them.
        options = {
            "first": f"Neurons 0–{TILES_SHOWN - 1}",
            "active": "Most active now",
            "all": f"All {size}",
        }
        choice = st.segmented_control(
            "Which neurons",
            list(options),
            format_func=options.get,
            default="first",
            required=True,
            key="network_tiles_choice",
            help=f"{size} neurons are too many to read at once: see the first {TILES_SHOWN}, the {TILES_SHOWN} most "
            "active for the current drawing (the ones in the diagram), or all of them.",
        )
    if choice == "active" and forward is not None:
        keep = [neuron] if layer == 1 else []
        figure = _tiles_figure(network, most_active(forward.activations[1][0], TILES_SHOWN, keep))
    elif choice == "all":
        figure = session.model_result("tiles_all", model_id, 0, network, _tiles_all)
    else:  # the first ones, also for "most active" while there is nothing drawn
        figure = session.model_result("tiles_first", model_id, 0, network, _tiles_first)
    chart(figure, config=PLOT_CONFIG, theme=None, key=TILES_KEY, on_select=_on_tile_click, selection_mode="points")
    st.caption(
        f"Each square is one neuron of {first}: its 784 weights laid out like the 28×28 image. Blue where ink "
        "switches the neuron on, orange where ink switches it off. Click a tile to look inside that neuron.",
        help=HELP_WEIGHT,
    )


def _looks_for(
    network: Network, model_id: str, forward: ForwardPass | None, layer: int, neuron: int, automatic: bool
) -> None:
    _weight_tiles(network, model_id, forward, layer, neuron)
    if automatic:
        # Only a picked neuron gets its own pictures: they then stay put while the student draws,
        # instead of being redrawn for whichever neuron happens to be the most active.
        st.info(
            "Click a neuron in the diagram or a tile above (or pick one by number) to see what it looks for: "
            "its weights as a picture and the test digits that excite it most.",
            icon=":material/touch_app:",
        )
        return
    name = neuron_name(network.config, layer, neuron)
    st.subheader(f"What {name} looks for")
    weights_col, examples_col = st.columns([1, 1.3], gap="large")
    with weights_col:
        if layer == 1:
            chart(
                weight_tiles_figure(weight_tiles(network, [neuron]), [neuron], columns=1, height=EXAMPLES_HEIGHT),
                config=PLOT_CONFIG,
                theme=None,
                key="network_neuron_tile",
            )
            st.caption("Its 784 weights, one per pixel: ink on blue pixels switches it on, ink on orange ones off.")
        else:
            st.info(
                f"A neuron of {'the output' if layer == len(network.layers) else f'hidden layer {layer}'} weighs "
                f"the {network.config.layer_sizes[layer - 1]} neurons of the layer before it, not pixels, so its "
                "weights do not make a picture. The test digits on the right show what it responds to.",
                icon=":material/lightbulb:",
            )
    with examples_col:
        try:
            x_test, y_test = session.test_digits()
            with st.spinner("Running the test digits through the network…"):
                indices, values = session.model_result("top_examples", model_id, layer, network, _top_examples_of)
        except DataUnavailableError as exc:
            st.info(f"The MNIST test digits are not available, so this part cannot be shown. {exc}")
            return
        if not np.isfinite(values[:, neuron]).all():
            st.error(OVERFLOW_MESSAGE, icon=":material/error:")
            return
        chart(
            top_examples_figure(x_test, indices[:, neuron], values[:, neuron], labels=y_test, height=EXAMPLES_HEIGHT),
            config=PLOT_CONFIG,
            theme=None,
            key="network_top_examples",
        )
        st.caption(
            f"The {TOP_EXAMPLES} test digits that make this neuron's value highest: what it has learned to spot. "
            "Each says which digit it really is and the neuron's value."
        )


# --- hidden layers as latent features ----------------------------------------------------------------------------


def _latent(network: Network, model_id: str, forward: ForwardPass | None, current: session.CurrentInput | None) -> None:
    hidden = list(range(1, len(network.layers)))
    if not hidden:
        st.info(
            "This network has no hidden layers: the pixels go straight to the output neurons, "
            "so there are no hidden features to map.",
            icon=":material/info:",
        )
        return
    layer = hidden[0]
    if len(hidden) > 1:
        layer = st.segmented_control(
            "Hidden layer",
            hidden,
            format_func=network.config.layer_title,
            default=hidden[0],
            required=True,
            key=f"network_latent_layer_{len(hidden)}",  # another number of hidden layers: other options
        )
    try:
        with st.spinner("Mapping the test digits…"):
            latent = session.model_result("latent", model_id, layer, network, _latent_of)
    except DataUnavailableError as exc:
        st.info(f"The MNIST test digits are not available, so this map cannot be drawn. {exc}")
        return
    except ValueError as exc:  # the model overflowed: there is no map to draw
        st.error(str(exc), icon=":material/error:")
        return
    star = None if forward is None else latent.pca.project(forward.activations[layer][0])
    star_label = STAR_LABELS.get(current.source if current is not None else "", "your drawing")
    chart(
        latent_figure(latent, star=star, star_label=star_label, digits=network.digits, height=560),
        config=PLOT_CONFIG,
        theme=None,
        key="network_latent",
    )
    size = network.config.layer_sizes[layer]
    star_note = f" The black star is {star_label}: it moves as you draw." if forward is not None else ""
    st.caption(
        f"Each dot is one of {len(latent.labels):,} test digits, placed by what the {size} neurons of hidden "
        f"layer {layer} do for it, squeezed onto a flat map. Digits the network finds alike land close "
        f"together.{star_note}",
        help=HELP_PCA,
    )


# --- the page ----------------------------------------------------------------------------------------------------


@st.fragment
def follow_the_signal() -> None:
    # A fragment: a stroke (or a click on a neuron) reruns only this part of the page.
    base = session.active_network()
    model_badge()  # after active_network() has collected a finished run, so it names the model in use
    # The canvas keeps its 280 px; the diagram takes the rest of the row, or wraps below the
    # canvas when the row is too narrow for both (a 1024 px projector with the sidebar open).
    row = st.container(horizontal=True, gap="medium")
    canvas_col = row.container(width=CANVAS_BLOCK_WIDTH)
    main_col = row.container(width="stretch", key=MAIN_BLOCK_KEY)
    wrap_below_when_narrower(MAIN_BLOCK_KEY, MAIN_BLOCK_MIN_WIDTH)
    with canvas_col:
        current = drawing_canvas("network")
        prediction_slot = st.container()
    diagram_slot, hint_slot = main_col.container(), main_col.container()
    with canvas_col:
        network, model_id = _time_travel(base, current, hint_slot)
    forward = None if current is None else forward_pass(network, current.pixels)
    layer, neuron, automatic = _followed_neuron(network, forward)
    with diagram_slot:
        if forward is None:
            st.info(
                "Draw a digit on the black square, or press **Test digit**, and follow its signal "
                "through the network, neuron by neuron.",
                icon=":material/draw:",
            )
        else:
            with prediction_slot:
                note = input_caption(current) if current.source != "drawing" else ""  # a test digit's label
                if not prediction_block(network, forward, note=note):
                    forward = None  # an overflowed pass: nothing below can be drawn from it
            if forward is not None:
                _diagram(network, forward, layer, neuron, session.model_fingerprint(base))
    if forward is not None:
        _neuron_panel(network, forward, layer, neuron, automatic)

    looks_for_tab, latent_tab = st.tabs([TAB_LOOKS_FOR, TAB_LATENT], key=session.NETWORK_TABS, on_change="rerun")
    if looks_for_tab.open:
        with looks_for_tab:
            _looks_for(network, model_id, forward, layer, neuron, automatic)
    if latent_tab.open:
        with latent_tab:
            _latent(network, model_id, forward, current)


st.title("Inside the network")
follow_the_signal()
