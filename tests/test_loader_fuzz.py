"""Every loader of untrusted input, fuzzed: its result or its friendly message, never another exception.

Model files, drawings files, photos and links are built from hostile parts (100,000 nested
brackets, deep JSON, numbers past float range, wrong dtypes, crafted .npy headers, flipped
bytes). A loader may accept what is valid; for the rest the only outcome is a ValueError
whose message is one short plain sentence (pages show it as it is).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from devkit.anatomy import random_arrays
from nnviz.classroom.collection import EMPTY, collection_to_bytes, load_collection
from nnviz.classroom.sharing import LINK_CHOICE, chosen_experiment
from nnviz.model.network import Network, NetworkConfig, load_network, network_to_bytes
from nnviz.model.preprocess import image_to_input
from nnviz.session.settings import from_query

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
DEEP = 100_000  # nesting far past Python's recursion limit


def friendly(load: Callable[[Any], Any], data: Any) -> Any:
    """`load(data)`, or None after checking its ValueError is a short plain sentence; anything else fails the test."""
    try:
        return load(data)
    except ValueError as exc:
        message = str(exc)
        assert message and len(message) <= 300 and "\n" not in message, message
        assert "Traceback" not in message and "Error" not in message, message
        return None


def npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def crafted_npy(header: str) -> bytes:
    """A .npy member whose header dictionary is `header` as written (numpy parses it with literal_eval)."""
    text = header.encode("latin1") + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + b"\0" * 16


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members.items():
            archive.writestr(f"{name}.npy", payload)
    return buffer.getvalue()


def flipped(data: bytes, changes: list[tuple[int, int]]) -> bytes:
    """`data` with the byte at each (position mod length) replaced."""
    out = bytearray(data)
    for position, value in changes:
        out[position % len(out)] = value
    return bytes(out)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
huge_numbers = st.sampled_from(["1e400", "-1e400", "1" * 5000, "NaN", "Infinity", "-0", "1e308", "4.5", "true"])
config_texts = st.one_of(
    st.integers(1, DEEP).map(lambda n: "[" * n),
    st.integers(1, DEEP).map(lambda n: '{"hidden_sizes": ' + "[" * n + "]" * n + ', "activation": "relu"}'),
    huge_numbers.map(lambda x: f'{{"hidden_sizes": [{x}], "activation": "relu", "digits": [0, {x}]}}'),
    st.fixed_dictionaries({"hidden_sizes": json_values, "activation": json_values, "digits": json_values}).map(
        json.dumps
    ),
    json_values.map(json.dumps),
    st.text(max_size=50),
)
dtypes = st.sampled_from(["float32", "float64", "float16", "int8", "int64", "uint8", "bool", "complex64", "U3", "S3"])
SMALL = NetworkConfig(hidden_sizes=(3,), digits=(0, 1))
SMALL_MODEL = network_to_bytes(Network.from_arrays(SMALL, random_arrays(SMALL, seed=0), label="Small"))


@FUZZ
@given(config=config_texts, dtype=dtypes, label=st.one_of(st.text(max_size=200), st.just(None)))
@example(config="[" * DEEP, dtype="float32", label=None)
@example(config='{"hidden_sizes": [1e308], "activation": "relu", "digits": [0, 1e308]}', dtype="float32", label=None)
def test_a_model_file_with_any_config_gives_a_network_or_the_message(
    config: str, dtype: str, label: str | None
) -> None:
    weights = {
        f"{n}/{part}": np.ones(shape, dtype=dtype)
        for n, shape in (("hidden_1", (784, 3)), ("output", (3, 2)))
        for part in ("weights",)
    }
    biases = {"hidden_1/bias": np.zeros(3, dtype=dtype), "output/bias": np.zeros(2, dtype=dtype)}
    extra = {} if label is None else {"label": np.array(label)}
    network = friendly(load_network, npz(config=np.array(config), **weights, **biases, **extra))
    assert network is None or isinstance(network, Network)


@FUZZ
@given(config=st.one_of(st.integers(), st.floats(), st.binary(max_size=20), st.lists(st.text(max_size=3), max_size=3)))
def test_a_model_file_whose_config_is_not_text_gives_the_message(config: Any) -> None:
    assert friendly(load_network, npz(config=np.array(config))) is None


@FUZZ
@given(depth=st.integers(1, 5000), dtype=st.sampled_from(["<f4", "|O", "<U3", "x", "<f4" + "[" * 50]))
def test_a_crafted_npy_header_gives_the_message(depth: int, dtype: str) -> None:
    shape = "(" * depth + ")" * depth
    for header in (f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape}, }}", "{" * depth):
        assert friendly(load_network, zipped(config=crafted_npy(header))) is None
        assert friendly(load_collection, zipped(images=crafted_npy(header), labels=crafted_npy(header))) is None


@FUZZ
@given(changes=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_model_file_with_flipped_bytes_gives_a_network_or_the_message(changes: list[tuple[int, int]]) -> None:
    network = friendly(load_network, flipped(SMALL_MODEL, changes))
    assert network is None or isinstance(network, Network)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_a_model_or_drawings_or_photo_give_the_message(data: bytes) -> None:
    assert friendly(load_network, data) is None
    assert friendly(load_collection, data) is None
    assert friendly(image_to_input, data) is None


def test_an_empty_drawings_file_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="holds no drawings"):
        load_collection(collection_to_bytes(EMPTY))


@FUZZ
@given(
    count=st.integers(0, 5),
    images_dtype=dtypes,
    labels_dtype=dtypes,
    value=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**6),
    label=st.integers(-300, 300),
    width=st.sampled_from([784, 783, 1]),
)
def test_a_drawings_file_with_any_arrays_gives_drawings_or_the_message(
    count: int, images_dtype: str, labels_dtype: str, value: float, label: int, width: int
) -> None:
    with np.errstate(all="ignore"):
        images = np.full((count, width), value).astype(images_dtype)
        labels = np.full(count, label).astype(labels_dtype)
    collection = friendly(load_collection, npz(images=images, labels=labels))
    if collection is not None:
        assert len(collection) == count > 0 and collection.images.shape == (count, 784)
        assert (
            collection.images.min() >= 0 and collection.images.max() <= 1 and set(collection.labels) <= set(range(10))
        )


def _png(side: int) -> bytes:
    picture = Image.new("L", (side, side), 255)
    picture.paste(0, (side // 3, side // 4, side // 2, 3 * side // 4))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


PHOTO = _png(40)


@FUZZ
@given(changes=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_photo_with_flipped_bytes_gives_inputs_or_the_message(changes: list[tuple[int, int]]) -> None:
    pixels = friendly(image_to_input, flipped(PHOTO, changes))
    assert pixels is None or (pixels.shape == (784,) and pixels.min() >= 0 and pixels.max() <= 1)


@FUZZ
@given(width=st.integers(0, 2**31 - 1), height=st.integers(0, 2**31 - 1))
def test_a_photo_claiming_any_size_gives_the_message(width: int, height: int) -> None:
    header = PHOTO[:16] + struct.pack(">II", width, height) + PHOTO[24:]  # IHDR's size, its CRC left stale
    assert friendly(image_to_input, header) is None


link_texts = st.one_of(
    st.text(max_size=80),
    st.integers(1, DEEP).map(lambda n: "[" * n),
    huge_numbers,
    st.sampled_from(["http://[", "https://ev.il/login", "[x](javascript:alert(1))", "%00", "1e999999"]),
)


@FUZZ
@given(
    params=st.dictionaries(
        st.one_of(st.sampled_from(["lr", "layers", "epochs", "digits", "preset"]), st.text()), link_texts, max_size=6
    )
)
@example(params={"\n": ""})
def test_any_link_gives_an_experiment_and_plain_sentences(params: dict[str, str]) -> None:
    experiment, problems = from_query(params)
    experiment.validate()
    assert all(isinstance(p, str) and "\n" not in p for p in problems)


@FUZZ
@given(link=link_texts.map(lambda text: "https://nnviz.example/train?" + text))
@example(link="http://[")
def test_any_link_the_teacher_pastes_gives_an_experiment_or_a_sentence(link: str) -> None:
    experiment, _title, problems = chosen_experiment(LINK_CHOICE, link)
    assert experiment is not None or problems
