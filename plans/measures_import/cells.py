"""Reading one cell of a survey-measures file: a number (percent or proportion) or a period.

``parse_number`` returns the figure as written (no scaling: whether a file holds proportions
or percentages is decided over the whole file, see ``reader.settle_scale``). ``parse_period``
turns a date or a quarter label into the quarter's last day.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..quarters import QuarterLabelError, normalise_label, parse_quarter_label
from .text import clean, show

QUARTER_ENDS = {(3, 31), (6, 30), (9, 30), (12, 31)}
FIRST_DAY = dt.date(2000, 1, 1)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d",
                 "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %y", "%d-%B-%Y")  # fmt: skip
_MONTH_FORMATS = ("%b-%y", "%b %y", "%b-%Y", "%b %Y", "%B %Y", "%B-%Y", "%B %y", "%m/%Y", "%Y-%m")
PERIOD_EXPECTED = (
    "the last day of a quarter (31/03/2023 or 2023-03-31) or a quarter such as Q4 2022-23, "
    "2022/23 Q4 or Jan-Mar 2023"
)


@dataclass(frozen=True)
class Number:
    """A figure as written: its value, whether it carried a "%" sign, whether it used a decimal comma."""

    value: Decimal
    percent_sign: bool = False
    decimal_comma: bool = False


def parse_number(raw):
    """A cell → Number. Raises ValueError (message naming the cell's text) when it is not one."""
    if isinstance(raw, bool):
        raise ValueError(f"'{show(raw)}' is not a number.")
    if isinstance(raw, (int, float, Decimal)):
        text, sign, comma = str(raw), False, False
    else:
        text = clean(str(raw)).replace(" ", "")
        sign = text.endswith("%")
        text = text.rstrip("%")
        comma = bool(_DECIMAL_COMMA.fullmatch(text))
        text = text.replace(",", ".") if comma else text
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{show(raw)}' is not a number.") from None
    if not number.is_finite() or abs(number) > 1000:  # e.g. 1e309: quantize would overflow
        raise ValueError(f"{show(raw)} is out of range.")
    return Number(number, sign, comma)


def parse_period(raw):
    """A date, a date string or a quarter label → the quarter's last day, or None if not a period.

    Raises QuarterLabelError for a label written as a quarter that cannot be one ("Q4 2022-25").
    A month alone ("Mar-23", "March 2023") means the quarter ending with that month.
    """
    return read_period(raw)[0]


def read_period(raw):
    """(day, how it was read) for ``raw``; how is "date", "financial year", "calendar quarter",
    "months" or "month"; (None, "") when it is not a period. Raises QuarterLabelError."""
    if isinstance(raw, dt.datetime):
        return raw.date(), "date"
    if isinstance(raw, dt.date):
        return raw, "date"
    text = clean(str(raw))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), "date"
        except ValueError:
            continue
    quarter = parse_quarter_label(text)
    if quarter is not None:
        return quarter[0].end, quarter[1]
    for fmt in _MONTH_FORMATS:
        try:
            day = dt.datetime.strptime(normalise_label(text).title(), fmt).date()
        except ValueError:
            continue
        return day.replace(day=calendar.monthrange(day.year, day.month)[1]), "month"
    return None, ""


def check_period(raw):
    """(day, how) of a quarter's last day within the survey's years, or ValueError with the problem."""
    try:
        day, how = read_period(raw)
    except QuarterLabelError as exc:
        raise ValueError(str(exc)) from None
    if day is None:
        raise ValueError(f"'{show(raw)}' is not a date or quarter.")
    if (day.month, day.day) not in QUARTER_ENDS:
        raise ValueError(f"{day:%d/%m/%Y} is not the last day of a quarter.")
    if not FIRST_DAY <= day <= dt.date.today() + dt.timedelta(days=92):
        raise ValueError(f"{day:%d/%m/%Y} is outside the survey's years (2000 to now).")
    return day, how
