"""The teacher's lesson: the steps of the lab, in order, each one click from the live network.

Pure content and logic: the page (pages/screens/lesson.py) lays it out. A step names the
place that shows its idea (a page and its tab, nnviz.session.address.Place), the complete
experiment that place opens with (the defaults, then the step's preset and a few settings by
their link names, as in ``/train?preset=lab&epochs=10``: never what the previous step set),
and, where the live network can answer it, a check question whose answer is computed from the
session's model and input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from nnviz.lesson.wording import sure
from nnviz.model.forward import forward_pass
from nnviz.model.network import Network
from nnviz.session.address import Place
from nnviz.session.settings import PRESETS, SETTINGS_BY_LINK, Experiment, ViewConfig


@dataclass(frozen=True)
class Check:
    """A question the live network answers.

    needs_input: the answer depends on what is drawn (None without a drawing).
    answer(network, pixels) -> the answer in words; pixels: (784,) 0..1 or None.
    """

    question: str
    answer: Callable[[Network, np.ndarray | None], str]
    needs_input: bool = True


@dataclass(frozen=True)
class Step:
    """One step of the lesson.

    title: a few words; text: 2-4 sentences for a 15-year-old; do: one thing to do, doable where it opens.
    page: the page key it opens (nnviz.session.address.PAGE_FILES); button: the button's label.
    preset: name of a settings preset to start from (None: the defaults);
    settings: link name -> text, applied on top (e.g. {"lr": "3"}).
    terms: glossary keys this step introduces. check: an optional Check.
    tab: the slug of the page's tab it opens (None: a page without tabs).
    """

    title: str
    text: str
    do: str
    page: str
    button: str
    preset: str | None = None
    settings: Mapping[str, str] = field(default_factory=dict)
    terms: tuple[str, ...] = ()
    check: Check | None = None
    tab: str | None = None

    @property
    def place(self) -> Place:
        """Where its button opens (raises ValueError for a page or tab nnviz lacks: a test checks every step)."""
        return Place(self.page, self.tab)


# --- answers read from the live network ------------------------------------------------------------------------


def bright_pixels(_: Network, pixels: np.ndarray | None) -> str:
    count = int(np.count_nonzero(np.asarray(pixels) > 0.5))
    return f"{count} of the 784 input neurons are above 0.5 (bright), the rest are darker."


def most_active_hidden(network: Network, pixels: np.ndarray | None) -> str:
    if len(network.layers) < 2:
        return "This network has no hidden layer: the pixels go straight to the outputs."
    values = forward_pass(network, pixels).activations[1][0]
    neuron = int(np.argmax(values))
    return f"Neuron {neuron} of hidden layer 1 fires most, with a value of {values[neuron]:.2f}."


def winner_sum(network: Network, pixels: np.ndarray | None) -> str:
    forward = forward_pass(network, pixels)
    winner = int(forward.probabilities[0].argmax())
    z = float(forward.pre_activations[-1][0, winner])
    bias = float(network.layers[-1].bias[winner])
    return (
        f"The winning output neuron (digit {network.digits[winner]}) has z = {z:.2f}, "
        f"of which {bias:+.2f} is its bias and {z - bias:+.2f} comes from the weighted inputs."
    )


def switched_off(network: Network, pixels: np.ndarray | None) -> str:
    if len(network.layers) < 2:
        return "This network has no hidden layer, so no hidden neuron can switch off."
    layer = network.layers[0]
    values = forward_pass(network, pixels).activations[1][0]
    if layer.activation != "relu":
        return f"This network uses {layer.activation}, which never gives exactly 0: no neuron is fully off."
    off = int(np.count_nonzero(values == 0))
    return f"{off} of the {values.size} neurons of hidden layer 1 are exactly 0: ReLU switched them off."


def winner_and_confidence(network: Network, pixels: np.ndarray | None) -> str:
    probabilities = forward_pass(network, pixels).probabilities[0]
    winner = int(probabilities.argmax())
    return f"Output neuron {winner} wins: the network says {network.digits[winner]}, {sure(probabilities[winner])}."


def output_count(network: Network, _: np.ndarray | None) -> str:
    digits = ", ".join(str(d) for d in network.digits)
    return f"{len(network.digits)} output neurons, one for each digit it knows: {digits}."


def latent_features(network: Network, pixels: np.ndarray | None) -> str:
    """The last hidden layer's values for the drawing: its own features, how many, the strongest, how many are 0."""
    if len(network.layers) < 2:
        return "This network has no hidden layer: it has no features of its own, only the 784 pixels."
    hidden = len(network.layers) - 1
    values = forward_pass(network, pixels).activations[hidden][0]
    strongest = np.argsort(-values, kind="stable")[:3]
    listed = ", ".join(f"neuron {int(n)} ({values[n]:.2f})" for n in strongest)
    off = int(np.count_nonzero(values == 0))
    zeros = f"; {off} of them are exactly 0 for this drawing" if off else ""
    return (
        f"Hidden layer {hidden} describes your drawing with {values.size} numbers, features it invented itself. "
        f"The strongest: {listed}{zeros}."
    )


STEPS: tuple[Step, ...] = (
    Step(
        "Neurons are numbers",
        "A neural network only works with numbers. Your drawing is cut into 28 × 28 = 784 pixels, and each pixel "
        "becomes one input neuron holding how much ink it has: 0 is black, 1 is full white ink.",
        "Draw a 7 and hover the pixel picture to read a few neurons' values.",
        "draw",
        "Open Draw",
        preset="default",
        terms=("neuron", "input_layer", "mnist"),
        check=Check("How many of your 784 input neurons are bright (above 0.5)?", bright_pixels),
    ),
    Step(
        "Layers and feed-forward",
        "Neurons sit in layers. The signal travels one way: from the pixels through the hidden layers to the "
        "output, layer after layer. That one-way trip is called feed-forward, and it happens every time you draw.",
        "Draw a digit and follow its signal from left to right in the diagram.",
        "network",
        "Open Network",
        terms=("layer", "hidden_layer", "feed_forward"),
        check=Check("Which hidden neuron of layer 1 fires most for your drawing?", most_active_hidden),
    ),
    Step(
        "Weights and biases",
        "Each neuron multiplies every input by a weight, adds them all up and adds its own bias: "
        "z = Σ wᵢxᵢ + bias. A positive weight pushes the neuron up, a negative one holds it back. "
        "The weights and biases are the numbers the network learns.",
        "Click the winning output neuron in the diagram and find its bias among the bars.",
        "network",
        "Open Network",
        terms=("weight", "bias", "weighted_sum", "parameters"),
        check=Check("What is the sum z of the winning output neuron, and how much of it is bias?", winner_sum),
    ),
    Step(
        "Activation functions",
        "After adding up, each neuron squashes its sum z with an activation function. ReLU turns every negative "
        "sum into 0, so many neurons are simply off; sigmoid and tanh squash into a range. "
        "Without this squash, ten layers would be no smarter than one.",
        "Look inside a few hidden neurons: where does the dot sit on the curve?",
        "network",
        "Open Network",
        terms=("activation", "relu", "sigmoid", "tanh"),
        check=Check("How many neurons of hidden layer 1 are switched off (exactly 0)?", switched_off),
    ),
    Step(
        "The output layer and the winner",
        "The last layer has one neuron per digit. Softmax turns their sums into chances that add up to 100 %, "
        "and the most active output neuron wins: that digit is the network's answer.",
        "Draw a 7 and find the most active output neuron.",
        "draw",
        "Open Draw",
        terms=("output_layer", "softmax", "prediction", "classification"),
        check=Check("Which output neuron wins, and how sure is the network?", winner_and_confidence),
    ),
    Step(
        "The 7/8/9 example",
        "The lab's network only tells 7, 8 and 9 apart: it has just three output neurons. "
        "Train it, then draw a digit it has never heard of, such as a 1. It still has to pick 7, 8 or 9!",
        "Press Train, then draw a 1 on the Draw page. What does it say?",
        "train",
        "Open the 7/8/9 network",
        preset="lab",
        terms=("classification", "output_layer"),
        check=Check("How many output neurons does your active network have?", output_count, needs_input=False),
    ),
    Step(
        "Training and test data",
        "A network learns from labelled examples: pictures with the right answer, the training data. "
        "To know whether it really learned, we score it on test data it has never seen: like an exam with new "
        "questions, not the homework again.",
        "Set “Training images” to 1,000, train, and compare the test score with the default network's.",
        "train",
        "Open Train with 1,000 images",
        settings={"images": "1000"},
        terms=("training_data", "validation_data", "test_data"),
    ),
    Step(
        "Loss",
        "The loss is one number that says how wrong the network is: 0 would be perfect. "
        "Training is nothing but making the loss smaller.",
        "Watch the loss curve while the network trains: how fast does it fall?",
        "train",
        "Open Train to watch the loss",
        terms=("loss",),
    ),
    Step(
        "Epochs",
        "One epoch means the network has seen every training image once. "
        "After each epoch we check it on images it did not learn from. More epochs help, up to a point.",
        "Train for 10 epochs and find the epoch where the accuracy stops improving.",
        "train",
        "Open Train with 10 epochs",
        settings={"epochs": "10"},
        terms=("epoch", "batch", "overfitting"),
    ),
    Step(
        "Gradient descent",
        "How does the network get better? For every weight it works out which way would lower the loss, "
        "then takes a small step that way, and repeats. That is gradient descent: walking downhill in fog. "
        "The learning rate is the size of each step.",
        "Draw a digit, then take a few steps with a learning rate of 0.002, and a few with 1: "
        "does the loss still go downhill?",
        "learn",
        "Open one step of gradient descent",
        terms=("gradient", "gradient_descent", "learning_rate", "optimizer"),
        tab="step",
    ),
    Step(
        "Starting weights",
        "Before learning, the weights need some starting values. If they all start at zero, every neuron "
        "is the same and stays the same. If they start too large, the sums are huge: sigmoid and tanh neurons "
        "saturate (stuck at their ends, they hardly learn) and ReLU neurons' values explode. "
        "Random numbers of the right size let every neuron learn something different.",
        "Train one network per starting choice, then compare the “All zeros” curve with the “Glorot” one.",
        "learn",
        "Open starting weights",
        terms=("initialization", "seed"),
        tab="weights",
    ),
    Step(
        "Hidden layers as latent features",
        "Nobody tells the hidden neurons what to look for. They invent their own features, such as loops and "
        "strokes. On a map of what a hidden layer computes, digits that look alike to the network land close "
        "together.",
        "Open the tab “Hidden layers as features” and find your drawing's star. Which cluster is it in?",
        "network",
        "Open the feature map",
        terms=("latent_features", "pca"),
        check=Check(
            "Into how many features does the last hidden layer turn your drawing, and which are strongest?",
            latent_features,
        ),
        tab="features",
    ),
    Step(
        "Explainability",
        "A network can be right for the wrong reasons. Explainability means asking it why: which pixels pushed "
        "it towards its answer, and which pushed against. That is how we learn to trust it, or catch it cheating. "
        "Where to go next: this is the code — the Train page's “Keras code” is your network in Python, "
        "TensorFlow and Keras, to download and run yourself.",
        "Find a test digit the network gets wrong and see which pixels misled it.",
        "test",
        "Open Test",
        terms=("explainability", "test_data"),
        tab="score",
    ),
)

STEP_COUNT = len(STEPS)
_COUNT_WORDS = {12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen"}  # the lesson's length, in words
LESSON_INTRO = (
    f"How a network reads a digit, in {_COUNT_WORDS.get(STEP_COUNT, str(STEP_COUNT))} short steps. Read a step "
    "together, press its button to try it on the live network, then come back here for the next one."
)


def step_label(number: int) -> str:
    """Step `number` (1..STEP_COUNT) as the Lesson page names it: "3 · <its title>"."""
    return f"{number} · {STEPS[number - 1].title}"


def clamp_step(step: int) -> int:
    """A step number 1..STEP_COUNT (a link may hold any number)."""
    return min(max(int(step), 1), STEP_COUNT)


def check_answer(check: Check, network: Network, pixels: np.ndarray | None) -> str | None:
    """The check's answer from the live network, or None when it needs a drawing and there is none."""
    if check.needs_input and pixels is None:
        return None
    return check.answer(network, pixels)


def step_experiment(number: int, view: ViewConfig | None = None) -> Experiment:
    """The complete experiment step `number` opens: the defaults, its preset, then its settings.

    Nothing of an earlier step or of the session's settings is kept but how the pages look
    (`view`: presenter, guess first; None: the default view), and the lesson step becomes `number`.
    Raises ValueError if a step's settings are invalid (a test checks every step).
    """
    step = STEPS[clamp_step(number) - 1]
    exp = Experiment() if step.preset is None else PRESETS[step.preset].experiment
    for link, text in step.settings.items():
        setting = SETTINGS_BY_LINK[link]
        exp = setting.with_value(exp, setting.parse(text))
    return replace(exp, view=replace(view or ViewConfig(), lesson_step=clamp_step(number)))
