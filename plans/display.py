"""Numbers and dates written for the pages, exactly as Django's ``floatformat`` and ``date``
filters write them here, without their per-call locale look-ups.

The pages show hundreds of figures (every quarter of every survey measure, every cell of the
London tables); each ``floatformat`` or ``date`` call looks the language and its formats up
again. These functions give the same text for the values the pages hold (numbers, dates): a
figure rounded half up (``floatformat`` rounds through ``Decimal``: 72.55 → 72.6), no "-0", no
thousands separator (``USE_THOUSAND_SEPARATOR`` is off); a date the British way of
``trustplan/formats/en_GB/formats.py`` (31 Mar 2024). Anything else goes to Django's filter.
"""

import datetime as dt
import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html import escape as html_escape

from django.conf import settings
from django.template import defaultfilters
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import add_truncation_text, calculate_truncate_chars_length
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PLAIN = re.compile(r"[-a-zA-Z0-9_]+")
_STEPS = {places: Decimal(1).scaleb(-places) for places in range(7)}


def fixed(value, places=0):
    """``value|floatformat:places`` (0 to 6 places) for a number: "72.6", "73", "-1.5", "0.0"."""
    step = _STEPS.get(places)
    if step is None or isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(defaultfilters.floatformat(value, places))
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            raise InvalidOperation
        rounded = number.quantize(step, ROUND_HALF_UP)
    except InvalidOperation:
        return str(defaultfilters.floatformat(value, places))
    if not rounded:
        rounded = abs(rounded)  # floatformat never writes "-0"
    return f"{rounded:f}"


def day_month_year(value):
    """``value|date:"j M Y"`` for a date (a datetime already in local time): "31 Mar 2024"."""
    if not isinstance(value, dt.date):
        return str(defaultfilters.date(value, "j M Y"))
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def iso_time(value):
    """``value|date:"c"``: a datetime in local time, ISO 8601 (2024-03-31T14:05:00+01:00)."""
    if not isinstance(value, dt.date):
        return str(defaultfilters.date(value, "c"))
    return template_localtime(value).isoformat()


def month_year(value):
    """``value|date:"M Y"`` for a date: "Mar 2024"."""
    if not isinstance(value, dt.date):
        return str(defaultfilters.date(value, "M Y"))
    return f"{MONTHS[value.month - 1]} {value.year}"


def url_maker(name):
    """A function writing ``reverse(name, args=[key])`` for a pk or a slug, reversing only once
    per process and URL prefix: for a list of links to the same page (an action's, a
    borough's). A key that is not a plain slug (letters, digits, - and _, which a URL writes as
    they are) is reversed."""
    return _url_maker(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=64)
def _url_maker(name, prefix, urlconf):
    marker = "918273645546372819"  # a number and a slug, which no real key is
    head, _, tail = reverse(name, args=[marker]).partition(marker)

    def url(key):
        text = str(key)
        return f"{head}{text}{tail}" if _PLAIN.fullmatch(text) else reverse(name, args=[key])

    return url


def truncate_words(value, length):
    """``value|truncatewords:length``: the first ``length`` words (split on any whitespace and
    joined by one space), " …" after them when there were more."""
    words = str(value).split()
    if length <= 0:
        return ""
    if len(words) > length:
        return add_truncation_text(" ".join(words[:length]), " …")
    return " ".join(words)


def truncate_chars(value, length):
    """``value|truncatechars:length``: text of plain letters is cut without looking at each
    character (no combining accents can be in it); any other text is cut by Django."""
    text = unicodedata.normalize("NFC", str(value))
    if length > 0 and len(text) <= length:
        cut = text  # nothing to cut: the normalised text, as the filter gives it
    elif length > 0 and text.isascii():
        cut = add_truncation_text(text[: calculate_truncate_chars_length(length, None)])
    else:
        return defaultfilters.truncatechars(value, length)
    return mark_safe(cut) if isinstance(value, SafeData) else cut  # noqa: S308 — was safe


def html_text(value):
    """``{{ value }}`` in a template: localised, then escaped unless already safe."""
    if type(value) is str:
        return html_escape(value)  # what escape() gives, without its check for lazy strings
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what number_format() gives a whole number without grouping
    if not isinstance(value, str):
        value = localize(template_localtime(value))
        if not isinstance(value, str):
            value = str(value)
    return conditional_escape(value)


def escaped(value):
    """``conditional_escape(value)``: a plain string escaped directly (the same text)."""
    return html_escape(value) if type(value) is str else conditional_escape(value)


class _Unit:
    """A unit of Django's ``TIME_STRINGS`` ("%(num)d week", plural forms) whose text for a number
    in a language is translated once."""

    def __init__(self, lazy):
        self.lazy, self.texts = lazy, {}

    def __mod__(self, values):
        key = (get_language(), values["num"])
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = str(self.lazy % values)
        return text


_UNITS = {name: _Unit(lazy) for name, lazy in TIME_STRINGS.items()}


def time_since(value, now=None):
    """``value|timesince`` (or ``value|timesince:now``): "3\xa0weeks, 2\xa0days", each unit's
    words translated once."""
    if not value:
        return ""
    try:
        return timesince(value, now or None, time_strings=_UNITS)
    except (ValueError, TypeError):
        return ""
