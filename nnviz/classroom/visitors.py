"""Who is asking, as far as a server can tell without accounts: a browser and a client address.

Both come from Streamlit's public `st.context` (cookies, headers, ip_address) and only key
limits (open rooms, room codes tried, the trainers' fair share); they are never shown or stored
as they are (the room store keeps digests).

- The browser: Streamlit's own `_streamlit_xsrf` cookie, set once per browser and sent by every
  tab, so two tabs count as one student. Without it (XSRF protection off) there is no browser id.
- The address: `ip_address`, which Streamlit leaves empty for a connection from this machine. Then
  the app sits behind the local nginx of deploy/, which appends the address it saw to
  X-Forwarded-For: the last entry is that one (earlier entries are whatever the client claimed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

BROWSER_COOKIE = "_streamlit_xsrf"
LOCAL = "local"  # a visitor on this machine with no proxy in between (a developer, a test)


def browser_id(cookies: Mapping[str, str]) -> str | None:
    """A stable id of the browser (the same in all its tabs), or None when it sent no such cookie."""
    value = cookies.get(BROWSER_COOKIE)
    return hashlib.sha256(value.encode()).hexdigest()[:32] if isinstance(value, str) and value else None


def client_address(ip_address: str | None, headers: Mapping[str, str]) -> str:
    """The client's address: the direct peer's, or the one the local proxy saw (see the module docstring)."""
    if isinstance(ip_address, str) and ip_address:
        return ip_address
    header = headers.get("X-Forwarded-For")
    forwarded = [part.strip() for part in header.split(",") if part.strip()] if isinstance(header, str) else []
    return forwarded[-1] if forwarded else LOCAL
