"""Untrusted text shows as typed inside markdown: no link, no image, no icon, no formula, no bare-address link."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from nnviz.session.plain_text import BREAK, escape_markdown

MARKDOWN = MarkdownIt("commonmark")  # the CommonMark core Streamlit's renderer builds on
# GitHub-flavoured markdown's autolink literals (as in mdast-util-gfm-autolink-literal), searched in the text
# that is left once the markdown is read: what Streamlit would turn into a live link.
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
GFM_PROTOCOL = re.compile(r"(mailto|xmpp):[-.\w+]", re.IGNORECASE)

HOSTILE = [
    "[Log in here](//ev.il)",
    "![x](//ev.il/a.png)",
    "<img src=//ev.il/a.png>",
    "**bold** _it_ `code`",
    "# heading",
    "a\n\n- list",
    "https://ev.il/login",
    "http://ev.il",
    "HTTPS://EV.IL/x?y=1",
    "www.ev.il",
    "go to www.ev.il/login now",
    "teacher@ev.il",
    "mailto:teacher@ev.il",
    "javascript:alert(1)",
    "<https://ev.il>",
]


def _shown(text: str) -> str:
    """The characters a reader sees once the escaped text is rendered (invisible breaks removed)."""
    html = MARKDOWN.render(escape_markdown(text)).removeprefix("<p>").removesuffix("</p>\n")
    return html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_the_same_characters_and_no_markup(text: str) -> None:
    html = MARKDOWN.render(escape_markdown(text))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html and "<h1>" not in html
    assert "<li>" not in html and "<code>" not in html
    assert _shown(text).replace(BREAK, "") == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_no_bare_address_is_left_for_the_autolinker(text: str) -> None:
    shown = _shown(text)
    assert GFM_URL.search(shown) is None and GFM_EMAIL.search(shown) is None and GFM_PROTOCOL.search(shown) is None


def test_the_oracle_does_find_the_unbroken_addresses() -> None:
    # Without the breaks the same patterns would match: the test above is not vacuous.
    assert GFM_URL.search("https://ev.il/login") and GFM_URL.search("www.ev.il") and GFM_EMAIL.search("a@ev.il")
