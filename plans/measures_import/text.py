"""Cell text as a person sees it: invisible characters removed, shown as code points when it matters.

Private to the survey-measures import until the shared normaliser of the plan importers
(plans/imports/text.py) exists on the main branch; this one should then be folded into it.
"""

import re
import unicodedata

# Zero-width and joining characters, the byte-order mark, soft hyphen, word joiner, bidi marks.
_INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Spaces other than the ordinary one: no-break, narrow no-break, figure, thin, ideographic …
_SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u3000\u1680\u205f"
_CLEAN = str.maketrans({**{c: None for c in _INVISIBLE}, **{c: " " for c in _SPACES}})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"})


def clean(value):
    """``value`` as text with invisible characters removed, odd spaces made plain, trimmed.

    None stays None; numbers and dates are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value).translate(_CLEAN).translate(_QUOTES)
    return " ".join(text.split())


def show(value, limit=60):
    """``value`` for a message: invisible and unusual characters written as U+XXXX, cut at ``limit``."""
    text = "".join(
        f"[U+{ord(c):04X}]" if c in _INVISIBLE or c in _SPACES or not c.isprintable() else c
        for c in str(value)
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def key(value):
    """A matching key: lower case, "&" read as "and", punctuation and spacing ignored."""
    text = (clean(str(value or "")) or "").lower().replace("&", " and ")
    text = re.sub(r"[\"'`]", "", text)
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())
