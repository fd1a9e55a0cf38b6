"""The longer sentences of the Network and Test pages, built from the numbers they describe.

Pages call these and show the result; the numbers come in as arguments, so a test can
give contrary numbers and read the sentence. Markdown is used for emphasis only: no
user text ever goes in.
"""

from __future__ import annotations

import numpy as np

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


def star_label(source: str | None) -> str:
    """What the star on the PCA map stands for, by the input's source (CurrentInput.source; None: no input)."""
    return {"test digit": "this test digit", "photo": "your photo"}.get(source or "", "your drawing")


def latent_caption(n_digits: int, config: NetworkConfig, layer: int, star_label: str | None) -> str:
    """Under the PCA map of hidden layer `layer` drawn from `n_digits` test digits; star_label: the input's star."""
    star = "" if star_label is None else f" The black star is {star_label}: it moves as you draw."
    return (
        f"Each dot is one of {n_digits:,} test digits, placed by what the {config.layer_sizes[layer]} neurons of "
        f"hidden layer {layer} do for it, squeezed onto a flat map. Digits the network finds alike land close "
        f"together.{star}"
    )


# --- Test page ------------------------------------------------------------------------------------------------


def matrix_caption(confusion: np.ndarray, digits: tuple[int, ...]) -> str:
    """Under the confusion matrix (k, k) counts, rows = true digit: how to read it, and its biggest mistake."""
    counts = np.asarray(confusion, dtype=np.int64)
    mistakes = np.where(np.eye(len(digits), dtype=bool), 0, counts)
    how = (
        "**Confusion matrix.** Row: the true digit. Column: what the network said. Framed diagonal = right; "
        "the darker a mistake's cell, the more often it happened"
    )
    click = "**click a number** to see those test digits."
    if mistakes.max() == 0:
        return f"{how}. No mistakes at all; {click}"
    true, said = np.unravel_index(int(mistakes.argmax()), mistakes.shape)
    count = int(mistakes[true, said])
    image = "image" if count == 1 else "images"
    return f"{how}: the biggest is a true {digits[true]} read as {digits[said]} ({count:,} {image}). Then {click}"


MISTAKES = (
    "Wrong answers given with the most certainty: true digit → what the network said · how sure. "
    "Would you have read them right? **Click one** to make it the input."
)
NO_INPUT_TO_EXPLAIN = (
    "Nothing to explain yet: draw a digit on the Draw page, click a test digit on the first tab, or pick one at random."
)
NO_DRAWINGS_YET = (
    "No drawings collected yet. On the Draw page, draw a digit, open **Collect**, say which digit you "
    "meant and keep it. Do it for a few of each digit, then come back here."
)
TRAINING_VS_REAL_USE = (
    "Training data vs real use: a model can be very good on test digits that look like its training data and "
    "worse on handwriting that looks different."
)


def subset_model(digits: tuple[int, ...]) -> str:
    """Above a subset model's table of the digits it was never taught."""
    known = ", ".join(str(d) for d in digits)
    return (
        f"This model only knows {known}. The matrix counts only those test digits. Every other digit is still "
        f'forced into one of {known}: it has no output for "none of these".'
    )


def cell_title(true_digit: int, said: int) -> str:
    return f"The {true_digit}s read right" if true_digit == said else f"The {true_digit}s read as {said}"


def cell_caption(true_digit: int, said: int, shown: int, count: int) -> str:
    """Under a cell's gallery: `shown` of the cell's `count` test digits, the most confident first."""
    more = "" if count <= shown else f" (the {shown} most confident of {count})"
    return (
        f"Test digits whose true label is {true_digit} and that the network called {said}{more}, "
        "with how sure it was. **Click one** to make it the input."
    )


# Where a test digit clicked on the Test page can be looked at next: (link label, page, material icon).
INPUT_WAYS = (
    ("See it on Draw", "draw", "draw"),
    ("Follow it in Network", "network", "hub"),
    ("Learn from it", "learn", "school"),
)


def clicked_digit_note(index: int, true_label: int) -> str:
    """After a click on a test image: which one is now the input (its index in the test set and its label)."""
    return f"Test digit #{index} (a {true_label}) is now the input."


def preparation_caption(drawn: bool) -> str:
    """Under the preparation steps: the ink of the drawing, or the 28 × 28 input standing in for it."""
    what = "your drawing" if drawn else "this input (its 28 × 28 picture stands in for a drawing)"
    return (
        f"The same ink of {what}, prepared the MNIST way (crop to the ink, fit it in 20 px, centre it), then with "
        "one step left out, then with none: the network only knows digits that look like its training data."
    )


def unknown_drawings(count: int) -> str:
    """Under "Our drawings": how many of the class's drawings show digits the model never learned."""
    drawings = "1 drawing shows a digit" if count == 1 else f"{count:,} drawings show digits"
    return f"{drawings} this model does not know; {'it is' if count == 1 else 'they are'} left out."
