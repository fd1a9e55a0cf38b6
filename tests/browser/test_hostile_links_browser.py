"""Hostile link text in real Chromium: shown as typed, never a live link, and nothing is fetched from elsewhere.

Streamlit's markdown turns a bare https://… into a link even when every markdown character is
escaped, so this is checked where it happens: in the page the browser builds.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlparse

import pytest

from devkit.browser import open_app_page
from nnviz.session.settings import MAX_SHOWN_TEXT

pytestmark = pytest.mark.browser

HOSTILE = [
    "https://ev.il/login",
    "http://ev.il",
    "www.ev.il/login",
    "[Log in here](https://ev.il)",
    "![x](https://ev.il/a.png)",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "teacher@ev.il",
    "<https://ev.il>",
    '<a href="https://ev.il">x</a><img src=https://ev.il/b.png>',
]

_HREFS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"


def test_hostile_link_values_show_as_plain_text_with_no_outside_link_or_request(page: Any, app_url: str) -> None:
    home = urlparse(app_url)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for value in HOSTILE:
        open_app_page(page, f"{app_url.rstrip('/')}/?lr={quote(value, safe='')}&{quote(value, safe='')}=1")
        page.get_by_text("Some settings in the link were ignored").wait_for(timeout=30_000)
        body = page.locator("body").inner_text().replace("\u200b", "")
        assert value[:MAX_SHOWN_TEXT] in body, f"{value!r} is shown as typed (cut to its first characters)"
        # The only anchors are the app's own navigation: same host and port as the app.
        for href in page.evaluate(_HREFS_JS):
            assert urlparse(href).netloc == home.netloc, f"{value!r} became a link to {href}"
    outside = [
        url for url in requests if urlparse(url).scheme not in ("data", "blob") and urlparse(url).netloc != home.netloc
    ]
    assert not outside, f"requests left the app: {outside[:5]}"
