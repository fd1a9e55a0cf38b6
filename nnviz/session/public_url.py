"""The address students can open: the origin (scheme://host:port) put in front of a hand-out link.

A teacher who runs nnviz on their laptop sees it at http://localhost:8501, an address that on a
student's phone means the phone itself. So the origin of a hand-out link is, in order:
the NNVIZ_PUBLIC_URL the deployment sets (e.g. https://nnviz.school.example), else the host the
request came in on (what the teacher's browser reached, the same address a student reaches),
else, when that host is this machine's own (localhost, 127.0.0.1, ::1), the machine's address
on the local network, which students on the same Wi-Fi can open.

Pure: the environment and the LAN lookup are passed in, so tests give any host they like.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

PUBLIC_URL_ENV = "NNVIZ_PUBLIC_URL"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
PROBE_ADDRESS = ("192.0.2.1", 9)  # TEST-NET-1 (RFC 5737): connecting a UDP socket sends nothing


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an IP, without a port) is this machine only: localhost, 127.x.x.x, ::1."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's IPv4 address on its local network, or None (no network).

    Asks the operating system which interface would route to an outside address; no packet is
    sent (UDP connect only picks a route).
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE_ADDRESS)
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if is_loopback(address) or address == "0.0.0.0" else address


def _origin(scheme: str, host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}" + (f":{port}" if port else "")


def public_origin(
    configured: str | None,
    request_url: str | None,
    host_header: str | None,
    lan: Callable[[], str | None] = lan_address,
    base_path: str = "",
) -> str | None:
    """The origin students can open, e.g. "http://192.168.1.20:8501", or None when none is known.

    configured: NNVIZ_PUBLIC_URL (used as given, without its path's trailing slash).
    request_url: the page's URL in the teacher's browser (st.context.url), or None: its host and
    port are what the teacher typed, which a proxy in front (deploy/nginx.conf) does not change.
    host_header: the request's Host header ("nnviz.school:8501"), used when the URL has no host.
    lan: returns this machine's LAN address (or None), asked only when the request came in on localhost.
    base_path: the path the app is served under (Streamlit's server.baseUrlPath, e.g. "nnviz"), kept
    after a host taken from the request; a configured URL already holds it.
    """
    if configured and configured.strip():
        return configured.strip().rstrip("/")
    parts = urlsplit(request_url or "")
    scheme = parts.scheme if parts.scheme in ("http", "https") else "http"
    netloc = parts.netloc or (host_header or "").strip()
    try:
        host_parts = urlsplit(f"//{netloc}")
        host, port = host_parts.hostname, host_parts.port
    except ValueError:  # a Host header with a port that is not a number
        return None
    if not host:
        return None
    if is_loopback(host):
        host = lan() or host  # without a network, this machine's own address is all there is
    path = base_path.strip().strip("/")
    return _origin(scheme, host, port) + (f"/{path}" if path else "")


def public_link(origin: str | None, relative: str) -> str:
    """`relative` ("/train?digits=789") with `origin` in front; the relative link alone without an origin."""
    return f"{origin}{relative}" if origin else relative
