"""Model files: a saved network loads back exactly; anything else is refused in plain words."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from nnviz.network import Network, NetworkConfig, load_network, network_to_bytes
from tests.anatomy_helpers import random_arrays


@pytest.mark.parametrize(
    "config",
    [NetworkConfig(), NetworkConfig(hidden_sizes=(), digits=(7, 8, 9)), NetworkConfig((5, 4, 3, 2), "tanh", "he")],
)
def test_a_saved_network_loads_back_exactly(config: NetworkConfig) -> None:
    network = Network.from_arrays(config, random_arrays(config, seed=0), label="Saved model")
    loaded = load_network(network_to_bytes(network))
    assert loaded.config == config and loaded.label == "Saved model"
    for original, copy in zip(network.layers, loaded.layers):
        assert copy.name == original.name and copy.activation == original.activation
        np.testing.assert_array_equal(copy.weights, original.weights)
        np.testing.assert_array_equal(copy.bias, original.bias)


def npz_bytes(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_a_pickled_object_is_refused_without_being_unpickled() -> None:
    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('unpickled!')",))

    config = NetworkConfig(hidden_sizes=(), digits=(0, 1))
    payload = npz_bytes(
        config=np.array(config.to_json()),
        **{"output/weights": np.array([Boom()], dtype=object), "output/bias": np.zeros(2)},
    )
    with pytest.raises(ValueError, match="not an nnviz model"):
        load_network(payload)


def test_a_zip_bomb_is_refused_before_unpacking() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.npy", b"\0" * 60_000_000)
    with pytest.raises(ValueError, match="unpacks to far more"):
        load_network(buffer.getvalue())


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not a zip at all", "not an nnviz model"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not an nnviz model"),
        (npz_bytes(something=np.zeros(3)), "not an nnviz model"),
        (npz_bytes(config=np.array('{"hidden_sizes": [9999], "activation": "relu", "digits": [1, 2]}')), "1 to 512"),
        (npz_bytes(config=np.array("{not json")), "configuration is unreadable"),
    ],
)
def test_broken_files_give_one_plain_message(payload: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_network(payload)


def test_wrong_shapes_and_nan_weights_are_named() -> None:
    config = NetworkConfig(hidden_sizes=(), digits=(0, 1))
    text = np.array(config.to_json())
    wrong_shape = npz_bytes(config=text, **{"output/weights": np.zeros((10, 2)), "output/bias": np.zeros(2)})
    with pytest.raises(ValueError, match="Layer output has weights"):
        load_network(wrong_shape)
    nan = np.full((784, 2), np.nan)
    with pytest.raises(ValueError, match="NaN"):
        load_network(npz_bytes(config=text, **{"output/weights": nan, "output/bias": np.zeros(2)}))
