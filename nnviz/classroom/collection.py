"""Our own handwriting as a test set: drawings the class labelled, kept, saved and loaded.

A collection is a plain .npz with two arrays: "images" (n, 784) float32 in 0..1 (the
inputs exactly as the network saw them) and "labels" (n,) int64 digits 0..9. Loading
treats the file as untrusted: it is checked for size, zip bombs, pickles, names,
shapes, dtypes and values before a single array is read, and every refusal is a
ValueError whose message can be shown to a student as it is.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import numpy as np

from nnviz.model.guard import plain_errors
from nnviz.model.network import INPUT_SIZE

MAX_DRAWINGS = 2_000  # a class draws tens or hundreds; thousands mean the file is something else
MAX_FILE_BYTES = 8_000_000  # 2,000 float32 rows are 6.3 MB uncompressed; compressed files are far smaller
MAX_UNPACKED_BYTES = 16_000_000
IMAGES, LABELS = "images", "labels"
NOT_A_COLLECTION = 'That file is not a set of drawings saved by nnviz (an .npz with "images" and "labels").'
NO_DRAWINGS = "That file holds no drawings: collect a few on the Draw page, then save the set again."


@dataclass(frozen=True)
class Collection:
    """Labelled drawings. images: (n, 784) float32 0..1; labels: (n,) int64 0..9."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def add(self, pixels: np.ndarray, label: int) -> Collection:
        """A new collection with one more drawing (pixels (784,) 0..1, label 0..9) at the end."""
        if not 0 <= int(label) <= 9:
            raise ValueError(f"A digit is 0 to 9, got {label}.")
        row = np.clip(np.asarray(pixels, dtype=np.float32).reshape(1, INPUT_SIZE), 0.0, 1.0)
        return self.extend(Collection(row, np.array([int(label)], dtype=np.int64)))

    def extend(self, other: Collection) -> Collection:
        """This collection followed by `other` (refused past MAX_DRAWINGS)."""
        if len(self) + len(other) > MAX_DRAWINGS:
            raise ValueError(f"That would make more than {MAX_DRAWINGS:,} drawings; start a new collection.")
        return Collection(np.vstack([self.images, other.images]), np.concatenate([self.labels, other.labels]))


EMPTY = Collection(np.zeros((0, INPUT_SIZE), dtype=np.float32), np.zeros(0, dtype=np.int64))


def collection_to_bytes(collection: Collection) -> bytes:
    """The collection as a compressed .npz (no pickled objects), ready for a download button."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{IMAGES: collection.images, LABELS: collection.labels})
    return buffer.getvalue()


@plain_errors(NOT_A_COLLECTION)
def load_collection(data: bytes) -> Collection:
    """Read a collection saved by `collection_to_bytes`; any problem raises ValueError in plain words
    (also a crafted file's RecursionError, MemoryError, ...: see nnviz.model.guard). An empty set is refused."""
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"That file is too large for a set of drawings (at most {MAX_FILE_BYTES // 1_000_000} MB).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if sum(info.file_size for info in members.values()) > MAX_UNPACKED_BYTES:
                raise ValueError("That file unpacks to far more than any set of drawings, so it was not opened.")
            if set(members) != {f"{IMAGES}.npy", f"{LABELS}.npy"}:
                raise ValueError(NOT_A_COLLECTION)
            images_shape, images_dtype = _header(archive, f"{IMAGES}.npy")
            labels_shape, labels_dtype = _header(archive, f"{LABELS}.npy")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(NOT_A_COLLECTION) from exc
    # Shapes and dtypes are checked from the headers, before any array is read.
    if len(images_shape) != 2 or images_shape[1] != INPUT_SIZE:
        raise ValueError(f"Each drawing must have {INPUT_SIZE} values (28 × 28), but the file holds {images_shape}.")
    if labels_shape != (images_shape[0],):
        raise ValueError(f"The file holds {images_shape[0]} drawings but labels of shape {labels_shape}.")
    if images_shape[0] == 0:
        raise ValueError(NO_DRAWINGS)
    if images_shape[0] > MAX_DRAWINGS:
        raise ValueError(f"The file holds {images_shape[0]:,} drawings; at most {MAX_DRAWINGS:,} are accepted.")
    if images_dtype.kind not in "fiu" or labels_dtype.kind not in "iu":
        raise ValueError("The drawings must be numbers and the labels whole numbers.")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            images, labels = npz[IMAGES], npz[LABELS]
    except Exception as exc:  # zipfile, OSError, ValueError: all mean "not a collection"
        raise ValueError(NOT_A_COLLECTION) from exc
    if not np.all(np.isfinite(images)) or images.min(initial=0) < 0 or images.max(initial=0) > 1:
        raise ValueError("Every pixel must be between 0 and 1.")
    if labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise ValueError("Every label must be a digit from 0 to 9.")
    return Collection(images.astype(np.float32), labels.astype(np.int64))


def _header(archive: zipfile.ZipFile, name: str) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) from a .npy member's header, without reading its data; refuses object arrays."""
    with archive.open(name) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            if version not in readers:
                raise ValueError(NOT_A_COLLECTION)
            shape, _, dtype = readers[version](stream)
        except (ValueError, SyntaxError) as exc:
            raise ValueError(NOT_A_COLLECTION) from exc
    if dtype.hasobject:
        raise ValueError("That file holds Python objects, which are never opened (they could run code).")
    return shape, dtype
