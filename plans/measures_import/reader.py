"""Reading the rows of a survey-measures file into readings: the two layouts, cell by cell.

Every problem is a RowError (sheet, row, column, problem, expected); nothing is skipped. Values
are gathered as written and the scale of the whole file is settled at the end
(``settle_scale``): a file of proportions (0–1) is converted to percent and says so, a file
that mixes proportions and percentages is refused row by row.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from drivers.models import Measure

from ..models import Borough
from .boroughs import BoroughNames
from .cells import PERIOD_EXPECTED, check_period, parse_number
from .results import Change, RowError
from .text import clean, key, show

# MOPAC's labels (left, normalised by ``key``) → our measure names.
MEASURE_ALIASES = {
    "good job local": "Good job local",
    "good job": "Good job local",
    "police do a good job in the local area": "Good job local",
    "contact ward officer": "Contact ward officer",
    "informed local": "Informed local",
    "listen to concerns": "Listen to concerns",
    "relied on to be there": "Relied on to be there",
    "treat everyone fairly": "Treat everyone fairly",
    "understand issues": "Understand issues",
    "trust mps": "Trust MPS",
    "trust the mps": "Trust MPS",
}
MOPAC_COLUMNS = ["date", "survey", "borough", "measure", "proportion", "mps"]
MOPAC_SURVEYS = {"pas", "public attitude survey"}
LONG_COLUMNS = {
    "borough": ("borough", "borough name", "area", "ons code", "ons_code", "code"),
    "period": ("period", "period end", "period_end", "quarter", "date", "quarter end"),
    "measure": ("measure", "measure name"),
    "value": ("value", "value percent", "value_percent", "percent", "%", "proportion"),
}
KNOWN_COLUMNS = {key(a) for aliases in LONG_COLUMNS.values() for a in aliases} | set(MOPAC_COLUMNS)
SCALE_EXPECTED = "every value as a percentage (65) or every value as a proportion (0.65), not both"
_TWO = Decimal("0.01")
_HOW_NOTES = {
    "calendar quarter": "'{raw}' was read as a calendar quarter: the quarter ending {day:%d %b %Y}.",
    "months": "'{raw}' was read as the quarter ending {day:%d %b %Y}.",
    "month": "'{raw}' (a month) was read as the quarter ending {day:%d %b %Y}.",
}


class Formula(str):
    """A formula found in a cell: refused, because its value is not stored in the file."""


@dataclass
class Figure:
    """A figure read from one cell, before the file's scale is settled."""

    row: int
    column: str
    raw: object
    number: object  # cells.Number
    measure: Measure
    borough: Borough | None
    period: object


class Reader:
    """Reads one table (a list of rows of plain values) of ``sheet``; see the module docstring."""

    def __init__(self, sheet_name):
        self.sheet = sheet_name
        self.errors = []
        self.notes = []
        self.layout = ""
        self.measures = {key(m.name): m for m in Measure.objects.exclude(unit="qualitative")}
        for alias, name in MEASURE_ALIASES.items():
            measure = self.measures.get(key(name))
            if measure is not None:
                self.measures.setdefault(key(alias), measure)
        self.boroughs = BoroughNames(Borough.objects.filter(is_synthetic=False))
        self.figures = []
        self._how_seen = set()

    def error(self, row, column, problem, expected):
        self.errors.append(RowError(self.sheet, row, column, problem, expected))

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def read(self, rows):
        """Every reading of ``rows`` (header first) as a list of Change; problems in ``errors``."""
        header_at = next((i for i, r in enumerate(rows) if any(_present(v) for v in r)), None)
        if header_at is None:
            self.error(None, "", "The file has no rows.", "a header row and one row per reading")
            return []
        header = [key(v) for v in rows[header_at]]
        body = [(header_at + 2 + i, r) for i, r in enumerate(rows[header_at + 1 :]) if any(map(_present, r))]
        if all(c in header for c in MOPAC_COLUMNS):
            self.layout = "MOPAC dashboard (Borough sheet)"
            self._read_mopac({name: header.index(name) for name in MOPAC_COLUMNS}, body)
        else:
            self.layout = "Long table"
            cols = self._columns(header, LONG_COLUMNS)
            if not self.errors:
                self._read_long(cols, body)
        changes = self.settle_scale()
        if not changes and not self.errors:
            self.error(None, "", "The file has a header but no readings.", "one row per reading")
        return changes

    def _columns(self, header, wanted):
        found = {}
        for name, aliases in wanted.items():
            found[name] = next((header.index(key(a)) for a in aliases if key(a) in header), None)
            if found[name] is None:
                expected = f"a column headed {' or '.join(repr(a) for a in aliases[:3])}"
                self.error(1, name, f"Missing column '{name}'.", expected)
        return found

    def _read_long(self, cols, body):
        for row_no, row in body:
            cell = _getter(row, cols)
            borough, ok_b = self._borough(row_no, "borough", cell("borough"))
            period = self._period(row_no, "period", cell("period"))
            measure = self._measure(row_no, "measure", cell("measure"))
            number = self._number(row_no, "value", cell("value"))
            if ok_b and period and measure and number is not None:
                self.figures.append(Figure(row_no, "value", cell("value"), number, measure, borough, period))

    def _read_mopac(self, cols, body):
        for row_no, row in body:
            cell = _getter(row, cols)
            if key(cell("survey")) not in MOPAC_SURVEYS:
                problem = f"Unknown survey '{show(cell('survey'))}'."
                self.error(row_no, "Survey", problem, "PAS (Public Attitude Survey)")
            borough, ok_b = self._borough(row_no, "Borough", cell("borough"))
            period = self._period(row_no, "Date", cell("date"))
            measure = self._measure(row_no, "Measure", cell("measure"))
            value = self._number(row_no, "Proportion", cell("proportion"))
            london = self._number(row_no, "MPS", cell("mps"), required=False)
            if not (ok_b and period and measure):
                continue
            for column, number, where in (("Proportion", value, borough), ("MPS", london, None)):
                if number is not None:
                    raw = cell(column.lower())
                    self.figures.append(Figure(row_no, column, raw, number, measure, where, period))

    # --- the whole file's scale ---

    def settle_scale(self):
        """Decide percent or proportion over every figure, convert, check ranges, drop repeats."""
        proportions = [f for f in self.figures if 0 < f.number.value < 1 and not f.number.percent_sign]
        percents = [f for f in self.figures if f.number.value > 1 or f.number.percent_sign]
        if proportions and percents:
            minority, other = (
                (proportions, percents) if len(proportions) <= len(percents) else (percents, proportions)
            )
            for figure in minority:
                kind = "a proportion (0–1)" if minority is proportions else "a percentage (0–100)"
                self.error(figure.row, figure.column,
                           f"{show(figure.raw)} is {kind}, but row {other[0].row} and others are not: "
                           "the file mixes proportions and percentages.", SCALE_EXPECTED)  # fmt: skip
            return []
        scale = Decimal(100) if proportions else Decimal(1)
        if proportions:
            first = proportions[0]
            self.note(f"Values were read as proportions (0–1) and converted to percentages: "
                      f"{show(first.raw)} is stored as {first.number.value * 100:.2f}%.")  # fmt: skip
        elif percents and self.layout.startswith("MOPAC"):
            self.note(
                "The Proportion and MPS columns hold percentages (0–100): they were read as percentages."
            )
        if any(f.number.decimal_comma for f in self.figures):
            self.note("Decimal commas were read as decimal points (71,5 is 71.5).")
        seen = {}
        for figure in self.figures:
            percent = (figure.number.value * scale).quantize(_TWO, rounding=ROUND_HALF_UP)
            if not Decimal(0) <= percent <= Decimal(100):
                self.error(figure.row, figure.column, f"{show(figure.raw)} is out of range.",
                           "a percentage from 0 to 100 or a proportion from 0 to 1")  # fmt: skip
                continue
            self._add(seen, figure, percent)
        return list(seen.values())

    def _add(self, seen, figure, value):
        measure, borough, period = figure.measure, figure.borough, figure.period
        key_ = (measure.pk, borough.pk if borough else None, period)
        if key_ not in seen:
            seen[key_] = Change(measure=measure, borough=borough, period_end=period, value=value)
        elif seen[key_].value != value:
            where = borough.name if borough else "London"
            problem = (
                f"{measure.name} for {where} at {period:%d/%m/%Y} is {value} here but {seen[key_].value}"
            )
            self.error(
                figure.row,
                figure.column,
                f"{problem} on an earlier row.",
                "one figure per measure, borough and quarter",
            )

    # --- cells ---

    def _borough(self, row_no, column, raw):
        expected = "one of the 32 Met boroughs by name or ONS code (E09…), or London/MPS"
        if isinstance(raw, Formula) or not _present(raw):
            self.error(row_no, column, _blank_or_formula(raw), expected)
            return None, False
        borough, problem = self.boroughs.resolve(raw)
        if problem:
            self.error(row_no, column, problem, expected)
            return None, False
        return borough, True

    def _measure(self, row_no, column, raw):
        expected = "a Public Attitude Survey measure, e.g. Good job local, Trust MPS, Listen to concerns"
        if isinstance(raw, Formula) or not _present(raw):
            self.error(row_no, column, _blank_or_formula(raw), expected)
            return None
        measure = self.measures.get(key(raw))
        if measure is None:
            self.error(row_no, column, f"Unknown measure '{show(raw)}'.", expected)
        return measure

    def _period(self, row_no, column, raw):
        if isinstance(raw, Formula) or not _present(raw):
            self.error(row_no, column, _blank_or_formula(raw), PERIOD_EXPECTED)
            return None
        try:
            day, how = check_period(raw)
        except ValueError as exc:
            self.error(row_no, column, str(exc), PERIOD_EXPECTED)
            return None
        if how in _HOW_NOTES and how not in self._how_seen:
            self._how_seen.add(how)
            self.note(_HOW_NOTES[how].format(raw=show(raw), day=day))
        return day

    def _number(self, row_no, column, raw, *, required=True):
        expected = "a percentage from 0 to 100 or a proportion from 0 to 1"
        if isinstance(raw, Formula) or not _present(raw):
            if required or isinstance(raw, Formula):
                self.error(row_no, column, _blank_or_formula(raw), expected)
            return None
        try:
            return parse_number(raw)
        except ValueError as exc:
            self.error(row_no, column, str(exc), expected)
            return None


def _present(value):
    return value is not None and clean(str(value)) != ""


def _blank_or_formula(raw):
    return "A formula, not a value." if isinstance(raw, Formula) else "Empty."


def _getter(row, cols):
    def cell(name):
        idx = cols[name]
        value = row[idx] if idx is not None and idx < len(row) else None
        return value if isinstance(value, Formula) else clean(value)

    return cell
