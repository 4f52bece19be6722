"""Cell text of a survey file as a person sees it, on the importers' one normaliser.

``clean`` and ``show`` are plans.imports.text's ``clean`` and ``shown`` (invisible characters
removed before matching; shown as code points such as ``<U+200B>`` in messages), with a survey
cell kept on one line; ``key`` is the survey importer's matching key for names and headings.
"""

import re
import unicodedata

from ..imports.text import FOLD, shown
from ..imports.text import clean as clean_text


def clean(value):
    """``value`` as one line of text with invisible characters removed, odd spaces made plain,
    quotes folded and trimmed. None stays None; numbers and dates are returned unchanged."""
    if not isinstance(value, str):
        return value
    return " ".join(clean_text(unicodedata.normalize("NFC", value)).translate(FOLD).split())


def show(value, limit=60):
    """``value`` for a message: invisible characters written as ``<U+XXXX>``, cut at ``limit``."""
    return shown(value, limit)


def key(value):
    """A matching key: lower case, "&" read as "and", punctuation and spacing ignored."""
    text = (clean(str(value or "")) or "").lower().replace("&", " and ")
    text = re.sub(r"[\"'`]", "", text)
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())
