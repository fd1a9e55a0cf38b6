"""What a network is: its configuration and its weights, as plain numpy data.

Everything that draws or explains a network works from a `Network`: the
configuration it was built from (so every page can label its layers) plus
one `DenseLayer` per weight matrix. Nothing here imports TensorFlow, so the
Streamlit server can hold, save and load networks while staying numpy-only.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

import numpy as np

from nnviz.model.guard import plain_errors

IMAGE_SIDE = 28  # MNIST images are 28 x 28 pixels: the one definition every module imports
INPUT_SIZE = IMAGE_SIDE * IMAGE_SIDE  # one input neuron per pixel

ACTIVATIONS = ("relu", "sigmoid", "tanh")
ACTIVATION_LABELS = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh"}
# The values a squashing function can give; ReLU's 0..∞ has no fixed top, so it is not listed.
BOUNDED_ACTIVATION_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
INITIALIZERS = ("zeros", "small_random", "glorot", "he", "too_large")
INITIALIZER_LABELS = {
    "zeros": "All zeros",
    "small_random": "Small random",
    "glorot": "Glorot",
    "he": "He",
    "too_large": "Too large",
}
MAX_HIDDEN_LAYERS = 4
MAX_LAYER_SIZE = 512


def _said(value: object, limit: int = 40) -> str:
    """`value` as a message quotes it, cut to `limit` characters (a crafted file may hold a 300-digit size)."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class NetworkConfig:
    """The architecture of a fully connected digit classifier.

    hidden_sizes: neurons per hidden layer, 0..4 layers of 1..512 neurons.
    activation: the squashing function of every hidden layer (see ACTIVATIONS);
        the output layer is always softmax so its values are probabilities.
    initializer: how the weights start (see INITIALIZERS).
    digits: the digits the network learns, ascending; output neuron i stands
        for digit ``digits[i]``.
    """

    hidden_sizes: tuple[int, ...] = (128, 64)
    activation: str = "relu"
    initializer: str = "glorot"
    digits: tuple[int, ...] = tuple(range(10))

    def __post_init__(self) -> None:
        # Accept lists from widgets and JSON, but keep the frozen value hashable.
        object.__setattr__(self, "hidden_sizes", tuple(int(s) for s in self.hidden_sizes))
        object.__setattr__(self, "digits", tuple(int(d) for d in self.digits))

    def validate(self) -> NetworkConfig:
        """Raise ValueError with a plain-language reason if out of range; return self."""
        if len(self.hidden_sizes) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"At most {MAX_HIDDEN_LAYERS} hidden layers, got {len(self.hidden_sizes)}.")
        for i, size in enumerate(self.hidden_sizes, start=1):
            if not 1 <= size <= MAX_LAYER_SIZE:
                raise ValueError(f"Hidden layer {i} needs 1 to {MAX_LAYER_SIZE} neurons, got {_said(size)}.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"Unknown activation {_said(repr(self.activation))}; choose one of {', '.join(ACTIVATIONS)}."
            )
        if self.initializer not in INITIALIZERS:
            raise ValueError(
                f"Unknown initializer {_said(repr(self.initializer))}; choose one of {', '.join(INITIALIZERS)}."
            )
        if len(self.digits) < 2:
            raise ValueError("Pick at least two digits to learn: with one there is nothing to tell apart.")
        if any(not 0 <= d <= 9 for d in self.digits):
            raise ValueError(f"Digits must be 0 to 9, got {_said(list(self.digits))}.")
        if list(self.digits) != sorted(set(self.digits)):
            raise ValueError(f"Digits must be ascending and unique, got {_said(list(self.digits))}.")
        return self

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """(784, *hidden_sizes, number of digits): neurons in every layer, input first."""
        return (INPUT_SIZE, *self.hidden_sizes, len(self.digits))

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Stable names of every layer, input first: input, hidden_1, ..., output."""
        return ("input", *(f"hidden_{i}" for i in range(1, len(self.hidden_sizes) + 1)), "output")

    @property
    def dense_names(self) -> tuple[str, ...]:
        """Names of the weight layers (every layer but the input); also the Keras layer names."""
        return self.layer_names[1:]

    def layer_title(self, index: int) -> str:
        """A short human label for layer `index` (0 = input), e.g. "Hidden layer 1 (128 neurons)"."""
        size = self.layer_sizes[index]
        if index == 0:
            return f"Input ({size} pixels)"
        if index == len(self.layer_sizes) - 1:
            return f"Output ({size} digits)"
        return f"Hidden layer {index} ({size} neurons)"

    def param_terms(self) -> list[tuple[str, int, int, int]]:
        """Per weight layer: (name, inputs, outputs, parameters = inputs x outputs + outputs)."""
        sizes = self.layer_sizes
        return [
            (name, n_in, n_out, n_in * n_out + n_out)
            for name, n_in, n_out in zip(self.dense_names, sizes[:-1], sizes[1:])
        ]

    @property
    def param_count(self) -> int:
        """Total number of weights and biases."""
        return sum(term[3] for term in self.param_terms())

    def describe(self) -> str:
        """Compact summary such as "784-128-64-10, ReLU" (with the digits if not all ten)."""
        text = "-".join(str(s) for s in self.layer_sizes) + f", {ACTIVATION_LABELS[self.activation]}"
        if self.digits != tuple(range(10)):
            text += ", digits " + " ".join(str(d) for d in self.digits)
        return text

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> NetworkConfig:
        """Parse and validate; raises ValueError on anything malformed."""
        try:
            raw = json.loads(text)
            config = cls(
                hidden_sizes=tuple(raw["hidden_sizes"]),
                activation=str(raw["activation"]),
                initializer=str(raw.get("initializer", "glorot")),
                digits=tuple(raw["digits"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"The model's configuration is unreadable ({_short(exc)}).") from exc
        except Exception as exc:  # 100,000 nested brackets (RecursionError), 1e400 as a size (OverflowError), ...
            raise ValueError("The model's configuration is unreadable.") from exc
        return config.validate()


@dataclass
class DenseLayer:
    """One fully connected layer: outputs = activation(inputs @ weights + bias).

    weights: float32 (n_in, n_out); bias: float32 (n_out,); activation is one of
    ACTIVATIONS or "softmax" (output layer).
    """

    name: str
    weights: np.ndarray
    bias: np.ndarray
    activation: str


@dataclass
class Network:
    """A configuration plus its trained weights; the unit every page works with.

    label: what the UI calls this network, e.g. "Default model".
    """

    config: NetworkConfig
    layers: list[DenseLayer]
    label: str = "Network"

    def __post_init__(self) -> None:
        expected = list(zip(self.config.layer_sizes[:-1], self.config.layer_sizes[1:]))
        if len(self.layers) != len(expected):
            raise ValueError(f"Expected {len(expected)} weight layers, got {len(self.layers)}.")
        for layer, (n_in, n_out) in zip(self.layers, expected):
            if layer.weights.shape != (n_in, n_out) or layer.bias.shape != (n_out,):
                raise ValueError(
                    f"Layer {layer.name} has weights {layer.weights.shape} and bias {layer.bias.shape}, "
                    f"expected ({n_in}, {n_out}) and ({n_out},)."
                )
            if not (np.all(np.isfinite(layer.weights)) and np.all(np.isfinite(layer.bias))):
                raise ValueError(f"Layer {layer.name} contains NaN or infinite weights.")

    @classmethod
    def from_arrays(
        cls, config: NetworkConfig, arrays: list[tuple[np.ndarray, np.ndarray]], label: str = "Network"
    ) -> Network:
        """Build from [(weights, bias), ...] in layer order (as Keras's get_weights pairs them)."""
        n_layers = len(config.dense_names)
        layers = [
            DenseLayer(
                name=name,
                weights=np.asarray(w, dtype=np.float32),
                bias=np.asarray(b, dtype=np.float32),
                activation="softmax" if i == n_layers - 1 else config.activation,
            )
            for i, (name, (w, b)) in enumerate(zip(config.dense_names, arrays))
        ]
        return cls(config=config, layers=layers, label=label)

    def arrays(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(weights, bias), ...] in layer order."""
        return [(layer.weights, layer.bias) for layer in self.layers]

    @property
    def digits(self) -> tuple[int, ...]:
        return self.config.digits


MAX_MODEL_FILE_BYTES = 20_000_000  # 784-512x4-10 in float32 is ~4.8 MB; anything far larger is not ours
MAX_UNPACKED_BYTES = 50_000_000  # what the .npz may unpack to: a small zip can claim gigabytes
NOT_A_MODEL = "That file is not an nnviz model (an .npz saved by nnviz)."
MAX_LABEL = 60  # a model's name as the file states it; the UI shows it escaped, never as markdown


def save_network(network: Network, target: str | Path | io.BytesIO) -> None:
    """Write a network as a plain .npz (no pickled objects, so loading it is safe)."""
    arrays: dict[str, np.ndarray] = {
        "config": np.array(network.config.to_json()),
        "label": np.array(network.label),
    }
    for layer in network.layers:
        arrays[f"{layer.name}/weights"] = layer.weights
        arrays[f"{layer.name}/bias"] = layer.bias
    np.savez_compressed(target, **arrays)


def network_to_bytes(network: Network) -> bytes:
    buffer = io.BytesIO()
    save_network(network, buffer)
    return buffer.getvalue()


def _short(exc: Exception, limit: int = 80) -> str:
    """An exception's message cut to `limit` characters (a parser may quote the whole bad input)."""
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + "…"


@plain_errors(NOT_A_MODEL)
def load_network(source: str | Path | bytes) -> Network:
    """Read a network saved by `save_network`.

    Untrusted input is fine: pickles are refused, sizes are capped, every member's
    .npy header (shape, dtype) is checked against the limits before a single array
    is read, every member is read inside the guarded path, and every shape is checked
    against the stored configuration. Any problem raises ValueError with a message
    fit to show the user, whatever the bytes are (see nnviz.model.guard).
    """
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    if len(data) > MAX_MODEL_FILE_BYTES:
        raise ValueError("That file is too large to be an nnviz model.")
    members = _read_members(data)  # zip errors (a bad CRC), EOFError, MemoryError...: the guard says NOT_A_MODEL
    config_text = members.get("config")
    if config_text is None or config_text.dtype.kind != "U" or config_text.shape != ():
        raise ValueError(NOT_A_MODEL)
    config = NetworkConfig.from_json(str(config_text))
    label = members.get("label")
    label = (
        "Uploaded model" if label is None or label.dtype.kind != "U" or label.shape != () else str(label)[:MAX_LABEL]
    )
    names = [(f"{name}/weights", f"{name}/bias") for name in config.dense_names]
    if any(w not in members or b not in members for w, b in names):
        raise ValueError(NOT_A_MODEL)
    arrays = [(members[w], members[b]) for w, b in names]
    if any(array.dtype.kind not in "fiu" for pair in arrays for array in pair):
        raise ValueError(NOT_A_MODEL)
    return Network.from_arrays(config, arrays, label=label)  # its own shape and NaN checks speak plain words


# What a member of a model file may be: numbers (weights, biases) or text (config, label).
_MEMBER_KINDS = "fiuU"
_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
    (3, 0): np.lib.format.read_array_header_2_0,
}


def _read_members(data: bytes) -> dict[str, np.ndarray]:
    """Every `name.npy` member of an .npz as {name: array}, each header checked before it is read.

    A header states the array's shape and dtype; one claiming more than MAX_UNPACKED_BYTES
    (e.g. 10^12 floats in a 440 KB file), object arrays (pickles) or anything but numbers
    and text is refused before any memory is allocated. Raises ValueError (plain words) or
    the zip error of a damaged file (a bad CRC), which load_network's guard turns into words.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValueError(NOT_A_MODEL) from exc
    members: dict[str, np.ndarray] = {}
    total = 0
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise ValueError("That file unpacks to far more than any nnviz model, so it was not opened.")
        for info in infos:
            if not info.filename.endswith(".npy"):
                raise ValueError(NOT_A_MODEL)
            with archive.open(info) as member:
                shape, dtype = _npy_header(member)
            size = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
            total += size
            if dtype.hasobject or dtype.kind not in _MEMBER_KINDS:
                raise ValueError(NOT_A_MODEL)
            if total > MAX_UNPACKED_BYTES:
                raise ValueError("That file claims arrays far bigger than any nnviz model, so it was not opened.")
            # Read only now, through numpy's own reader (it checks the CRC as it reads), pickles refused.
            try:
                with archive.open(info) as member:
                    members[info.filename[: -len(".npy")]] = np.lib.format.read_array(member, allow_pickle=False)
            except Exception as exc:  # numpy's ValueErrors ("cannot reshape ...") are not words for a student
                raise ValueError(NOT_A_MODEL) from exc
    return members


def _npy_header(member: IO[bytes]) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) from a .npy member's header, without reading its data; ValueError(NOT_A_MODEL) if unreadable."""
    try:
        version = np.lib.format.read_magic(member)
        shape, _, dtype = _HEADER_READERS[version](member)
    except Exception as exc:  # a crafted header: numpy's ValueError, a KeyError for an unknown version, ...
        raise ValueError(NOT_A_MODEL) from exc
    return shape, dtype
