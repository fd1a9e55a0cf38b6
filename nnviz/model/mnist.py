"""Load MNIST without Keras: from a folder of IDX files, or the standard download.

Where the data comes from, in order:

1. the ``data_dir`` argument, else
2. the folder named by the environment variable ``NNVIZ_DATA_DIR``, else
3. the same ``mnist.npz`` that ``keras.datasets.mnist`` downloads, fetched once
   with urllib, checked against its published SHA-256 and cached on disk
   (``NNVIZ_CACHE_DIR``, default ``~/.cache/nnviz``).

Keras is never imported: the Streamlit server needs test digits too and must
stay TensorFlow-free. Nothing is cached in this module; callers (the UI) cache.

Every failure (missing, truncated or corrupt file, no network) raises one
`DataUnavailableError` whose message says what went wrong and what to do.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import struct
import tempfile
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from nnviz.model.network import IMAGE_SIDE, INPUT_SIZE

IMAGES_MAGIC = 2051  # IDX: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # IDX: unsigned bytes, 1 dimension
# The official sets hold 60,000 and 10,000 items. A header claiming far more is
# corrupt or hostile; the cap also bounds how much a gzip bomb can make us inflate.
MAX_ITEMS = 100_000

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
MNIST_NPZ_NAME = "mnist.npz"
DOWNLOAD_TIMEOUT_S = 30.0
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024  # the real file is ~11 MB

DATA_DIR_ENV = "NNVIZ_DATA_DIR"
CACHE_DIR_ENV = "NNVIZ_CACHE_DIR"

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"

HOW_TO_FIX = (
    f"Set {DATA_DIR_ENV} to a folder with the four MNIST IDX files "
    f"({TRAIN_IMAGES}, {TRAIN_LABELS}, {TEST_IMAGES}, {TEST_LABELS}; .gz or plain), "
    "or connect to the internet once so nnviz can download and cache MNIST."
)


class DataUnavailableError(RuntimeError):
    """MNIST could not be loaded; the message says why and what to do."""


def _unavailable(problem: str) -> DataUnavailableError:
    return DataUnavailableError(f"MNIST could not be loaded: {problem}. {HOW_TO_FIX}")


@dataclass(frozen=True)
class MnistData:
    """MNIST as the network sees it.

    x_train: (n, 784) float32 in [0, 1], one row per 28×28 image, row-major, white ink on black.
    y_train: (n,) int64 digits 0..9.
    x_test: (m, 784) float32 in [0, 1] (m = 10,000 for the official test set).
    y_test: (m,) int64 digits 0..9.
    source: where the data came from, for display (a folder or the download cache).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def load_mnist(data_dir: str | Path | None = None) -> MnistData:
    """Load the training and test sets (see the module docstring for where from).

    Raises DataUnavailableError if the data is missing, corrupt or cannot be downloaded.
    """
    folder = _resolve_data_dir(data_dir)
    if folder is not None:
        x_train, y_train = _read_idx_pair(folder, TRAIN_IMAGES, TRAIN_LABELS)
        x_test, y_test = _read_idx_pair(folder, TEST_IMAGES, TEST_LABELS)
        return MnistData(x_train, y_train, x_test, y_test, source=f"MNIST IDX files in {folder}")
    path = _cached_download()
    arrays = _read_npz(path, ("x_train", "y_train", "x_test", "y_test"))
    return MnistData(
        *_scale(arrays["x_train"], arrays["y_train"]),
        *_scale(arrays["x_test"], arrays["y_test"]),
        source=f"MNIST download cached at {path}",
    )


def load_mnist_test(data_dir: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Only the test set: (x_test (m, 784) float32 in [0, 1], y_test (m,) int64 0..9).

    Cheaper than `load_mnist`: from a folder only the two t10k files are read.
    Raises DataUnavailableError like `load_mnist`.
    """
    folder = _resolve_data_dir(data_dir)
    if folder is not None:
        return _read_idx_pair(folder, TEST_IMAGES, TEST_LABELS)
    arrays = _read_npz(_cached_download(), ("x_test", "y_test"))
    return _scale(arrays["x_test"], arrays["y_test"])


def load_mnist_training_labels(data_dir: str | Path | None = None) -> np.ndarray:
    """Only the training labels: (n,) int64 0..9 — how many images of each digit there are to train on.

    Cheap (the labels file is 60 kB for all of MNIST). Raises DataUnavailableError like `load_mnist`.
    """
    folder = _resolve_data_dir(data_dir)
    if folder is not None:
        labels = _read_idx(folder, TRAIN_LABELS, LABELS_MAGIC)
    else:
        labels = _read_npz(_cached_download(), ("y_train",))["y_train"]
    return labels.astype(np.int64)


def _resolve_data_dir(data_dir: str | Path | None) -> Path | None:
    """The folder to read IDX files from, or None to use the download."""
    if data_dir is None or str(data_dir) == "":
        data_dir = os.environ.get(DATA_DIR_ENV) or None
    if data_dir is None:
        return None
    folder = Path(data_dir).expanduser()
    if not folder.is_dir():
        raise _unavailable(f"the data folder {folder} does not exist")
    return folder


def _scale(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (n, 28, 28) or (n, 784) → float32 (n, 784) in [0, 1]; labels → int64."""
    x = images.reshape(len(images), INPUT_SIZE).astype(np.float32)
    x /= 255.0
    return x, labels.astype(np.int64)


# --- IDX files ------------------------------------------------------------------------------------


def _read_idx_pair(folder: Path, images_name: str, labels_name: str) -> tuple[np.ndarray, np.ndarray]:
    images = _read_idx(folder, images_name, IMAGES_MAGIC)
    labels = _read_idx(folder, labels_name, LABELS_MAGIC)
    if len(images) != len(labels):
        raise _unavailable(
            f"{images_name} holds {len(images)} images but {labels_name} holds {len(labels)} labels in {folder}"
        )
    if labels.size and labels.max() > 9:
        raise _unavailable(f"{labels_name} in {folder} holds labels outside 0..9 (found {int(labels.max())})")
    return _scale(images, labels)


def _find_idx(folder: Path, name: str) -> Path:
    """The plain file if present (faster to read), else the .gz one."""
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise _unavailable(f"{name} (or {name}.gz) is missing from {folder}")


def _read_idx(folder: Path, name: str, magic: int) -> np.ndarray:
    """Read one IDX file: images → (n, 28, 28) uint8, labels → (n,) uint8."""
    path = _find_idx(folder, name)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as stream:
            return _parse_idx(stream, magic, path)
    except DataUnavailableError:
        raise
    except (OSError, EOFError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
        raise _unavailable(f"{path} cannot be read ({error})") from error


def _parse_idx(stream: BinaryIO, magic: int, path: Path) -> np.ndarray:
    """Validate the header and read exactly the bytes it promises, never more."""
    header_size = 16 if magic == IMAGES_MAGIC else 8
    header = _read_exactly(stream, header_size)
    if len(header) < header_size:
        raise _unavailable(f"{path} is too short to be an IDX file")
    found_magic, count = struct.unpack(">II", header[:8])
    if found_magic != magic:
        kind = "images" if magic == IMAGES_MAGIC else "labels"
        raise _unavailable(f"{path} is not an MNIST {kind} file (magic number {found_magic}, expected {magic})")
    if count > MAX_ITEMS:
        raise _unavailable(f"{path} claims {count:,} items, more than the {MAX_ITEMS:,} an MNIST file can hold")
    shape: tuple[int, ...] = (count,)
    if magic == IMAGES_MAGIC:
        rows, cols = struct.unpack(">II", header[8:16])
        if (rows, cols) != (IMAGE_SIDE, IMAGE_SIDE):
            raise _unavailable(f"{path} holds {rows}×{cols} images, expected 28×28")
        shape = (count, rows, cols)
    expected = int(np.prod(shape))
    # One byte extra tells a file with trailing data from an exact one, while a
    # gzip bomb can inflate no more than the (capped) size the header promised.
    body = _read_exactly(stream, expected + 1)
    if len(body) < expected:
        raise _unavailable(f"{path} is truncated ({len(body):,} of {expected:,} data bytes)")
    if len(body) > expected:
        raise _unavailable(f"{path} holds more data than its header's count of {count:,} items")
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    """Read up to ``size`` bytes, looping because raw file reads may return short."""
    chunks = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# --- the standard download ------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where the download is kept: $NNVIZ_CACHE_DIR, else ~/.cache/nnviz."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "nnviz"


def _fetch(url: str, destination: BinaryIO) -> None:
    """Copy ``url`` into the open file ``destination`` (the one network call; tests replace it).

    Stops past MAX_DOWNLOAD_BYTES, so a wrong or hostile server cannot fill the disk.
    """
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        received = 0
        for block in iter(lambda: response.read(1 << 20), b""):
            received += len(block)
            if received > MAX_DOWNLOAD_BYTES:
                raise _unavailable(f"the download from {url} is far larger than MNIST")
            destination.write(block)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cached_download() -> Path:
    """The verified mnist.npz in the cache, downloading it first if needed."""
    folder = cache_dir()
    target = folder / MNIST_NPZ_NAME
    if target.is_file() and _sha256(target) == MNIST_SHA256:
        return target
    temp_path: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Download beside the target and rename only once verified, so a crash or a
        # concurrent reader never sees a half-written file.
        handle, temp_name = tempfile.mkstemp(prefix=".mnist-", suffix=".part", dir=folder)
        temp_path = Path(temp_name)
        with os.fdopen(handle, "wb") as temp_file:
            _fetch(MNIST_URL, temp_file)
        if _sha256(temp_path) != MNIST_SHA256:
            raise _unavailable(f"the file downloaded from {MNIST_URL} does not match MNIST's checksum")
        os.replace(temp_path, target)
    except DataUnavailableError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as error:
        # OSError covers no network, timeouts (urllib's URLError is one) and an unwritable cache folder.
        raise _unavailable(f"downloading {MNIST_URL} into {folder} failed ({error})") from error
    finally:
        if temp_path is not None:
            temp_path.unlink(missing_ok=True)
    return target


def _read_npz(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Read and validate the named arrays of the (already checksum-verified) mnist.npz."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in keys}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise _unavailable(f"{path} cannot be read ({error})") from error
    for split in ("train", "test"):
        images, labels = arrays.get(f"x_{split}"), arrays.get(f"y_{split}")
        if images is None or labels is None:
            continue
        if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE) or images.dtype != np.uint8:
            raise _unavailable(
                f"{path} holds x_{split} of shape {images.shape} {images.dtype}, expected (n, 28, 28) uint8"
            )
        if labels.shape != (len(images),):
            raise _unavailable(f"{path} holds {len(images)} {split} images but labels of shape {labels.shape}")
        if labels.size and (labels.min() < 0 or labels.max() > 9):
            raise _unavailable(f"{path} holds {split} labels outside 0..9")
    return arrays
