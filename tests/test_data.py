"""MNIST loading: the real files, synthetic IDX folders, corrupt files and the (faked) download."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import importlib.util
import io
import struct
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from devkit.ci import skip_or_fail
from nnviz.model import mnist as data
from nnviz.model.mnist import DataUnavailableError, MnistData, load_mnist, load_mnist_test

TRAIN_COUNTS = [2406, 2770, 2381, 2524, 2386, 2181, 2401, 2524, 2328, 2444]  # from the data folder's README
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]  # the official MNIST test set


@pytest.fixture(autouse=True)
def no_network_and_private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No test here may reach the network or the user's cache; any attempt fails loudly."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(data.urllib.request, "urlopen", refuse)
    cache = tmp_path / "cache"
    monkeypatch.setenv("NNVIZ_CACHE_DIR", str(cache))
    monkeypatch.delenv("NNVIZ_DATA_DIR", raising=False)
    return cache


# --- writing synthetic IDX files ------------------------------------------------------------------


def idx_images_bytes(images: np.ndarray, magic: int = 2051, count: int | None = None, side: int = 28) -> bytes:
    count = len(images) if count is None else count
    return struct.pack(">IIII", magic, count, side, side) + images.astype(np.uint8).tobytes()


def idx_labels_bytes(labels: np.ndarray, magic: int = 2049, count: int | None = None) -> bytes:
    count = len(labels) if count is None else count
    return struct.pack(">II", magic, count) + labels.astype(np.uint8).tobytes()


def write(folder: Path, name: str, payload: bytes, gz: bool) -> Path:
    path = folder / (f"{name}.gz" if gz else name)
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


def synthetic_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[0] = 0  # include both extremes of the range
    images[-1] = 255
    return images, rng.integers(0, 10, size=n).astype(np.uint8)


def write_folder(folder: Path, gz: bool, n_train: int = 7, n_test: int = 5) -> dict[str, np.ndarray]:
    folder.mkdir(parents=True, exist_ok=True)
    x_train, y_train = synthetic_split(n_train, seed=1)
    x_test, y_test = synthetic_split(n_test, seed=2)
    write(folder, "train-images-idx3-ubyte", idx_images_bytes(x_train), gz)
    write(folder, "train-labels-idx1-ubyte", idx_labels_bytes(y_train), gz)
    write(folder, "t10k-images-idx3-ubyte", idx_images_bytes(x_test), gz)
    write(folder, "t10k-labels-idx1-ubyte", idx_labels_bytes(y_test), gz)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def assert_helpful(error: pytest.ExceptionInfo[DataUnavailableError], *fragments: str) -> None:
    message = str(error.value)
    assert "NNVIZ_DATA_DIR" in message and "internet" in message, message
    for fragment in fragments:
        assert fragment in message, message


# --- the real data --------------------------------------------------------------------------------


def test_real_mnist_shapes_dtypes_and_ranges(mnist: MnistData, mnist_dir: Path) -> None:
    assert mnist.x_train.shape == (24_345, 784) and mnist.x_train.dtype == np.float32
    assert mnist.y_train.shape == (24_345,) and mnist.y_train.dtype == np.int64
    assert mnist.x_test.shape == (10_000, 784) and mnist.x_test.dtype == np.float32
    assert mnist.y_test.shape == (10_000,) and mnist.y_test.dtype == np.int64
    for x in (mnist.x_train, mnist.x_test):
        assert x.min() == 0.0 and x.max() == 1.0
    assert np.bincount(mnist.y_train, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(mnist.y_test, minlength=10).tolist() == TEST_COUNTS
    assert str(mnist_dir) in mnist.source


def test_real_mnist_pixels_are_the_file_bytes_over_255(mnist: MnistData, mnist_dir: Path) -> None:
    # Oracle: decode the first test image and label straight from the file by hand.
    raw_images = gzip.decompress((mnist_dir / "t10k-images-idx3-ubyte.gz").read_bytes())
    raw_labels = gzip.decompress((mnist_dir / "t10k-labels-idx1-ubyte.gz").read_bytes())
    first = np.frombuffer(raw_images[16 : 16 + 784], dtype=np.uint8)
    np.testing.assert_array_equal(mnist.x_test[0], first.astype(np.float32) / 255)
    assert mnist.y_test[0] == raw_labels[8] == 7


def test_load_mnist_test_matches_the_full_load(mnist: MnistData, mnist_dir: Path) -> None:
    x_test, y_test = load_mnist_test(mnist_dir)
    np.testing.assert_array_equal(x_test, mnist.x_test)
    np.testing.assert_array_equal(y_test, mnist.y_test)


# --- synthetic folders ----------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
def test_synthetic_folder_round_trips(tmp_path: Path, gz: bool) -> None:
    expected = write_folder(tmp_path / "mnist", gz=gz)
    loaded = load_mnist(tmp_path / "mnist")
    for split in ("train", "test"):
        images, labels = expected[f"x_{split}"], expected[f"y_{split}"]
        x, y = getattr(loaded, f"x_{split}"), getattr(loaded, f"y_{split}")
        np.testing.assert_array_equal(x, images.reshape(len(images), 784).astype(np.float32) / 255)
        np.testing.assert_array_equal(y, labels.astype(np.int64))
        assert x.dtype == np.float32 and y.dtype == np.int64
    assert loaded.x_train.min() == 0.0 and loaded.x_train.max() == 1.0


def test_folder_from_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = write_folder(tmp_path / "from_env", gz=True)
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "from_env"))
    loaded = load_mnist()
    assert len(loaded.x_train) == len(expected["x_train"])
    assert "from_env" in loaded.source
    x_test, _ = load_mnist_test()
    assert len(x_test) == len(expected["x_test"])


def test_test_only_load_needs_only_the_t10k_files(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    write_folder(folder, gz=False)
    (folder / "train-images-idx3-ubyte").unlink()
    (folder / "train-labels-idx1-ubyte").unlink()
    x_test, y_test = load_mnist_test(folder)
    assert x_test.shape == (5, 784) and y_test.shape == (5,)
    with pytest.raises(DataUnavailableError) as error:
        load_mnist(folder)
    assert_helpful(error, "train-images-idx3-ubyte", "missing")


def test_plain_file_is_preferred_over_gz(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    write_folder(folder, gz=False)
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(b"a stale, broken copy")
    assert load_mnist_test(folder)[0].shape == (5, 784)


# --- corrupt and missing files --------------------------------------------------------------------

IMAGES = "t10k-images-idx3-ubyte"
LABELS = "t10k-labels-idx1-ubyte"


def _images(n: int = 3) -> np.ndarray:
    return synthetic_split(n, seed=3)[0]


def _labels(n: int = 3) -> np.ndarray:
    return np.arange(n, dtype=np.uint8) % 10


CORRUPT_CASES = {
    "images wrong magic": (IMAGES, idx_images_bytes(_images(), magic=2049), "magic number 2049"),
    "labels wrong magic": (LABELS, idx_labels_bytes(_labels(), magic=2051), "magic number 2051"),
    "images truncated": (IMAGES, idx_images_bytes(_images())[:-100], "truncated"),
    "labels truncated": (LABELS, idx_labels_bytes(_labels())[:-1], "truncated"),
    "header only": (IMAGES, idx_images_bytes(_images())[:16], "truncated"),
    "shorter than a header": (LABELS, b"\x00\x00\x08", "too short"),
    "empty file": (IMAGES, b"", "too short"),
    "header count larger than data": (IMAGES, idx_images_bytes(_images(), count=4), "truncated"),
    "header count smaller than data": (IMAGES, idx_images_bytes(_images(), count=2), "more data"),
    "count mismatch": (LABELS, idx_labels_bytes(_labels(2)), "3 images but"),
    "absurd header count": (IMAGES, idx_images_bytes(_images(), count=10**9), "claims"),
    "wrong image size": (IMAGES, idx_images_bytes(_images(3)[:, :27, :27], side=27), "27×27"),
    "label out of range": (LABELS, idx_labels_bytes(np.array([0, 10, 2])), "outside 0..9"),
}


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("case", list(CORRUPT_CASES))
def test_corrupt_file_gives_one_helpful_error(tmp_path: Path, case: str, gz: bool) -> None:
    name, payload, fragment = CORRUPT_CASES[case]
    folder = tmp_path / "mnist"
    write_folder(folder, gz=gz, n_test=3)
    write(folder, name, payload, gz)
    with pytest.raises(DataUnavailableError) as error:
        load_mnist_test(folder)
    assert_helpful(error, fragment)


def test_missing_file(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    write_folder(folder, gz=True)
    (folder / f"{LABELS}.gz").unlink()
    with pytest.raises(DataUnavailableError) as error:
        load_mnist_test(folder)
    assert_helpful(error, LABELS, "missing", str(folder))


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailableError) as error:
        load_mnist(tmp_path / "nowhere")
    assert_helpful(error, "does not exist")


@pytest.mark.parametrize(
    "payload",
    [b"this is not gzip at all", gzip.compress(idx_images_bytes(_images()))[:40]],
    ids=["garbage", "cut-off stream"],
)
def test_broken_gzip(tmp_path: Path, payload: bytes) -> None:
    folder = tmp_path / "mnist"
    write_folder(folder, gz=True)
    (folder / f"{IMAGES}.gz").write_bytes(payload)
    with pytest.raises(DataUnavailableError) as error:
        load_mnist_test(folder)
    assert_helpful(error, f"{IMAGES}.gz")


def test_gzip_bomb_is_not_inflated_past_the_header_count(tmp_path: Path) -> None:
    # 3 images promised, 20 MB of zeros delivered (compresses to ~20 kB).
    folder = tmp_path / "mnist"
    write_folder(folder, gz=True)
    bomb = gzip.compress(struct.pack(">IIII", 2051, 3, 28, 28) + bytes(20 * 1024 * 1024))
    (folder / f"{IMAGES}.gz").write_bytes(bomb)
    with pytest.raises(DataUnavailableError) as error:
        load_mnist_test(folder)
    assert_helpful(error, "more data")


# --- the download (faked: tests never touch the network) ------------------------------------------


def npz_bytes(n_train: int = 6, n_test: int = 4, **overrides: np.ndarray) -> bytes:
    x_train, y_train = synthetic_split(n_train, seed=5)
    x_test, y_test = synthetic_split(n_test, seed=6)
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test} | overrides
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


class FakeServer:
    """Stands in for `nnviz.model.mnist._fetch`: serves fixed bytes and counts requests."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.requests: list[str] = []

    def __call__(self, url: str, destination: io.BufferedWriter) -> None:
        self.requests.append(url)
        destination.write(self.payload)


def serve(monkeypatch: pytest.MonkeyPatch, payload: bytes, published: bytes | None = None) -> FakeServer:
    """Fake the download of ``payload``; MNIST's checksum becomes that of ``published`` (default: payload)."""
    server = FakeServer(payload)
    monkeypatch.setattr(data, "_fetch", server)
    monkeypatch.setattr(data, "MNIST_SHA256", hashlib.sha256(published or payload).hexdigest())
    return server


def test_download_is_verified_cached_and_reused(monkeypatch: pytest.MonkeyPatch, no_network_and_private_cache: Path):
    payload = npz_bytes()
    server = serve(monkeypatch, payload)
    first = load_mnist()
    assert server.requests == [data.MNIST_URL]
    cached = no_network_and_private_cache / "mnist.npz"
    assert cached.read_bytes() == payload
    assert sorted(p.name for p in no_network_and_private_cache.iterdir()) == ["mnist.npz"]  # no temp files left
    assert str(cached) in first.source

    with np.load(io.BytesIO(payload)) as arrays:
        np.testing.assert_array_equal(first.x_train, arrays["x_train"].reshape(6, 784).astype(np.float32) / 255)
        np.testing.assert_array_equal(first.y_test, arrays["y_test"].astype(np.int64))
    assert first.x_train.dtype == np.float32 and first.y_train.dtype == np.int64

    again = load_mnist()
    x_test, y_test = load_mnist_test()
    assert server.requests == [data.MNIST_URL]  # served from the cache, no second download
    np.testing.assert_array_equal(again.x_train, first.x_train)
    np.testing.assert_array_equal(x_test, first.x_test)
    np.testing.assert_array_equal(y_test, first.y_test)


def test_download_with_wrong_checksum_is_rejected(monkeypatch: pytest.MonkeyPatch, no_network_and_private_cache: Path):
    serve(monkeypatch, npz_bytes(n_train=5), published=npz_bytes())
    with pytest.raises(DataUnavailableError) as error:
        load_mnist()
    assert_helpful(error, "checksum")
    assert list(no_network_and_private_cache.iterdir()) == []  # nothing half-trusted left behind


def test_corrupt_cache_is_downloaded_again(monkeypatch: pytest.MonkeyPatch, no_network_and_private_cache: Path):
    server = serve(monkeypatch, npz_bytes())
    no_network_and_private_cache.mkdir(parents=True)
    (no_network_and_private_cache / "mnist.npz").write_bytes(b"half a file")
    assert load_mnist_test()[0].shape == (4, 784)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [urllib.error.URLError("Name or service not known"), TimeoutError("timed out"), ConnectionResetError()],
    ids=["no network", "timeout", "reset"],
)
def test_no_network_gives_one_helpful_error(
    monkeypatch: pytest.MonkeyPatch, no_network_and_private_cache: Path, failure: Exception
) -> None:
    def unreachable(*args: object, **kwargs: object) -> None:
        raise failure

    # Replace urlopen, not _fetch, so the real download code runs up to the network.
    monkeypatch.setattr(data.urllib.request, "urlopen", unreachable)
    with pytest.raises(DataUnavailableError) as error:
        load_mnist()
    assert_helpful(error, "downloading")
    assert [p for p in no_network_and_private_cache.iterdir() if p.name != "mnist.npz"] == []


def test_real_fetch_streams_the_response_with_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    payload = npz_bytes()
    calls: list[tuple[str, float]] = []

    def fake_urlopen(url: str, timeout: float) -> io.BytesIO:
        calls.append((url, timeout))
        return io.BytesIO(payload)

    monkeypatch.setattr(data.urllib.request, "urlopen", fake_urlopen)
    monkeypatch.setattr(data, "MNIST_SHA256", hashlib.sha256(payload).hexdigest())
    assert load_mnist_test()[0].shape == (4, 784)
    assert calls == [(data.MNIST_URL, data.DOWNLOAD_TIMEOUT_S)]


def test_oversized_download_is_cut_off(monkeypatch: pytest.MonkeyPatch, no_network_and_private_cache: Path) -> None:
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(bytes(5000)))
    monkeypatch.setattr(data, "MAX_DOWNLOAD_BYTES", 1000)
    with pytest.raises(DataUnavailableError) as error:
        load_mnist()
    assert_helpful(error, "larger than MNIST")
    assert list(no_network_and_private_cache.iterdir()) == []


def test_unusable_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    serve(monkeypatch, npz_bytes())
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NNVIZ_CACHE_DIR", str(blocker / "cache"))
    with pytest.raises(DataUnavailableError) as error:
        load_mnist()
    assert_helpful(error, str(blocker))


@pytest.mark.parametrize(
    "overrides",
    [
        {"x_train": np.zeros((6, 27, 27), np.uint8)},
        {"x_test": np.zeros((4, 28, 28), np.float32)},
        {"y_test": np.zeros(3, np.uint8)},
        {"y_train": np.full(6, 11, np.uint8)},
    ],
    ids=["wrong image size", "wrong dtype", "label count", "label range"],
)
def test_downloaded_file_with_bad_contents(monkeypatch: pytest.MonkeyPatch, overrides: dict[str, np.ndarray]):
    serve(monkeypatch, npz_bytes(**overrides))
    with pytest.raises(DataUnavailableError) as error:
        load_mnist()
    assert_helpful(error, "mnist.npz")


def test_download_source_matches_keras() -> None:
    # Oracle: the URL's file and checksum are the ones keras.datasets.mnist uses (read, never imported).
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        skip_or_fail("keras is not installed: pip install -r requirements.txt")
    source = Path(next(iter(spec.submodule_search_locations))) / "src" / "datasets" / "mnist.py"
    if not source.exists():
        skip_or_fail(f"keras's MNIST loader is not at {source}")
    text = source.read_text()
    assert data.MNIST_SHA256 in text
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/" in text and "mnist.npz" in text


# --- small pieces ---------------------------------------------------------------------------------


def test_mnist_data_is_frozen_and_the_error_is_a_runtime_error() -> None:
    empty = np.zeros((0, 784), np.float32)
    labels = np.zeros(0, np.int64)
    loaded = MnistData(empty, labels, empty, labels, source="test")
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.source = "changed"  # type: ignore[misc]
    assert issubclass(DataUnavailableError, RuntimeError)
