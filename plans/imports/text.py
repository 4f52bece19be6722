"""Text as a person sees it: one normalisation shared by the importers.

Spreadsheets and Word documents carry characters a reader cannot see (zero-width spaces, joiners,
byte-order marks, soft hyphens), spaces that are not spaces (non-breaking, thin, figure) and
typographic quotes and dashes that Excel and Word substitute as one types. ``clean`` removes the
invisible ones and turns odd spaces into plain ones (for storing); ``match_key`` also folds quotes,
dashes and case (for comparing names and texts); ``shown`` writes any character that would be
invisible in a message as its code point, e.g. ``Green<U+200B>``.
"""

import re
import unicodedata

INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e")
)
SPACES = {
    ord(c): " "
    for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000\t"
}
CONTROL = {n: None for n in range(32) if n not in (9, 10)} | {0x7F: None}
FOLD = {ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"}
FOLD |= {ord(c): '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"}
FOLD |= {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
FOLD |= {ord("\u2026"): "..."}
_CLEAN = INVISIBLE | SPACES | CONTROL | {ord("\r"): "\n", ord("\u2028"): "\n", ord("\u2029"): "\n"}


def clean(value):
    """A cell's value as text: invisible characters removed, odd spaces made plain, runs of
    spaces collapsed (line breaks kept between lines), ends stripped. None gives ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).translate(_CLEAN)
    if "\n" in text:
        lines = (" ".join(line.split()) for line in text.split("\n"))
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


def match_key(value):
    """The form two texts are compared in: ``clean``, then quotes, dashes and case folded and
    all whitespace (line breaks too) collapsed. "Officer’s  visit – Ward" == "officer's visit - ward"."""
    return " ".join(clean(value).translate(FOLD).casefold().split())


def heading_key(value):
    """``match_key`` without the trailing colon or asterisks that headings carry ("Owner(s):*")."""
    return match_key(value).rstrip(":* ").strip()


def is_invisible(char):
    """True for a character a reader would not see or would take for a plain space."""
    return (
        ord(char) in INVISIBLE
        or ord(char) in SPACES
        and char != "\t"
        or unicodedata.category(char) in ("Cf", "Cc")
    )


def shown(value, limit=80):
    """``value`` for a message: invisible characters written as ``<U+200B>``, cut at ``limit``."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join(f"<U+{ord(c):04X}>" if c not in "\n" and is_invisible(c) else c for c in text)


def strip_decoration(text):
    """A title without the dashes, colons and bullets left around it ("Improve communication –")."""
    return re.sub(r"^[\s\-–—:•*]+|[\s\-–—:•*]+$", "", text)
