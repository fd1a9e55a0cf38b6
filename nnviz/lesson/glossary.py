"""Every explanation text of nnviz, in one place: the lab's terms in our own words.

Each term is written for a 15-year-old and says where nnviz shows it: a page and tab
(a nnviz.session.address.Place, which its glossary link opens) and what to look at there. The Lesson page lists
them as a glossary, and the pages' help tooltips read the same texts through
`explain(key)`, so an idea is explained once and the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnviz.session.address import Place


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    key: stable id used by the pages ("learning_rate"); name: as shown ("Learning rate").
    text: 1-3 plain sentences; page: the page key where nnviz shows it; look: what to look at there;
    tab: the slug of the page's tab that shows it (None: the page's first tab, or a page without tabs).
    """

    key: str
    name: str
    text: str
    page: str
    look: str
    tab: str | None = None

    @property
    def place(self) -> Place:
        """Where the term's link opens (raises ValueError for a page or tab nnviz lacks: a test checks all)."""
        return Place(self.page, self.tab)


_TERMS = (
    Term(
        "neuron",
        "Neuron",
        "A tiny calculator holding one number, its value or activation. It adds up what the neurons before it "
        "pass on, each times a weight, adds its bias, squashes the sum and passes the result on.",
        "network",
        "Click any circle in the diagram to look inside that neuron.",
    ),
    Term(
        "input_layer",
        "Input layer",
        "The first layer: one neuron per pixel, 28 × 28 = 784 of them. Each holds how much ink its pixel has, "
        "from 0 (black, no ink) to 1 (white, full ink). They do no maths; they just hold the picture.",
        "draw",
        "The “Pixels” picture beside the canvas: hover a pixel to see its value.",
    ),
    Term(
        "hidden_layer",
        "Hidden layer",
        "A layer of neurons between the pixels and the answer. Nobody tells it what to look for: it learns its own "
        "features, and each hidden layer can build features of the features before it.",
        "draw",
        "The grids under “Inside: the hidden layers”: every square is one hidden neuron.",
    ),
    Term(
        "output_layer",
        "Output layer",
        "The last layer: one neuron per digit the network knows. Its values add up to 100 %, and the most active "
        "one is the network's answer.",
        "draw",
        "The bars under “Answer”: one bar per output neuron.",
    ),
    Term(
        "layer",
        "Layer",
        "A row of neurons that all do their sums at the same time. Every neuron of a layer listens to every neuron "
        "of the layer before it (a “fully connected” or dense layer).",
        "network",
        "The columns of circles in the diagram, from the pixels on the left to the answer on the right.",
    ),
    Term(
        "feed_forward",
        "Feed-forward",
        "The signal travels one way only: pixels → hidden layers → outputs, layer after layer, never back. "
        "One such trip is one prediction.",
        "network",
        "The diagram: the signal flows from left to right as you draw.",
    ),
    Term(
        "weight",
        "Weight",
        "The strength of one connection. A positive weight means “this input pushes me up”, a negative one "
        "“this input holds me back”; a weight near 0 means the input hardly matters. Learning means changing weights.",
        "network",
        "The lines of the diagram (blue adds, orange dashed holds back) and the weight tiles below it.",
        tab="neurons",
    ),
    Term(
        "bias",
        "Bias",
        "A neuron's own number, added to its sum whatever the input. It sets how easily the neuron switches on: "
        "a big bias makes it fire easily, a very negative one makes it hard to wake.",
        "network",
        "“Inside a neuron”: the bias is the last bar before the total.",
    ),
    Term(
        "weighted_sum",
        "Weighted sum (z)",
        "z = Σ wᵢxᵢ + bias: every input x times its weight w, all added up, plus the bias. This is the one sum "
        "every neuron does before it squashes the result.",
        "network",
        "“Inside a neuron”: the bars add up, piece by piece, to z.",
    ),
    Term(
        "activation",
        "Activation function",
        "The squash a neuron applies to its sum z before passing it on. Without it, many layers would be no better "
        "than one. ReLU turns negatives into 0; sigmoid squashes into 0..1; tanh into -1..1.",
        "network",
        "“Inside a neuron”: the curve, with a dot where this neuron is right now.",
    ),
    Term(
        "relu",
        "ReLU",
        "ReLU: a neuron passes its sum on if it is positive, and 0 if it is negative. Simple, fast, the usual choice.",
        "train",
        "“Activation” under Build the network.",
    ),
    Term(
        "sigmoid",
        "Sigmoid",
        "Sigmoid: squashes any sum into 0..1; big sums give almost 1, very negative ones almost 0.",
        "train",
        "“Activation” under Build the network.",
    ),
    Term(
        "tanh",
        "Tanh",
        "Tanh: squashes any sum into -1..1, so a neuron can say “no” as strongly as “yes”.",
        "train",
        "“Activation” under Build the network.",
    ),
    Term(
        "softmax",
        "Softmax",
        "The output layer's squash: it turns the outputs' sums into chances that add up to 100 %. "
        "The bigger one output's sum compared with the others, the surer the network.",
        "draw",
        "The answer bars: they always add up to 100 %.",
    ),
    Term(
        "prediction",
        "Prediction (the winner)",
        "The digit whose output neuron is most active: the network's best guess. It always picks one of the "
        "digits it knows, even for a scribble.",
        "draw",
        "The big number under “Answer” and the highlighted bar.",
    ),
    Term(
        "classification",
        "Classification",
        "Sorting each input into one of a few fixed groups, the classes. Here the classes are the digits: "
        "the network classifies a picture by picking one of them.",
        "draw",
        "Draw anything: the network always answers with one of its digits.",
    ),
    Term(
        "parameters",
        "Parameters",
        "All the numbers the network learns: every weight and every bias. Each layer has inputs × neurons weights "
        "plus one bias per neuron.",
        "train",
        "“weights and biases to learn” beside the network's shape.",
    ),
    Term(
        "training_data",
        "Training data",
        "The labelled example images the network learns from: a picture plus the right answer. More examples "
        "usually mean better learning, but slower.",
        "train",
        "The “Training images” slider.",
    ),
    Term(
        "validation_data",
        "Validation data",
        "Labelled images kept out of training and checked after every epoch, to see how the network does on "
        "images it has never learned from.",
        "train",
        "The accuracy curve and the validation loss, after each epoch.",
    ),
    Term(
        "test_data",
        "Test data",
        "A separate set of 10,000 labelled images used only at the very end, for the final score. The network "
        "never learns from them, so the score shows how well it does on new handwriting.",
        "test",
        "The score on the test digits, and the digits it gets wrong.",
        tab="score",
    ),
    Term(
        "loss",
        "Loss",
        "One number that says how wrong the network is on the training examples: 0 means perfect. "
        "Cross-entropy punishes confident mistakes hard; mean squared error is the gentler contrast. "
        "Training means making the loss small.",
        "train",
        "The loss curve while the network trains: it should go down.",
    ),
    Term(
        "epoch",
        "Epoch",
        "One epoch = the network has seen every training image once. Training usually takes several epochs.",
        "train",
        "The “Epochs” slider, and the x-axis of the curves.",
    ),
    Term(
        "batch",
        "Batch",
        "How many images the network looks at before each weight update. Small batches give many quick, noisy "
        "steps; big batches fewer, steadier ones.",
        "train",
        "The “Batch size” slider.",
    ),
    Term(
        "learning_rate",
        "Learning rate",
        "How big a step gradient descent takes each time it adjusts the weights. Too small and learning crawls; "
        "too big and it overshoots, and the loss can even blow up.",
        "train",
        "The “Learning rate” slider; try 3 or 10 and watch the loss.",
    ),
    Term(
        "gradient",
        "Gradient",
        "For every weight, which way and how steeply the loss changes when that weight is nudged. "
        "It points uphill, so learning steps the other way.",
        "learn",
        "The arrows and slopes on the loss landscape.",
        tab="descent",
    ),
    Term(
        "gradient_descent",
        "Gradient descent",
        "How a network learns: work out which way each weight should move to lower the loss, take a small step "
        "that way, and repeat thousands of times, like walking downhill in fog.",
        "learn",
        "Step through gradient descent and watch the loss go down.",
        tab="step",
    ),
    Term(
        "optimizer",
        "Optimizer",
        "The recipe for each gradient-descent step. Plain SGD steps straight downhill; momentum keeps rolling in "
        "the same direction; Adam adapts the step size for every weight.",
        "train",
        "The “Optimizer” choice.",
    ),
    Term(
        "initialization",
        "Weight initialization (starting weights)",
        "How the weights start before any learning. All zeros: every neuron starts identical and they never "
        "become different. Small random: tiny random numbers. Glorot and He: random numbers scaled to the "
        "layer's size, the usual choice (He suits ReLU). Too large: so big that neurons saturate or explode.",
        "train",
        "The “Starting weights” choice; train with “All zeros” and compare.",
    ),
    Term(
        "seed",
        "Random seed",
        "Same seed + same settings = exactly the same training curve. Change it to see how much luck matters.",
        "train",
        "The “Random seed” box.",
    ),
    Term(
        "latent_features",
        "Latent features",
        "What the hidden layers compute: their own hidden description of the picture (loops, strokes, corners), "
        "which nobody programmed. Digits that look alike to the network get similar descriptions.",
        "network",
        "The tab “Hidden layers as features”: digits the network finds alike land close together.",
        tab="features",
    ),
    Term(
        "pca",
        "PCA map",
        "PCA (principal component analysis) finds the two directions in which these neurons' values spread out "
        "the most, and places every image along them: a flat map of a many-dimensional space. PCA never sees "
        "the labels: if the digits still fall into groups, the network's features separated them.",
        "network",
        "The tab “Hidden layers as features”.",
        tab="features",
    ),
    Term(
        "overfitting",
        "Overfitting",
        "Learning the training examples by heart instead of the idea behind them: the training loss keeps falling "
        "while the validation loss stops falling or rises. Fewer training images make it easier to see.",
        "train",
        "Train on 1,000 images for many epochs and compare the two loss curves.",
    ),
    Term(
        "explainability",
        "Explainability",
        "Asking the network why it answered what it did: which pixels pushed it towards its answer and which "
        "pushed against. It helps us trust the network, or catch it cheating.",
        "test",
        "Pick a digit the network gets wrong and see which pixels misled it.",
        tab="why",
    ),
    Term(
        "mnist",
        "MNIST",
        "A famous collection of 70,000 handwritten digits, 28 × 28 pixels each, written by students and office "
        "workers. nnviz learns from it and tests on it.",
        "draw",
        "Press “Test digit”.",
    ),
    Term(
        "digits_choice",
        "Digits to learn",
        "The network gets one output neuron per digit you pick, and only sees training images of those digits. "
        "With fewer digits it learns faster, but a digit it never saw still gets one of its answers.",
        "train",
        "“1 · Pick the digits it learns”, then draw a digit you left out.",
    ),
    Term(
        "model_file",
        "Model file",
        "A saved network: its layer sizes, weights and biases, nothing else. Only those numbers are read from the "
        "file, never code, so any file is safe to try.",
        "train",
        "“Save or load a model”: download your network, or load one a classmate saved.",
    ),
    Term(
        "compare_runs",
        "Comparing runs",
        "Your finished runs side by side: their loss curves, accuracies and settings. Click a run to hide it from "
        "the curves and the table; click again to bring it back.",
        "train",
        "“4 · Compare your runs”: the rows marked as differing are what you changed.",
    ),
    Term(
        "model_in_use",
        "Your model",
        "The network every page uses for your session: the default one until you train or load your own. Pick a "
        "run to make its network the one the Draw and Network pages use.",
        "train",
        "“Your model on every page” under the comparison.",
    ),
    Term(
        "canvas",
        "Canvas",
        "The black square you draw on with a mouse or a finger. Clear empties it and the input; a test digit or "
        "a photo replaces what is drawn there.",
        "draw",
        "Draw a digit, then press “Clear”.",
    ),
    Term(
        "photo_input",
        "Photo input",
        "A photo or scan of one handwritten digit on paper, turned into white ink on black, cropped, scaled to "
        "20 px and centred the way MNIST digits were made.",
        "draw",
        "Press “Photo” under the canvas and upload a picture of a digit.",
    ),
    Term(
        "session_model",
        "Your model",
        "The network this browser tab uses. At first it is the default model; train your own on the Train page "
        "and it replaces the default one for your session only.",
        "train",
        "The “Model” line at the top of the Draw page.",
    ),
    Term(
        "presenter_mode",
        "Presenter mode",
        "For the projector: bigger text and figures, thicker lines and black text. A link with ?present=1 opens "
        "with the sidebar folded away.",
        "lesson",
        "The “Presenter mode” switch in the sidebar.",
    ),
    Term(
        "guess_first",
        "Guess first",
        "The class guesses before it sees: which digit the network will say, and which shape the loss curve will "
        "take. The sidebar keeps the tally of right guesses.",
        "draw",
        "Switch on “Guess first” in the sidebar, then draw a digit.",
    ),
    Term(
        "our_drawings",
        "Our drawings",
        "Digits the class drew and labelled with Collect: new handwriting, drawn with a mouse or a finger. They "
        "make a second test set beside MNIST's, to see how the network does on real use.",
        "test",
        "The tab “Our drawings”.",
        tab="ours",
    ),
    Term(
        "time_travel",
        "Training time-travel",
        "The weights of your own model are saved after every epoch of its training run. Slide back to an earlier "
        "epoch to see the network as it was then.",
        "network",
        "Train a model, then move the time-travel slider on the Network page.",
    ),
    Term(
        "network_diagram",
        "Network diagram",
        "Only the strongest connections and the most active neurons of big layers are drawn, so the picture stays "
        "readable. A green ring marks the winning output, a black ring the neuron you look inside, a black "
        "diamond the line whose weight you picked.",
        "network",
        "Click a neuron or the middle of a line in the diagram.",
    ),
    Term(
        "most_active",
        "Most active neuron",
        "The neuron of a layer whose value is furthest from 0 for the current input: the one that reacts most to "
        "it. Following it means the choice changes as you draw something new.",
        "network",
        "The button “Follow the most active” under the neuron pickers.",
    ),
    Term(
        "weight_tiles",
        "Weight tiles",
        "Each neuron of the first layer has one weight per pixel, so its 784 weights make a 28 × 28 picture: blue "
        "where ink switches the neuron on, orange where ink switches it off.",
        "network",
        "The tab “What each neuron looks for”.",
        tab="neurons",
    ),
    Term(
        "gradient_times_input",
        "Gradient × input",
        "For every pixel: how much the winning output's sum would rise if that pixel got a little brighter, "
        "times how bright it is. Blank pixels add nothing, so they stay white.",
        "test",
        "The tab “Why that answer?”.",
        tab="why",
    ),
    Term(
        "occlusion",
        "Occlusion",
        "A 4 × 4 eraser slides over the picture, 2 pixels at a time, and each time we check how much the winning "
        "probability drops without that bit of ink. A big drop means that ink mattered. A network that is almost "
        "certain barely notices a small eraser, so only the ink it really needs shows up.",
        "test",
        "The map “Covered up” on the tab “Why that answer?”.",
        tab="why",
    ),
    Term(
        "confusion_matrix",
        "Confusion matrix",
        "It counts every test digit once: its row is the true digit, its column the network's answer. The framed "
        "diagonal holds the right answers; every other number is a kind of mistake.",
        "test",
        "Click a number in the matrix to see those test digits.",
        tab="score",
    ),
    Term(
        "not_a_digit",
        "Not a digit",
        "Inputs that are no digit at all: random noise, an all-white square, a letter, or a digit pushed into a "
        "corner. The network answers them anyway, often very sure of itself.",
        "test",
        "The tab “It answers anyway”.",
        tab="fooled",
    ),
    Term(
        "forced_choice",
        "No “I don't know”",
        "The outputs always add up to 100 %, so the network must pick one of its digits: it has no output for "
        "“I don't know”, and it never saw anything but digits while training.",
        "test",
        "Press “Noise” on the tab “It answers anyway” and read the bars.",
        tab="fooled",
    ),
    Term(
        "label",
        "Label (the true digit)",
        "The right answer that comes with an example: the digit the picture really is. The loss measures how far "
        "the network's answer is from it; a test digit brings its own label, a drawing gets the one you pick.",
        "learn",
        "“It should be a…” under the canvas.",
    ),
    Term(
        "crossentropy",
        "Cross-entropy",
        "The usual loss: −log p, where p is the probability the network gives the true digit. It is 0 when the "
        "network is sure and right, and huge when it is sure and wrong.",
        "learn",
        "Tab “1 · Loss”: p, −log p, and the curve of the loss for every p.",
        tab="loss",
    ),
    Term(
        "mse",
        "Mean squared error",
        "The other loss: for each output, (probability − target)², the target being 1 for the true digit and 0 for "
        "the others, averaged over the outputs. It punishes a sure mistake far less than cross-entropy does.",
        "learn",
        "Tab “1 · Loss”: the mean squared error beside −log p.",
        tab="loss",
    ),
    Term(
        "accuracy",
        "Accuracy",
        "The share of digits whose top answer is right. Unlike the loss it does not care how sure the network "
        "was: a right answer at 51 % counts as much as one at 99 %.",
        "learn",
        "Tab “1 · Loss”: the accuracy and the mean loss on 1,000 test digits.",
        tab="loss",
    ),
    Term(
        "loss_slice",
        "Loss landscape slice",
        "Real networks have thousands of weights. This picture cuts the loss along two random directions that move "
        "all of them at once (each scaled to the size of each neuron's weights, as in Li et al., 2018).",
        "learn",
        "Tab “2 · Gradient descent”: switch on the 2-D slice of the loss.",
        tab="descent",
    ),
    Term(
        "one_step",
        "One step (on a copy)",
        "One gradient-descent step on your drawing changes a copy of the model: every weight moves by −η × its "
        "gradient. The other pages keep the old model until you keep the copy.",
        "learn",
        "Tab “3 · One step”: the prediction and loss before and after.",
        tab="step",
    ),
    Term(
        "class_experiment",
        "Experiment for the whole class",
        "Runs in the trainer on the server, once for the whole class: whoever presses the button first starts it, "
        "and everyone on this server sees the same result. The bigger ones take a few minutes.",
        "learn",
        "Tabs “4 · Starting weights” and “5 · More data?”: the button above the results.",
        tab="weights",
    ),
)

TERMS: dict[str, Term] = {term.key: term for term in _TERMS}


def explain(key: str) -> str:
    """The explanation text of glossary term `key` (KeyError if there is no such term)."""
    return TERMS[key].text


def find_terms(wanted: str) -> list[Term]:
    """The terms whose name or text holds `wanted` (any case, spaces around ignored), sorted by name."""
    wanted = wanted.strip().lower()
    found = [term for term in TERMS.values() if wanted in term.name.lower() or wanted in term.text.lower()]
    return sorted(found, key=lambda term: term.name.lower())
