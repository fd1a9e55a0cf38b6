"""The Keras code of an experiment: a short script a student can read, run and change.

`keras_sections(experiment)` writes the code in a few commented parts (settings, data, network,
training, test); `keras_script` joins them into one runnable `.py` file that takes `--epochs`
and `--images`, and `nnviz.export.notebook` puts the same parts into notebook cells. Only the
choices of this experiment appear (no if/else over settings the student did not pick), so the
code reads like the Train page. Pure text: nothing here imports Keras.

The script builds the same network as nnviz (same layers, activation, starting weights,
optimizer, learning rate, batch size, epochs, loss, digits, images and seed, so the same number
of weights and biases); its random numbers come from Keras, so its weights and score differ a
little from the app's run.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnviz.model.network import ACTIVATION_LABELS, SMALL_RANDOM_STDDEV, TOO_LARGE_STDDEV
from nnviz.session.settings import Experiment
from nnviz.training.config import LOSS_LABELS, OPTIMIZER_LABELS
from nnviz.training.data import MAX_VALIDATION, VALIDATION_FRACTION

SCRIPT_NAME = "nnviz_network.py"
NOTEBOOK_NAME = "nnviz_network.ipynb"

# The Keras expression of each starting-weight choice (nnviz.model.keras_model.make_initializer).
INITIALIZER_CODE = {
    "zeros": "keras.initializers.Zeros()",
    "small_random": f"keras.initializers.RandomNormal(stddev={SMALL_RANDOM_STDDEV:g})",
    "glorot": "keras.initializers.GlorotUniform()",
    "he": "keras.initializers.HeNormal()",
    "too_large": f"keras.initializers.RandomNormal(stddev={TOO_LARGE_STDDEV:g})",
}
INITIALIZER_WORDS = {
    "zeros": "all zeros",
    "small_random": f"small random numbers (spread {SMALL_RANDOM_STDDEV:g})",
    "glorot": "Glorot (random, scaled to the layer's size)",
    "he": "He (random, scaled for ReLU)",
    "too_large": f"too large random numbers (spread {TOO_LARGE_STDDEV:g})",
}
OPTIMIZER_CODE = {
    "sgd": "keras.optimizers.SGD(learning_rate=LEARNING_RATE)",
    "momentum": "keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=0.9)",
    "adam": "keras.optimizers.Adam(learning_rate=LEARNING_RATE)",
}


@dataclass(frozen=True)
class CodeSection:
    """One part of the code: a heading (plain text, one line) and its Python source."""

    heading: str
    code: str


def title(experiment: Experiment) -> str:
    """One line naming the network: "784-128-64-10 ReLU network for the digits 0-9"."""
    network = experiment.network
    sizes = "-".join(str(s) for s in network.layer_sizes)
    digits = "0-9" if network.digits == tuple(range(10)) else ", ".join(str(d) for d in network.digits)
    return f"A {sizes} {ACTIVATION_LABELS[network.activation]} network for the digits {digits}"


def _settings(experiment: Experiment) -> str:
    network, training = experiment.network, experiment.training
    return "\n".join(
        [
            f"DIGITS = {list(network.digits)}  # output neuron i stands for DIGITS[i]",
            f"HIDDEN_LAYERS = {list(network.hidden_sizes)}  # neurons in each hidden layer",
            f'ACTIVATION = "{network.activation}"  # {ACTIVATION_LABELS[network.activation]}',
            f"LEARNING_RATE = {float(training.learning_rate)!r}",
            f"BATCH_SIZE = {training.batch_size}  # images per gradient step",
            f"EPOCHS = {training.epochs}  # passes over the training images",
            f"IMAGES = {training.train_size}  # training images to use (None: all of them)",
            f"SEED = {training.seed}  # the same seed gives the same starting weights and order",
        ]
    )


_DATA = '''
def read_idx(path):
    """One MNIST file in IDX format (plain or .gz): images (n, 28, 28) or labels (n,), bytes 0..255."""
    with gzip.open(path) if path.suffix == ".gz" else open(path, "rb") as file:
        data = file.read()
    dimensions = data[3]  # the header: 2 zero bytes, the type, the number of dimensions, then each size
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dimensions)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dimensions).reshape(shape)


def load_mnist():
    """MNIST from the folder in NNVIZ_DATA_DIR (the four IDX files), else downloaded by Keras."""
    folder = os.environ.get("NNVIZ_DATA_DIR")
    if not folder:
        return keras.datasets.mnist.load_data()
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    parts = []
    for name in names:
        plain = Path(folder) / name
        parts.append(read_idx(plain if plain.exists() else plain.with_name(name + ".gz")))
    return (parts[0], parts[1]), (parts[2], parts[3])


def prepare(images, labels):
    """Keep only DIGITS; each image becomes 784 numbers 0..1, each label its output neuron."""
    keep = np.isin(labels, DIGITS)
    x = images[keep].reshape(-1, 28 * 28).astype("float32") / 255
    y = np.searchsorted(DIGITS, labels[keep])  # digit DIGITS[i] -> output neuron i
    return x, y


keras.utils.set_random_seed(SEED)
(train_images, train_labels), (test_images, test_labels) = load_mnist()
x_train, y_train = prepare(train_images, train_labels)
x_test, y_test = prepare(test_images, test_labels)
# Set aside {validation} of the training images to watch during training; train on the rest.
order = np.random.default_rng(SEED).permutation(len(x_train))
n_validation = min({max_validation}, round({fraction} * len(order)))
validation, train = order[:n_validation], order[n_validation:][:images]
print(f"{{len(train):,}} training images, {{n_validation:,}} for validation, {{len(x_test):,}} test images")
'''


def _network(experiment: Experiment) -> str:
    network = experiment.network
    return "\n".join(
        [
            "def start_weights():",
            f'    """The starting weights you chose: {INITIALIZER_WORDS[network.initializer]}; biases start at 0."""',
            f"    return {INITIALIZER_CODE[network.initializer]}",
            "",
            "",
            "layers = [keras.Input(shape=(784,))]  # one input per pixel",
            "for size in HIDDEN_LAYERS:",
            "    layers.append(keras.layers.Dense(size, activation=ACTIVATION, kernel_initializer=start_weights()))",
            "# One output neuron per digit; softmax turns their sums into probabilities that add up to 1.",
            'layers.append(keras.layers.Dense(len(DIGITS), activation="softmax", kernel_initializer=start_weights()))',
            "model = keras.Sequential(layers)",
            "model.summary()",
            'print(f"{model.count_params():,} weights and biases")',
        ]
    )


def _training(experiment: Experiment) -> str:
    training = experiment.training
    if training.loss == "crossentropy":
        loss_lines = ['loss = "sparse_categorical_crossentropy"  # cross-entropy; the labels are output neurons']
        targets = "y_train[train]"
        validation = "(x_train[validation], y_train[validation])"
    else:
        loss_lines = [
            '# Mean squared error compares the 10 probabilities with a "one-hot" target: 1 for the right digit.',
            'loss = "mean_squared_error"',
            "targets = keras.utils.to_categorical(y_train, len(DIGITS))",
        ]
        targets = "targets[train]"
        validation = "(x_train[validation], targets[validation])"
    return "\n".join(
        [
            *loss_lines,
            f"model.compile(optimizer={OPTIMIZER_CODE[training.optimizer]}, loss=loss)",
            "model.fit(",
            "    x_train[train],",
            f"    {targets},",
            "    batch_size=BATCH_SIZE,",
            "    epochs=epochs,",
            f"    validation_data={validation},",
            ")",
        ]
    )


_TEST = """\
said = model.predict(x_test, verbose=0).argmax(axis=1)  # the most active output neuron
accuracy = (said == y_test).mean()
print(f"test accuracy: {accuracy:.2%} on {len(x_test):,} test images")
"""


def _hidden_layers(count: int) -> str:
    return "no hidden layer" if count == 0 else "1 hidden layer" if count == 1 else f"{count} hidden layers"


def keras_sections(experiment: Experiment, *, script: bool) -> list[CodeSection]:
    """The code of `experiment` in parts. script: True reads --epochs/--images, False uses the settings."""
    network, training = experiment.network, experiment.training
    if script:
        arguments = "\n".join(
            [
                'parser = argparse.ArgumentParser(description="Train the network you built in nnviz.")',
                'parser.add_argument("--epochs", type=int, default=EPOCHS, help="passes over the training images")',
                'parser.add_argument("--images", type=int, default=IMAGES, help="how many training images")',
                "arguments = parser.parse_args()",
                "epochs, images = arguments.epochs, arguments.images",
            ]
        )
    else:
        arguments = "epochs, images = EPOCHS, IMAGES  # change these for a quicker try, e.g. 1 and 2000"
    data = _DATA.strip("\n").format(
        validation=f"{VALIDATION_FRACTION:.0%}", max_validation=MAX_VALIDATION, fraction=VALIDATION_FRACTION
    )
    return [
        CodeSection("The settings you chose in nnviz", _settings(experiment) + "\n\n" + arguments),
        CodeSection("The data: MNIST's handwritten digits", data),
        CodeSection(
            f"The network: {_hidden_layers(len(network.hidden_sizes))}, starting weights "
            f"{INITIALIZER_WORDS[network.initializer]}",
            _network(experiment),
        ),
        CodeSection(
            f"Training: {OPTIMIZER_LABELS[training.optimizer]} on the {LOSS_LABELS[training.loss].lower()} loss",
            _training(experiment),
        ),
        CodeSection("The test: images the network never saw", _TEST.rstrip("\n")),
    ]


IMPORTS = "import argparse\nimport gzip\nimport os\nfrom pathlib import Path\n\nimport keras\nimport numpy as np"


def keras_script(experiment: Experiment) -> str:
    """A runnable Python script of `experiment` (Keras 3 + numpy), ending with its test accuracy."""
    header = (
        f'"""{title(experiment)}, built in nnviz, in Keras.\n\n'
        f"Run it:         python {SCRIPT_NAME}\n"
        f"A quick try:    python {SCRIPT_NAME} --epochs 1 --images 2000\n"
        "Needs:          pip install tensorflow  (Keras comes with it)\n"
        "MNIST is read from the folder in NNVIZ_DATA_DIR if set, else downloaded by Keras.\n"
        '"""'
    )
    sections = [f"# --- {section.heading} ---\n{section.code}" for section in keras_sections(experiment, script=True)]
    return f"{header}\n\n{IMPORTS}\n\n" + "\n\n\n".join(sections) + "\n"


def code_caption(experiment: Experiment) -> str:
    """Markdown: what the Keras code is, computed from the experiment (its weight count, its run time switches)."""
    count = experiment.network.param_count
    return (
        f"The network of your settings in Keras, the library nnviz trains with: the same layers and "
        f"{count:,} weights and biases, trained the same way. Its random numbers come from Keras, so its "
        f"score differs a little from yours. For a quick try: `python {SCRIPT_NAME} --epochs 1 --images 2000`."
    )
