"""Untrusted text (from a link or a file name) made safe to put inside Streamlit markdown.

Streamlit renders the body of st.markdown, st.warning, st.caption, ... as
markdown, so a link parameter such as ``[Log in here](//ev.il)`` would become a
live link and ``![x](//ev.il/a.png)`` a remote image. Escaping every markdown
punctuation character makes such text show exactly as typed.

Escaping is not enough for bare addresses: GitHub-flavoured markdown finds
``https://ev.il``, ``www.ev.il`` and ``a@ev.il`` in the text *after* the escapes are
read, and links them. So the text is also broken where those patterns need their
characters side by side: an invisible zero-width space after every ``:`` and ``@`` and
before every ``.``. The reader sees the same characters; no link pattern matches.
"""

from __future__ import annotations

import re

# Every ASCII punctuation mark that markdown, GitHub-flavoured autolinks, emoji/icon shortcodes (:name:)
# or Streamlit's LaTeX ($...$) give a meaning to; CommonMark lets any of them be backslash-escaped.
_MEANINGFUL = re.compile(r"""([\\`*_{}\[\]()<>#+\-.!|~:$&="'/@%^;?,])""")
BREAK = "\u200b"  # zero-width space: invisible, and not a character any autolink pattern accepts
_JOINTS = re.compile(r"(\\[:@])|(\\\.)")  # an escaped ':' or '@' (break after it) or '.' (break before it)


def escape_markdown(text: str) -> str:
    """`text` with every markdown-meaningful character backslash-escaped, line breaks made spaces,
    and every place an autolink could start broken by an invisible space (see the module docstring)."""
    escaped = _MEANINGFUL.sub(r"\\\1", " ".join(str(text).split()))
    return _JOINTS.sub(lambda m: m.group(1) + BREAK if m.group(1) else BREAK + m.group(2), escaped)
