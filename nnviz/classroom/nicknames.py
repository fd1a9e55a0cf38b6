"""When two nicknames are the same name: after NFKC, case folding and a look-alike skeleton.

The board ranks students by nickname, so "Alice", "alice", "Аlice" (a Cyrillic А) and
"AIice" (a capital i) would all be one row, or one student could pass as another. Two
nicknames whose `skeleton` is equal are one name in a room. Invisible characters (zero-width
spaces, bidi overrides, Hangul fillers, the blank Braille cell...) make different names look
identical, so a nickname holding one is refused rather than silently cleaned.

The skeleton follows Unicode TR39's idea with a hand-written table of the look-alikes of
Latin letters a class can type (Cyrillic, Greek, Armenian, digits): no dependency, and
`confusable-homoglyphs` offers no skeleton to compare two names by (it answers "is this
string mixed-script"), which is not the question here.
"""

from __future__ import annotations

import unicodedata

INVISIBLE_CATEGORIES = ("Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # format, surrogate, private, unassigned, separators
# Letters and symbols that draw as nothing although Unicode calls them letters or marks.
BLANK_LOOKING = frozenset(
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u2800"  # Braille pattern blank
    "\u034f"  # combining grapheme joiner
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u180b\u180c\u180d\u180e\u180f"  # Mongolian variation selectors and vowel separator
) | frozenset(chr(c) for c in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])  # variation selectors

# Single characters drawn like a Latin letter or digit (after NFKC, before and after case folding).
_LOOKALIKE = str.maketrans(
    {
        **dict.fromkeys("АаΑα", "a"),
        **dict.fromkeys("ВΒЬ", "b"),
        **dict.fromkeys("СсϹϲ", "c"),
        **dict.fromkeys("Ԁԁ", "d"),
        **dict.fromkeys("ЕеΕ", "e"),
        **dict.fromkeys("ɡ", "g"),
        **dict.fromkeys("НΗһҺհ", "h"),
        **dict.fromkeys("Јј", "j"),
        **dict.fromkeys("КкΚκ", "k"),
        # i, l, I and 1 are one stroke in many fonts; with case folding, "Alice" and "ALICE" must meet too.
        **dict.fromkeys("iIl1|ǀІіΙιıӀӏ", "l"),
        **dict.fromkeys("МΜм", "m"),
        **dict.fromkeys("Νո", "n"),
        **dict.fromkeys("ОоΟο0օ", "o"),
        **dict.fromkeys("РрΡρ", "p"),
        **dict.fromkeys("Ԛԛ", "q"),
        **dict.fromkeys("Ѕѕ", "s"),
        **dict.fromkeys("ТтΤτ", "t"),
        **dict.fromkeys("սυ", "u"),
        **dict.fromkeys("ν", "v"),
        **dict.fromkeys("Ԝԝ", "w"),
        **dict.fromkeys("ХхΧχ", "x"),
        **dict.fromkeys("УуҮүΥ", "y"),
        **dict.fromkeys("Ζ", "z"),
    }
)
_LOOKALIKE_PAIRS = (("rn", "m"), ("vv", "w"))  # two letters drawn like one


def has_invisible(text: str) -> bool:
    """True if `text` holds a character that draws as nothing (a plain space is visible: it separates words)."""
    return any(ch in BLANK_LOOKING or unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in str(text))


def skeleton(nickname: str) -> str:
    """The form two look-alike nicknames share: "Аlice", "ALICE", "AIice", "A l i c e" all give "allce"."""
    text = unicodedata.normalize("NFKC", str(nickname)).translate(_LOOKALIKE)
    text = unicodedata.normalize("NFKC", text.casefold()).translate(_LOOKALIKE)
    text = "".join(text.split())
    for pair, single in _LOOKALIKE_PAIRS:
        text = text.replace(pair, single)
    return text
