"""Our drawings as a file: a round trip, and every kind of bad upload refused in plain words before it is read."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from nnviz.classroom.collection import EMPTY, MAX_DRAWINGS, collection_to_bytes, load_collection


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def test_drawings_survive_a_download_and_an_upload() -> None:
    rng = np.random.default_rng(0)
    collection = EMPTY
    for label in (3, 7, 7):
        collection = collection.add(rng.uniform(0, 1, 784), label)
    loaded = load_collection(collection_to_bytes(collection))
    assert len(loaded) == 3
    np.testing.assert_array_equal(loaded.labels, [3, 7, 7])
    np.testing.assert_allclose(loaded.images, collection.images)
    assert loaded.images.dtype == np.float32 and loaded.labels.dtype == np.int64
    assert len(collection_to_bytes(collection)) < 10_000  # small: a few kB for a few drawings


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a set of drawings"),
        (b"hello, not a zip", "not a set of drawings"),
        (npz_bytes(images=np.zeros((2, 784))), "not a set of drawings"),
        (npz_bytes(images=np.zeros((2, 784)), labels=np.zeros(2, int), extra=np.zeros(1)), "not a set of drawings"),
        (npz_bytes(images=np.zeros((2, 100)), labels=np.zeros(2, int)), "784 values"),
        (npz_bytes(images=np.zeros((2, 784)), labels=np.zeros(3, int)), "labels of shape"),
        (npz_bytes(images=np.full((1, 784), 2.0), labels=np.zeros(1, int)), "between 0 and 1"),
        (npz_bytes(images=np.full((1, 784), np.nan), labels=np.zeros(1, int)), "between 0 and 1"),
        (npz_bytes(images=np.zeros((1, 784)), labels=np.array([12])), "digit from 0 to 9"),
        (npz_bytes(images=np.zeros((1, 784)), labels=np.array([1.5])), "whole numbers"),
        (npz_bytes(images=np.array([[None] * 784], dtype=object), labels=np.zeros(1, int)), "Python objects"),
        (
            npz_bytes(images=np.zeros((MAX_DRAWINGS + 1, 784), np.uint8), labels=np.zeros(MAX_DRAWINGS + 1, int)),
            "at most",
        ),
    ],
)
def test_a_bad_file_is_refused_in_plain_words(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_collection(data)


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("images.npy", b"\0" * 40_000_000)
    with pytest.raises(ValueError, match="unpacks to far more"):
        load_collection(buffer.getvalue())


def test_a_collection_refuses_a_label_that_is_not_a_digit_and_too_many_drawings() -> None:
    with pytest.raises(ValueError, match="0 to 9"):
        EMPTY.add(np.zeros(784), 10)
    big = EMPTY.extend(type(EMPTY)(np.zeros((MAX_DRAWINGS, 784), np.float32), np.zeros(MAX_DRAWINGS, np.int64)))
    with pytest.raises(ValueError, match="more than"):
        big.add(np.zeros(784), 1)
