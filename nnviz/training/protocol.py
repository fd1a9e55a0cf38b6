"""The wire format between the Streamlit server and its training workers (numpy only, no TensorFlow).

Each message is one *frame*: a 4-byte big-endian length, then that many bytes of
pickle. Pickle is acceptable because both ends are nnviz's own code, started by
the server as its own child processes over private pipes; nothing from a
browser ever reaches these pipes. The server still reads with a restricted
unpickler that only rebuilds plain values, numpy arrays and nnviz's own event
and config classes: a stray TensorFlow object in an event would otherwise make
the server import TensorFlow just to unpickle it.

Messages are tuples whose first item names them.

Server -> worker:
    ("run", run_id, NetworkConfig, TrainingConfig, time_limit_s)  start a training run
    ("run", ..., time_limit_s, experiment)                        the same for a Learn-page experiment
                                                                  (a name in learn_experiments.EXPERIMENTS)
    ("stop", run_id)                                              stop that run (or skip it if not started)
    ("exit",)                                                     finish and exit (closing stdin does the same)

Worker -> server:
    ("ready", seconds)              TensorFlow imported, MNIST loaded, graph compiler warmed up
    ("unavailable", message)        MNIST could not be loaded (runs will fail with `message`)
    ("started", run_id)             the run has begun
    ("event", run_id, event)        a BatchEvent, EpochEvent, ExperimentEvent or FinishedEvent (the last one)
"""

from __future__ import annotations

import io
import pickle
import struct
from typing import BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 256 * 1024 * 1024  # far above the largest event (4 x 512 x 512 float32 weights ~ 4 MB)

# Modules (and, for builtins, names) a worker message may reference when unpickled on the server.
_SAFE_MODULES = frozenset(
    {
        "nnviz.training.events",
        "nnviz.model.network",
        "nnviz.training.config",
        "numpy",
        "numpy.core.multiarray",
        "numpy._core.multiarray",
        "numpy.core.numeric",
        "numpy._core.numeric",
        "copyreg",
        "collections",
    }
)
_SAFE_BUILTINS = frozenset(
    {
        "tuple",
        "list",
        "dict",
        "set",
        "frozenset",
        "str",
        "bytes",
        "bytearray",
        "int",
        "float",
        "complex",
        "bool",
        "slice",
        "range",
    }
)


class ProtocolError(RuntimeError):
    """A frame was malformed or referenced something the server must not load."""


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module == "builtins" and name in _SAFE_BUILTINS) or module in _SAFE_MODULES:
            return super().find_class(module, name)
        raise ProtocolError(f"a worker message referenced {module}.{name}, which the server does not load")


def encode(message: object) -> bytes:
    """One frame (header + pickle) for `message`."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def write_frame(stream: BinaryIO, message: object) -> None:
    """Write one frame and flush, so the other side sees it at once. Callers serialise writers."""
    stream.write(encode(message))
    stream.flush()


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: BinaryIO, restricted: bool = True) -> object:
    """Read one frame. Raises EOFError when the stream ends, ProtocolError on garbage.

    restricted: True on the server (only safe classes, see the module docstring).
    """
    (size,) = HEADER.unpack(_read_exactly(stream, HEADER.size))
    if size > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {size} bytes is too large")
    payload = _read_exactly(stream, size)
    try:
        if restricted:
            return _RestrictedUnpickler(io.BytesIO(payload)).load()
        return pickle.loads(payload)
    except ProtocolError:
        raise
    except Exception as exc:  # a corrupt pickle can raise almost anything
        raise ProtocolError(f"unreadable frame ({exc})") from exc
