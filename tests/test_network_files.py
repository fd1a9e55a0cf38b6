"""Model files: a saved network loads back exactly; anything else is refused in plain words."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from devkit.anatomy import random_arrays
from nnviz.model.network import Network, NetworkConfig, load_network, network_to_bytes


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


# --- crafted files ----------------------------------------------------------------------------------


def saved_bytes(compressed: bool = False) -> bytes:
    config = NetworkConfig(hidden_sizes=(4,), digits=(0, 1))
    network = Network.from_arrays(config, random_arrays(config, seed=0), label="Saved model")
    buffer = io.BytesIO()
    arrays = {"config": np.array(config.to_json()), "label": np.array(network.label)}
    for layer in network.layers:
        arrays[f"{layer.name}/weights"], arrays[f"{layer.name}/bias"] = layer.weights, layer.bias
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def test_a_member_with_a_bad_crc_is_refused_in_plain_words() -> None:
    """The label member's bytes are altered but its CRC is not: reading it raises BadZipFile."""
    data = bytearray(saved_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("label.npy")
    # The member's data starts after its local header (30 bytes + name + extra field).
    name_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    last = start + info.compress_size - 1
    data[last] ^= 0xFF  # the label's last character: the header stays readable, the CRC fails
    with pytest.raises(zipfile.BadZipFile), zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        archive.read("label.npy")
    with pytest.raises(ValueError, match="not an nnviz model"):
        load_network(bytes(data))


def huge_header_member(shape: tuple[int, ...], dtype: str = "<f4", payload: int = 440_000) -> bytes:
    """A .npy member whose header claims `shape` (e.g. 10^12 floats) but carries only `payload` bytes."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue() + bytes(payload)


def test_a_header_claiming_a_trillion_floats_is_refused_before_reading() -> None:
    buffer = io.BytesIO()
    config = NetworkConfig(hidden_sizes=(), digits=(0, 1))
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.npy", npz_member(np.array(config.to_json())))
        archive.writestr("output/weights.npy", huge_header_member((1_000_000, 1_000_000)))
        archive.writestr("output/bias.npy", npz_member(np.zeros(2, np.float32)))
    data = buffer.getvalue()
    assert len(data) < 1_000_000  # small on disk: the zip's own size check cannot catch it
    with pytest.raises(ValueError, match="far bigger than any nnviz model"):
        load_network(data)


def test_a_header_claiming_a_trillion_floats_in_a_label_is_refused_too() -> None:
    """Whatever member lies (not only the weights), it is refused before it is read."""
    data = saved_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            body = huge_header_member((10**12,), "<U1", payload=100) if info.filename == "label.npy" else None
            archive.writestr(info.filename, body if body is not None else source.read(info))
    with pytest.raises(ValueError, match="far bigger than any nnviz model"):
        load_network(buffer.getvalue())


def npz_member(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def test_a_compressed_saved_model_still_loads() -> None:
    assert load_network(saved_bytes(compressed=True)).label == "Saved model"
