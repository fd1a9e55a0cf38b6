"""The longer sentences of the Network and Test pages, built from the numbers they describe.

Pages call these and show the result; the numbers come in as arguments, so a test can
give contrary numbers and read the sentence. Markdown is used for emphasis only: no
user text ever goes in.
"""

from __future__ import annotations

from nnviz.model.network import NetworkConfig

# --- Network page ---------------------------------------------------------------------------------------------

NETWORK_START = (
    "Draw a digit on the black square, or press **Test digit**, and follow its signal through the network, "
    "neuron by neuron."
)
NO_EARLIER_EPOCH = "Your model trained for a single epoch: there is no earlier version to travel back to."
TRAIN_TO_TIME_TRAVEL = "Train a model on the Train page to travel back through its epochs."
DIAGRAM = (
    "The signal flows left to right. Circles are neurons (brighter = more active); lines are the strongest "
    "pushes, blue adds, orange dashed holds back. **Click a neuron** to look inside it, or the middle of a "
    "line to pick its weight for the Learn page."
)
AUTOMATIC_PICK = "Picked for you: this layer's most active neuron. Click any neuron in the diagram."
SUM_BARS = (
    "The sum, piece by piece: each bar is one input's push (weight × value), ending at z. "
    "Blue bars push z up, orange bars pull it down."
)
PICK_TO_SEE = (
    "Click a neuron in the diagram or a tile above (or pick one by number) to see what it looks for: "
    "its weights as a picture and the test digits that excite it most."
)
NEURON_TILE = "Its 784 weights, one per pixel: ink on blue pixels switches it on, ink on orange ones off."
NO_HIDDEN_LAYERS = (
    "This network has no hidden layers: the pixels go straight to the output neurons, "
    "so there are no hidden features to map."
)


def epochs_caption(digit: int) -> str:
    return (
        f"How sure the network was that this is a {digit}, after each epoch of training. "
        "The ring marks the epoch on the slider."
    )


def tiles_caption(config: NetworkConfig) -> str:
    """Under the weight tiles: whose tiles they are (the first weight layer's neurons)."""
    first = "output" if len(config.layer_sizes) == 2 else "hidden layer 1"
    return (
        f"Each square is one neuron of {first}: its 784 weights laid out like the 28×28 image. Blue where ink "
        "switches the neuron on, orange where ink switches it off. Click a tile to look inside that neuron."
    )


def weights_no_picture(config: NetworkConfig, layer: int) -> str:
    """Why a neuron past the first layer has no weight picture (layer: 2 .. the output layer's index)."""
    which = "the output" if layer == len(config.layer_sizes) - 1 else f"hidden layer {layer}"
    return (
        f"A neuron of {which} weighs the {config.layer_sizes[layer - 1]} neurons of the layer before it, not "
        "pixels, so its weights do not make a picture. The test digits on the right show what it responds to."
    )


def examples_caption(count: int) -> str:
    return (
        f"The {count} test digits that make this neuron's value highest: what it has learned to spot. "
        "Each says which digit it really is and the neuron's value."
    )


def latent_caption(n_digits: int, config: NetworkConfig, layer: int, star_label: str | None) -> str:
    """Under the PCA map of hidden layer `layer` drawn from `n_digits` test digits; star_label: the input's star."""
    star = "" if star_label is None else f" The black star is {star_label}: it moves as you draw."
    return (
        f"Each dot is one of {n_digits:,} test digits, placed by what the {config.layer_sizes[layer]} neurons of "
        f"hidden layer {layer} do for it, squeezed onto a flat map. Digits the network finds alike land close "
        f"together.{star}"
    )
