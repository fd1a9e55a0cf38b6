"""What the live view is sent: weights that read back bit for bit, once per model, and the preparation's numbers."""

from __future__ import annotations

import base64
import itertools

import numpy as np
import pytest

from nnviz.live.payload import float32_base64, model_payload, value_colours
from nnviz.live.preparation import preparation_parameters
from nnviz.live.view_data import known_digits_note, live_data
from nnviz.model import preprocess
from nnviz.model.forward import OVERFLOW_MESSAGE
from nnviz.model.network import Network, NetworkConfig
from nnviz.session.state.input import CurrentInput


def network(config: NetworkConfig, seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    sizes = config.layer_sizes
    return Network.from_arrays(
        config, [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in itertools.pairwise(sizes)]
    )


def read_back(text: str, shape: tuple[int, ...]) -> np.ndarray:
    """What the browser's Float32Array sees: little-endian float32, row-major."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4").reshape(shape)


@pytest.mark.parametrize(
    "config",
    [
        NetworkConfig(hidden_sizes=()),
        NetworkConfig(hidden_sizes=(512, 512), activation="tanh"),
        NetworkConfig(hidden_sizes=(1, 2, 3, 4), activation="sigmoid", digits=(7, 8, 9)),
    ],
)
def test_every_layer_reads_back_bit_for_bit_with_its_shape_and_activation(config: NetworkConfig) -> None:
    net = network(config)
    payload = model_payload(net, "abc")
    assert payload["id"] == "abc" and payload["digits"] == list(config.digits)
    assert len(payload["layers"]) == len(net.layers)
    for sent, layer in zip(payload["layers"], net.layers):
        assert (sent["inputs"], sent["outputs"]) == layer.weights.shape
        assert sent["activation"] == layer.activation
        np.testing.assert_array_equal(read_back(sent["weights"], layer.weights.shape), layer.weights)
        np.testing.assert_array_equal(read_back(sent["bias"], layer.bias.shape), layer.bias)
        rows, cols = sent["grid"]
        assert rows * cols >= sent["outputs"]
    assert payload["layers"][-1]["activation"] == "softmax"


def test_bounded_activations_have_a_fixed_colour_range_and_relu_has_none() -> None:
    layers = {
        c.activation: model_payload(network(c), "x")["layers"][0]
        for c in (
            NetworkConfig(hidden_sizes=(4,), activation="relu"),
            NetworkConfig(hidden_sizes=(4,), activation="sigmoid"),
            NetworkConfig(hidden_sizes=(4,), activation="tanh"),
        )
    }
    assert layers["relu"]["range"] is None
    assert layers["sigmoid"]["range"] == [0.0, 1.0] and layers["tanh"]["range"] == [-1.0, 1.0]


def test_float32_base64_is_little_endian_whatever_the_input_dtype() -> None:
    values = np.array([[1.5, -2.0], [3.25, 1e-3]], dtype=">f8")
    np.testing.assert_array_equal(read_back(float32_base64(values), (2, 2)), values.astype(np.float32))


def test_the_colour_scale_runs_from_0_to_1_in_hex() -> None:
    scale = value_colours()
    assert scale[0][0] == 0.0 and scale[-1][0] == 1.0
    assert all(colour.startswith("#") and len(colour) == 7 for _, colour in scale)


def test_the_preparation_numbers_are_the_numpy_pipelines_own() -> None:
    params = preparation_parameters()
    assert params["digitBox"] == preprocess.DIGIT_BOX and params["centre"] == list(preprocess.MNIST_CENTRE)
    assert params["minExtent"] == preprocess.MIN_CANVAS_EXTENT
    # numpy compares float32 ink with these thresholds in float32 (NEP 50): the browser gets that value.
    assert params["inkThreshold"] == float(np.float32(preprocess.INK_THRESHOLD)) != preprocess.INK_THRESHOLD
    assert params["greyLevel"] == float(np.float32(preprocess.GREY_LEVEL))


def data(net: Network, **changes) -> dict:
    given = {
        "browser_holds": None,
        "report": None,
        "strokes": [],
        "generation": 0,
        "current": None,
        "reveal": True,
        "presenter": False,
    }
    return live_data(net, "fp", **{**given, **changes})


def test_the_weights_are_sent_only_when_the_browser_does_not_hold_that_model() -> None:
    net = network(NetworkConfig(hidden_sizes=(3,)))
    assert data(net)["model"]["id"] == "fp"
    assert data(net, browser_holds="an older model")["model"]["id"] == "fp"
    assert data(net, browser_holds="fp")["model"] is None
    assert data(net, browser_holds="fp")["modelId"] == "fp"


def test_a_test_digit_is_sent_as_pixels_and_a_drawing_is_not() -> None:
    net = network(NetworkConfig(hidden_sizes=(3,)))
    pixels = np.linspace(0, 1, 784, dtype=np.float32)
    digit = data(net, current=CurrentInput(pixels, "test digit", true_label=4, test_index=12))
    np.testing.assert_array_equal(read_back(digit["pixels"], (784,)), pixels)
    assert "#12" in digit["words"]["current"] and "**" not in digit["words"]["current"]
    assert data(net, current=CurrentInput(pixels, "drawing"))["pixels"] is None


def test_the_report_number_goes_back_only_when_it_is_a_number() -> None:
    net = network(NetworkConfig(hidden_sizes=(3,)))
    assert data(net, report={"n": 4})["heard"] == 4
    for nonsense in (None, {"n": "4"}, {"n": True}, [4]):
        assert data(net, report=nonsense)["heard"] == 0


def test_the_words_come_from_the_server() -> None:
    words = data(network(NetworkConfig(hidden_sizes=(3,))))["words"]
    assert words["overflow"] == OVERFLOW_MESSAGE and words["known"] == ""
    assert known_digits_note((7, 8, 9)).startswith("This network only knows 7, 8, 9.")


def test_the_view_files_are_all_there_and_the_script_exports_the_entry_point() -> None:
    from nnviz.live.assets import view_assets

    assets = view_assets()
    assert set(assets) == {"html", "css", "js"}
    assert 'class="pad"' in assets["html"] and 'aria-live="polite"' in assets["html"]
    assert "export default function" in assets["js"]
