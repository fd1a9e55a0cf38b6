"""Untrusted text (from a link or a file name) made safe to put inside Streamlit markdown.

Streamlit renders the body of st.markdown, st.warning, st.caption, ... as
markdown, so a link parameter such as ``[Log in here](//ev.il)`` would become a
live link and ``![x](//ev.il/a.png)`` a remote image. Escaping every markdown
punctuation character makes such text show exactly as typed.
"""

from __future__ import annotations

import re

# Every ASCII punctuation mark that markdown, GitHub-flavoured autolinks, emoji/icon shortcodes (:name:)
# or Streamlit's LaTeX ($...$) give a meaning to; CommonMark lets any of them be backslash-escaped.
_MEANINGFUL = re.compile(r"""([\\`*_{}\[\]()<>#+\-.!|~:$&="'/@%^;?,])""")


def escape_markdown(text: str) -> str:
    """`text` with every markdown-meaningful character backslash-escaped and line breaks made spaces."""
    return _MEANINGFUL.sub(r"\\\1", " ".join(str(text).split()))
