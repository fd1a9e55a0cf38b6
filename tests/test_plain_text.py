"""Untrusted text shows as typed inside markdown: no link, no image, no icon, no formula."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from nnviz.session.plain_text import escape_markdown

MARKDOWN = MarkdownIt("commonmark")  # the CommonMark core Streamlit's renderer builds on


@pytest.mark.parametrize(
    "text",
    [
        "[Log in here](//ev.il)",
        "![x](//ev.il/a.png)",
        "<img src=//ev.il/a.png>",
        "**bold** _it_ `code`",
        "# heading",
        "a\n\n- list",
    ],
)
def test_escaped_text_renders_as_the_same_characters_and_no_markup(text: str) -> None:
    html = MARKDOWN.render(escape_markdown(text))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html and "<h1>" not in html
    assert "<li>" not in html and "<code>" not in html
    shown = MARKDOWN.render(escape_markdown(text)).removeprefix("<p>").removesuffix("</p>\n")
    unescaped = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')
    assert unescaped == " ".join(text.split())
