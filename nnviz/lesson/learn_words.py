"""The Learn page's words: what each picture shows, and the warnings, computed from the values they describe.

Constants describe pictures whose wording never depends on the numbers; the functions
put the real numbers (or their absence) into the sentence, so the page only shows them.
"""

from __future__ import annotations

from nnviz.explain.loss_reading import BatchReading, InputLoss
from nnviz.lesson.wording import percent
from nnviz.model.gradient_step import SteppedModel
from nnviz.model.network import NetworkConfig
from nnviz.training.config import TrainingConfig
from nnviz.training.learn_experiments import SUBSETS

INTRO = (
    "Learning means finding the right weights. The **loss** says how wrong the network is; **gradient descent** "
    "nudges every weight a little downhill to make the loss smaller."
)
LOSS_CURVE = (
    "What am I looking at: the loss for every possible p; the diamond is this input. "
    "Sure and right (p near 1): loss near 0. Sure and wrong (p near 0): the loss shoots up."
)
STEP_PROMPT = "Draw a digit above and pick the digit it should be: then teach the network, one step at a time."
NO_EPOCHS = "Train a model on the Train page to see where this weight went, epoch by epoch."
EPOCH_DOTS = (
    "The green dots are this weight's value after each epoch (0 = where training started). The curve "
    "itself moves when you slide the epoch: the other weights moved too, so the valley is not where it was."
)
BEFORE_AFTER = "What am I looking at: each digit's probability before (blue) and after (orange, striped) the steps."
TOO_BIG = (
    "The steps were too big: they fixed your drawing but knocked the weights far from what the other "
    "digits need. Press **Start over** and try a smaller learning rate η."
)
START_HISTOGRAM = (
    "What am I looking at: how often each value of the first hidden layer occurs before training. "
    "Too-large weights push the sums far out: sigmoid and tanh sit flat at their ends, ReLU values "
    "explode, and the gradient has nothing useful to follow."
)
START_INTRO = (
    "Gradient descent has to start somewhere. Train this network's shape five times, each from different "
    "starting weights, and compare."
)
DATA_INTRO = (
    "The lab says neural networks need more data than simpler methods, but keep improving with more of it. "
    "Test the claim: the default network, logistic regression and k-nearest neighbours, each trained on "
    "100 to all training images."
)
DATA_SIZES = (
    "What am I looking at: how often each method is right on the same test digits, against how many "
    "training images it learned from. Each step to the right is about three times more data. Each dot is the "
    f"average of {SUBSETS} different random sets of that many images; its bar goes from the worst to the best."
)


Metric = tuple[str, str, str | None]  # (label, value, glossary term of its help or None)


def probability_text(p: float) -> str:
    """A probability to 3 decimals that never reads 0 or 1 when it is not: "< 0.001", "> 0.999"."""
    if 0 < p < 1e-3:
        return "< 0.001"
    return "> 0.999" if 0.9995 <= p < 1 else f"{p:.3f}"


def input_metrics(now: InputLoss) -> list[Metric]:
    """Beside the canvas: the digit the network says and its loss (cross-entropy) on this input."""
    return [("Prediction", str(now.predicted), "prediction"), ("Loss", f"{now.crossentropy:.3f}", "crossentropy")]


def loss_metrics(now: InputLoss, true_digit: int) -> list[Metric]:
    """Three ways to say how wrong the network is on one input whose true digit is `true_digit`."""
    return [
        (f"p (probability of {true_digit})", probability_text(now.p_true), None),
        ("Loss −log p", f"{now.crossentropy:.3f}", "crossentropy"),
        ("Mean squared error", f"{now.mse:.4f}", "mse"),
    ]


def batch_metrics(read: BatchReading) -> list[Metric]:
    """How wrong on the evaluation batch: its accuracy and its mean cross-entropy."""
    return [
        ("Accuracy", percent(read.accuracy, 1), "accuracy"),
        ("Mean loss (cross-entropy)", f"{read.mean_loss:.3f}", "crossentropy"),
    ]


def weight_layer_title(config: NetworkConfig, layer: int) -> str:
    """Weight layer `layer` (0-based) as the picker names it: "Input → Hidden layer 1 (128 neurons)"."""
    return f"{config.layer_title(layer).split(' (')[0]} → {config.layer_title(layer + 1)}"


def from_neuron_label(layer: int) -> str:
    """The "from" picker's label: the first weight layer starts at a pixel, numbered row × 28 + column."""
    return "From neuron (pixel = row × 28 + column)" if layer == 0 else "From neuron"


def before_after_title(steps: int) -> str:
    return f"Before and after {steps} step{'s' if steps != 1 else ''}"


def pixel_picker(neuron: int, layer_title: str) -> str:
    """Under the weight tile of `neuron` of the first hidden layer, titled `layer_title` ("Hidden layer 1")."""
    return (
        f"What am I looking at: the 784 weights into neuron {neuron} of {layer_title.lower()}, one per pixel "
        "(blue pushes the neuron up, orange down). **Click a pixel** to see the loss against that pixel's weight."
    )


def loss_slice(has_path: bool) -> str:
    """Under the 2-D slice; `has_path`: the training path is drawn on it."""
    path = (
        " The white line is the training path seen on this slice: random directions are almost at right angles to "
        "the path training took, so it looks short here."
        if has_path
        else ""
    )
    return (
        "What am I looking at: the loss (dark = low) on a flat cut through all the weights at once; the diamond is "
        f"the model now, at the bottom of its valley.{path}"
    )


def step_table(learning_rate: float) -> str:
    """Under the table of the steepest weights and where one step of rate `learning_rate` sends them."""
    return (
        "What am I looking at: the weights whose gradient is largest for your drawing, and where one step of "
        f"w ← w − η·∂L/∂w (η = {learning_rate:g}) sends them. Every other weight and bias moves too, by less."
    )


def overshoot(stepped: SteppedModel) -> str | None:
    """The warning when the last step raised the loss on the drawing, with its two losses; None if it did not."""
    if not stepped.overshot:
        return None
    before, after = stepped.steps[-1]
    return (
        f"Overshoot! The last step raised the loss from {before:.4g} to {after:.4g}: "
        "η is so big the step jumped past the bottom of the valley. Try a smaller learning rate."
    )


def starting_curves(config: NetworkConfig, training: TrainingConfig, story: str = "") -> str:
    """Under the starting-weights loss curves of a `config` network trained like `training`.

    story: what happened, computed from the runs (`nnviz.training.experiment_results.what_happened`).
    """
    text = (
        f"What am I looking at: the training loss of the same {config.describe()} network, started five ways "
        f"({training.train_size:,} images, {training.epochs} epochs of plain gradient descent); "
        "the legend gives each one's accuracy on the test digits."
    )
    return f"{text} **What happened:** {story}" if story else text
