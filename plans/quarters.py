"""Financial-year quarters as MOPAC labels them: Q1 = April–June, "Q3 2023-24".

``parse_quarter_label`` reads the other ways publications write a quarter."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Quarter:
    fy_start_year: int
    quarter: int

    @classmethod
    def containing(cls, day):
        fy = day.year if day.month >= 4 else day.year - 1
        return cls(fy, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def last_ended(cls, today):
        """The most recent quarter whose last day is before ``today``."""
        return cls.containing(today).previous()

    @property
    def start(self):
        month = 4 + 3 * (self.quarter - 1)
        year = self.fy_start_year + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self):
        return self.next().start - dt.timedelta(days=1)

    def next(self):
        return (
            Quarter(self.fy_start_year + 1, 1)
            if self.quarter == 4
            else Quarter(self.fy_start_year, self.quarter + 1)
        )

    def previous(self):
        return (
            Quarter(self.fy_start_year - 1, 4)
            if self.quarter == 1
            else Quarter(self.fy_start_year, self.quarter - 1)
        )

    @property
    def label(self):
        return f"Q{self.quarter} {self.fy_start_year}-{(self.fy_start_year + 1) % 100:02d}"

    def __str__(self):
        return self.label


# --- reading quarter labels as publications write them ---

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_YEARS = r"(?:FY\s*)?(\d{4}|\d{2})\s*(?:-|/|TO)\s*(?:FY\s*)?(\d{4}|\d{2})"
_QUARTER = r"(?:Q|QTR\.?\s*|QUARTER\s*)(\d)"
_FY_FORMS = [
    (re.compile(rf"{_QUARTER}\s*(?:OF\s*)?,?\s*{_YEARS}"), ("q", "y1", "y2")),
    (re.compile(rf"{_YEARS}\s*[-,:]?\s*{_QUARTER}"), ("y1", "y2", "q")),
]
_CALENDAR_FORMS = [
    (re.compile(r"(?:CALENDAR\s*)?Q(\d)\s*(\d{4})"), ("q", "y")),
    (re.compile(r"(\d{4})\s*[-,]?\s*Q(\d)"), ("y", "q")),
]
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTH_RANGE = re.compile(
    r"([A-Z]{3})[A-Z]*\.?\s*-?\s*(\d{4}|\d{2})?\s*(?:-|TO)\s*([A-Z]{3})[A-Z]*\.?\s*-?\s*(\d{4}|\d{2})"
)


class QuarterLabelError(ValueError):
    """A label written as a quarter that cannot be one (e.g. "Q4 2022-25"); the message says why."""


def normalise_label(text):
    """Upper-case ``text`` with every kind of dash made "-" and runs of spaces made one."""
    return " ".join(str(text).translate(_DASHES).replace("\u00a0", " ").split()).upper()


def parse_quarter_label(text):
    """Read a quarter label as government publications write it → (Quarter, how it was read).

    UK financial-year forms: "Q4 2022-23", "Q4 2022/23", "Q4 2022–23" (any dash), "2022-23 Q4",
    "FY2022-23 Q4", "Q4 FY22/23", "Q4 22/23", "Quarter 4 2022-23", "Q4 2022 to 2023", "Q4 2022-2023".
    Calendar forms, as ONS writes them: "Q1 2023", "2023 Q1" (January–March 2023), and month
    ranges "Jan-Mar 2023", "January to March 2023", "Oct 2022 - Dec 2022", "Jan 23 - Mar 23".
    Returns None when ``text`` is not written as a quarter at all. Raises QuarterLabelError for
    a label that is written as a quarter but cannot be one: a year pair that is not one year and
    the next ("Q4 2022-25", "Q3 2023-22"), a quarter outside 1–4, or a month range that is not
    the three months of a calendar quarter.
    """
    label = normalise_label(text)
    for pattern, names in _FY_FORMS:
        match = pattern.fullmatch(label)
        if match:
            parts = dict(zip(names, match.groups(), strict=True))
            quarter = _quarter_number(parts["q"], text)
            return Quarter(_financial_year(parts["y1"], parts["y2"], text), quarter), "financial year"
    for pattern, names in _CALENDAR_FORMS:
        match = pattern.fullmatch(label)
        if match:
            parts = dict(zip(names, match.groups(), strict=True))
            quarter = _quarter_number(parts["q"], text)
            end = dt.date(int(parts["y"]), 3 * quarter, 1)
            return Quarter.containing(end), "calendar quarter"
    match = _MONTH_RANGE.fullmatch(label)
    if match and match.group(1) in _MONTHS and match.group(3) in _MONTHS:
        return _month_range(match, text), "months"
    return None


def _quarter_number(digit, text):
    if not 1 <= int(digit) <= 4:
        raise QuarterLabelError(f"'{text}': there is no quarter {digit} (a year has quarters 1 to 4).")
    return int(digit)


def _financial_year(first, second, text):
    start = _full_year(first)
    end = int(second)
    follows = end == (start + 1) % 100 if len(second) == 2 else end == start + 1
    if not follows:
        raise QuarterLabelError(
            f"'{text}': a financial year runs from one year into the next (e.g. {start}-"
            f"{(start + 1) % 100:02d}); {first}-{second} is not one."
        )
    return start


def _month_range(match, text):
    first, first_year, last, year = match.groups()
    start_month, end_month, end_year = _MONTHS[first], _MONTHS[last], _full_year(year)
    start_year = _full_year(first_year) if first_year else end_year - (1 if start_month > end_month else 0)
    months = (end_year - start_year) * 12 + end_month - start_month + 1
    if months != 3 or end_month % 3:
        raise QuarterLabelError(f"'{text}' is not the three months of a quarter (e.g. Jan-Mar 2023).")
    return Quarter.containing(dt.date(end_year, end_month, 1))


def _full_year(digits):
    return int(digits) + (2000 if len(digits) == 2 else 0)
