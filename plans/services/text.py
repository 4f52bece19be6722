"""What every written text of a plan goes through (commentary, action text, objective titles,
owners, challenge questions and answers), and the date range the plan's dates keep to."""

import datetime as dt
import unicodedata

from ..models.plan import TEXT_LIMIT

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = "Enter a date between 01/01/2000 and 31/12/2100."


def _kept(ch):
    """Line breaks and tabs, and every character that is neither a control character nor a
    format character (Unicode category Cf: zero-width spaces, joiners, bidirectional overrides),
    which hide or reverse text on the page and in exports and are never meant in a plan."""
    return ch in "\n\t" or (ord(ch) >= 32 and unicodedata.category(ch) != "Cf")


def clean_text(value, *, field, errors):
    """``value`` as a str without control and format characters, trimmed; a text longer than
    ``TEXT_LIMIT`` characters puts a message under ``field`` in ``errors`` (a dict)."""
    text = "".join(ch for ch in ("" if value is None else str(value)) if _kept(ch)).strip()
    if len(text) > TEXT_LIMIT:
        errors[field] = f"Too long: at most {TEXT_LIMIT} characters (this has {len(text)})."
    return text
