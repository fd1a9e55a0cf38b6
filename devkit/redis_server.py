"""A private redis-server for the tests: Debian's `redis-server` on a free port, no files, killed after.

Shared by the store contract tests and the browser tests that serve one class from two app servers.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from devkit.browser import free_port
from devkit.ci import skip_or_fail

START_TIMEOUT_S = 20.0
START_ATTEMPTS = 5  # new ports to try when another process took the one we picked


def answers(client, process: subprocess.Popen) -> bool:
    """Wait until the redis-server `process` answers PING (True) or has exited (False); raise if neither in time."""
    import redis

    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            try:
                client.ping()
                return True
            except redis.ConnectionError:
                if process.poll() is not None:
                    return False
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not answer in time") from None
                time.sleep(0.05)  # polling a child process: there is no event to wait on
    finally:
        client.close()


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server (no persistence) and yield its URL; skip without it here, fail in CI."""
    executable = shutil.which("redis-server")
    if executable is None:
        skip_or_fail("the Redis tests need redis-server: apt-get install -y redis-server")
    try:
        import redis  # noqa: F401 (only checking that it is installed)
    except ImportError:
        skip_or_fail("the Redis tests need the redis client: pip install -r requirements.txt")
    with tempfile.TemporaryFile() as log:
        process, url = start_on_a_free_port(executable, log)
        try:
            yield url
        finally:
            process.kill()
            process.wait(timeout=10)


def start_on_a_free_port(executable: str, log: IO[bytes]) -> tuple[subprocess.Popen, str]:
    """Start redis-server on a free port, its output in `log`: (the process, its URL). Raises RuntimeError."""
    import redis

    for _ in range(START_ATTEMPTS):
        port = free_port()
        command = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        process = subprocess.Popen([*command, "--daemonize", "no"], stdout=log, stderr=subprocess.STDOUT)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            if answers(redis.Redis.from_url(url), process):
                return process, url
        except RuntimeError:
            process.kill()
            process.wait(timeout=10)
            raise
        # It exited: another process took the port between free_port() and redis's bind. Try another.
        log.seek(0)
        output = log.read().decode(errors="replace")
        if "in use" not in output.lower():
            raise RuntimeError(f"redis-server did not start on port {port}:\n{output[-2000:]}")
    raise RuntimeError(f"redis-server found no free port in {START_ATTEMPTS} attempts")
