"""A private redis-server for the tests: Debian's `redis-server` on a free port, no files, killed after.

Shared by the store contract tests and the browser tests that serve one class from two app servers.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from devkit.browser import free_port
from devkit.ci import skip_or_fail

START_TIMEOUT_S = 20.0


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server (no persistence) and yield its URL; skip without it here, fail in CI."""
    executable = shutil.which("redis-server")
    if executable is None:
        skip_or_fail("the Redis tests need redis-server: apt-get install -y redis-server")
    try:
        import redis
    except ImportError:
        skip_or_fail("the Redis tests need the redis client: pip install -r requirements.txt")
    port = free_port()
    command = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not answer on port {port}") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.kill()
        process.wait(timeout=10)
