"""A school: two app replicas behind nginx with deploy/nginx.conf; every session stays on its replica.

Starts two replicas (`streamlit run app.py` on free ports), renders deploy/nginx.conf onto free
ports and runs nginx as a foreground process with a temporary prefix (no root needed). Then, at
the websocket level as a browser would: a first page load gets its route cookie, the websocket
and a reconnect carry it. Checked: the websocket lands on the replica that served the page, a
reconnect resumes the same Streamlit session (it would be a new one on the other replica), and
the sessions are spread over both replicas. Skips without nginx on a user's machine; fails in CI.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from devkit.browser import PROJECT_ROOT, StreamlitServer, free_port
from devkit.ci import skip_or_fail

SESSIONS = 12  # with random routes, all 12 on one of two replicas would happen once in 2,000 runs
GUARD_S = 90.0  # only so a broken setup fails instead of hanging; never a speed check
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
NGINX_ATTEMPTS = 5  # new ports to try when another process took the one picked for nginx


def nginx_binary() -> str | None:
    for candidate in NGINX_CANDIDATES:
        if found := shutil.which(candidate):
            return found
    return None


def render_site(ports: list[int], listen_port: int) -> str:
    """deploy/nginx.conf with its upstream pointed at `ports` and listening on 127.0.0.1:`listen_port`."""
    text = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in ports)
    text, replaced = re.subn(r"(    server 127\.0\.0\.1:\d+;\n)+", servers, text)
    assert replaced == 1, "deploy/nginx.conf should list its replicas as `server 127.0.0.1:PORT;` lines"
    text = text.replace("    listen [::]:80;\n", "").replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    assert f"listen 127.0.0.1:{listen_port};" in text
    return text


def main_config(prefix: Path, site: Path) -> str:
    """A minimal nginx.conf around the site, with every path inside `prefix` (so no root is needed)."""
    temp = {name: prefix / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    return f"""daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {site};
}}
"""


def answers(url: str, process: subprocess.Popen) -> bool:
    """Wait until `url` answers 200 (True) or `process`, the server behind it, has exited (False)."""
    deadline = time.monotonic() + GUARD_S
    while process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)  # polling a server process: there is no event to wait on
    return False


def start_nginx(nginx: str, prefix: Path, ports: list[int]) -> tuple[subprocess.Popen, str]:
    """nginx in front of `ports`, listening on a free port: (the process, its base URL).

    The port is picked before nginx binds it, so another process may take it first: then nginx
    exits with "Address already in use" and another port is tried.
    """
    for _ in range(NGINX_ATTEMPTS):
        listen_port = free_port()
        site = prefix / "nnviz.conf"
        site.write_text(render_site(ports, listen_port))
        (prefix / "nginx.conf").write_text(main_config(prefix, site))
        command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proxy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{listen_port}"
        if answers(base + "/_stcore/health", proxy):
            return proxy, base
        error = (proxy.stderr.read() if proxy.stderr else "") + (prefix / "error.log").read_text(errors="replace")
        assert "Address already in use" in error, f"nginx did not start:\n{error[-2000:]}"
    raise AssertionError(f"nginx found no free port in {NGINX_ATTEMPTS} attempts")


@pytest.fixture(scope="module")
def school() -> Iterator[tuple[str, list[int]]]:
    """(proxy base URL, replica ports): two replicas and nginx, all stopped afterwards."""
    nginx = nginx_binary()
    if nginx is None:
        skip_or_fail("nginx is not installed (apt-get install -y nginx)")
    with StreamlitServer("app.py") as first, StreamlitServer("app.py") as second:
        first.wait_ready()
        second.wait_ready()
        ports = [first.port, second.port]
        with tempfile.TemporaryDirectory(prefix="nnviz-nginx-") as folder:
            proxy, base = start_nginx(nginx, Path(folder), ports)
            try:
                yield base, ports
            finally:
                proxy.terminate()
                try:
                    proxy.wait(15)
                except subprocess.TimeoutExpired:
                    proxy.kill()
                    proxy.wait()


def first_visit(base: str) -> tuple[str, str]:
    """Load the page as a new browser: (its route cookie, the replica that answered)."""
    with urllib.request.urlopen(base + "/", timeout=GUARD_S) as response:
        cookie = response.headers.get("Set-Cookie", "")
        replica = response.headers.get("X-Nnviz-Replica", "")
    match = re.match(r"nnviz_route=([^;]+);", cookie)
    assert match, f"no route cookie in {cookie!r}"
    return match.group(1), replica


def open_session(base: str, route: str, session_id: str | None = None) -> tuple[str, str]:
    """Open the websocket with the route cookie and run the app once: (Streamlit session id, replica)."""
    from websockets.sync.client import connect

    # Streamlit reads [subprotocol, XSRF token, session to resume] from this header.
    protocols = ["streamlit"] if session_id is None else ["streamlit", "no-xsrf", session_id]
    url = base.replace("http", "ws", 1) + "/_stcore/stream"
    headers = {"Cookie": f"nnviz_route={route}"}
    with connect(url, subprotocols=protocols, additional_headers=headers, open_timeout=GUARD_S) as ws:
        replica = ws.response.headers.get("X-Nnviz-Replica", "")
        ws.send(BackMsg(rerun_script=ClientState(query_string="", page_name="")).SerializeToString())
        found = None
        deadline = time.monotonic() + GUARD_S
        while time.monotonic() < deadline:
            msg = ForwardMsg.FromString(ws.recv(timeout=GUARD_S))
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                found = msg.new_session.initialize.session_id
            elif kind == "script_finished":
                assert found, "the script finished without a new_session message"
                return found, replica
    raise AssertionError("the app did not finish a run through the proxy")


def test_each_session_stays_on_its_replica_while_both_replicas_serve(school) -> None:
    base, ports = school
    replicas_used = set()
    for _ in range(SESSIONS):
        route, page_replica = first_visit(base)
        session_id, socket_replica = open_session(base, route)
        assert socket_replica == page_replica  # the websocket follows the page load's replica
        resumed_id, resumed_replica = open_session(base, route, session_id)
        # A reconnect resumes the very same session: the other replica would have started a new one.
        assert (resumed_id, resumed_replica) == (session_id, page_replica)
        replicas_used.add(page_replica)
    assert replicas_used == {f"127.0.0.1:{port}" for port in ports}
