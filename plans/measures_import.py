"""Import survey measure readings (MOPAC Public Attitude Survey) per borough and for London.

Two layouts are read, as CSV or as an Excel workbook (.xlsx):

(a) a plain long table, one reading a row, with the columns
    ``borough``  — borough name, ONS code (E09…), or "London" / "MPS" for the London figure;
    ``period``   — the last day of the quarter (a date, 2023-03-31 or 31/03/2023) or the
                   financial-year quarter ("Q4 2022-23");
    ``measure``  — the measure's name ("Good job local"; MOPAC's labels are accepted too);
    ``value``    — the share agreeing, in percent (0–100).
(b) MOPAC's published layout: the ``Borough`` sheet of its trust-and-confidence dashboard
    workbook (or a CSV export of it), columns ``Date, Survey, Borough, Measure, Proportion, MPS``:
    dates as real dates or dd/mm/yyyy, proportions 0–1 (converted to percent), ``MPS`` the
    London figure for the same quarter and measure.

MOPAC's measure labels are mapped to ours by ``MEASURE_ALIASES`` (matching ignores case,
quotes and spacing). An unknown borough or measure is an error, never skipped. The import is
all or nothing: every row is checked first, and if any row is wrong nothing is written and a
row-by-row report (sheet, row, column, problem, expected) is returned. Importing the same
figures again changes nothing; a changed figure for an existing quarter is updated in place.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from drivers.models import Measure

from .freshness import data_changed
from .models import Borough, MeasureReading
from .quarters import Quarter
from .scope import IMPORT_MEASURES, may
from .upload_safety import CSV, UploadRejected, csv_rows, open_workbook, read_upload, sheet_rows

security_log = logging.getLogger("trustplan.security")

LONDON_WORDS = {"london", "mps", "met", "metropolitan police", "metropolitan police service", "london (mps)"}
# MOPAC's labels (left, normalised by ``_key``) → our measure names.
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
MOPAC_SHEET = "Borough"
MOPAC_COLUMNS = ["date", "survey", "borough", "measure", "proportion", "mps"]
MOPAC_SURVEYS = {"pas", "public attitude survey"}
LONG_COLUMNS = {
    "borough": ("borough", "borough name", "area", "ons code", "ons_code", "code"),
    "period": ("period", "period end", "period_end", "quarter", "date", "quarter end"),
    "measure": ("measure", "measure name"),
    "value": ("value", "value percent", "value_percent", "percent", "%"),
}
QUARTER_ENDS = {(3, 31), (6, 30), (9, 30), (12, 31)}
PREVIEW_ROWS = 60
_TWO = Decimal("0.01")


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    problem: str
    expected: str

    def __str__(self):
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        col = f", column {self.column}" if self.column else ""
        return f"{where}{col}: {self.problem} (expected {self.expected})"


@dataclass
class Change:
    measure: Measure
    borough: Borough | None
    period_end: dt.date
    value: Decimal
    old_value: Decimal | None = None

    @property
    def where(self):
        return self.borough.name if self.borough else "London"

    @property
    def kind(self):
        if self.old_value is None:
            return "new"
        return "unchanged" if self.old_value == self.value else "updated"


@dataclass
class MeasuresImportResult:
    file_name: str
    layout: str = ""
    dry_run: bool = True
    errors: list = field(default_factory=list)
    readings: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def preview(self):
        changed = [c for c in self.readings if c.kind != "unchanged"]
        return changed[:PREVIEW_ROWS]

    @property
    def periods(self):
        return sorted({c.period_end for c in self.readings})

    @property
    def summary(self):
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.created} new readings {verb} added, {self.updated} {verb} updated, "
            f"{self.unchanged} already held the same figure."
        )


def can_import_measures(user):
    return may(user, IMPORT_MEASURES)


def import_measures(*, file, user, dry_run):
    """Check and (unless ``dry_run``) write the readings of ``file``. All or nothing.

    ``user`` is the person importing (analyst or administrator), or None for the command line.
    Returns a MeasuresImportResult; ``result.errors`` lists every problem found, and when it is
    not empty nothing was written. Raises PermissionDenied for a user who may not import.
    """
    if user is not None and not can_import_measures(user):
        security_log.warning("permission denied: user=%s import survey measures", user)
        raise PermissionDenied("Only analysts and administrators can import survey measures.")
    name = getattr(file, "name", None) or str(file)
    result = MeasuresImportResult(file_name=str(name).replace("\\", "/").rsplit("/", 1)[-1], dry_run=dry_run)
    try:
        upload = read_upload(file)
        result.file_name = upload.name
        sheet_name, rows = _table(upload)
    except UploadRejected as exc:
        result.errors.append(
            RowError(result.file_name, None, "", str(exc), "a .xlsx or .csv file within the limits")
        )
        return result
    reader = _Reader(sheet_name)
    changes = reader.read(rows)
    result.layout = reader.layout
    result.errors.extend(reader.errors)
    if result.errors:
        return result
    _compare_with_existing(changes)
    result.readings = changes
    result.created = sum(1 for c in changes if c.kind == "new")
    result.updated = sum(1 for c in changes if c.kind == "updated")
    result.unchanged = sum(1 for c in changes if c.kind == "unchanged")
    if not dry_run:
        _write(changes, user=user, source=f"Imported from {result.file_name}")
    return result


def _table(upload):
    """(sheet name, list of rows of plain values) of the file's data table."""
    if upload.kind == CSV:
        return upload.name, csv_rows(upload)
    workbook = open_workbook(upload)
    try:
        names = workbook.sheetnames
        chosen = next((n for n in names if n.strip().lower() == MOPAC_SHEET.lower()), names[0])
        sheet = workbook[chosen]
        rows = [[_cell_value(c) for c in row] for row in sheet_rows(upload, sheet)]
    finally:
        workbook.close()
    return chosen, rows


class _Formula(str):
    """A formula found in a cell: refused, because its value is not stored in the file."""


def _cell_value(cell):
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
        return _Formula(value)
    return value


def _key(text):
    text = str(text or "").lower().replace("&", " and ")
    text = re.sub(r"[\"'“”‘’`]", "", text)
    text = re.sub(r"^(the )?london borough of ", "", text.strip())
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())


class _Reader:
    def __init__(self, sheet_name):
        self.sheet = sheet_name
        self.errors = []
        self.layout = ""
        self.measures = {_key(m.name): m for m in Measure.objects.exclude(unit="qualitative")}
        for alias, name in MEASURE_ALIASES.items():
            measure = self.measures.get(_key(name))
            if measure is not None:
                self.measures.setdefault(_key(alias), measure)
        self.boroughs = {}
        for b in Borough.objects.filter(is_synthetic=False):
            self.boroughs[_key(b.name)] = b
            self.boroughs[b.ons_code.lower()] = b
            self.boroughs[_key(b.slug)] = b

    def error(self, row, column, problem, expected):
        self.errors.append(RowError(self.sheet, row, column, problem, expected))

    def read(self, rows):
        header_at = next((i for i, r in enumerate(rows) if any(_present(v) for v in r)), None)
        if header_at is None:
            self.error(None, "", "The file has no rows.", "a header row and one row per reading")
            return []
        header = [_key(v) for v in rows[header_at]]
        body = [(header_at + 2 + i, r) for i, r in enumerate(rows[header_at + 1 :])]
        if all(c in header for c in MOPAC_COLUMNS):
            self.layout = "MOPAC dashboard (Borough sheet)"
            changes = self._read_mopac(header, body)
        else:
            self.layout = "Long table"
            changes = self._read_long(header, body)
        if not changes and not self.errors:
            self.error(None, "", "The file has a header but no readings.", "one row per reading")
        return changes

    # --- the two layouts ---

    def _columns(self, header, wanted):
        found = {}
        for name, aliases in wanted.items():
            idx = next((header.index(_key(a)) for a in aliases if _key(a) in header), None)
            if idx is None:
                self.error(
                    1,
                    name,
                    f"Missing column '{name}'.",
                    f"a column headed {' or '.join(repr(a) for a in aliases[:3])}",
                )
            found[name] = idx
        return found

    def _read_long(self, header, body):
        cols = self._columns(header, LONG_COLUMNS)
        if self.errors:
            return []
        seen = {}
        for row_no, row in body:
            if not any(_present(v) for v in row):
                continue
            cell = _getter(row, cols)
            borough, ok_b = self._borough(row_no, "borough", cell("borough"))
            period = self._period(row_no, "period", cell("period"))
            measure = self._measure(row_no, "measure", cell("measure"))
            value = self._number(
                row_no, "value", cell("value"), scale=1, expected="a percentage from 0 to 100"
            )
            if ok_b and period and measure and value is not None:
                self._add(seen, row_no, "value", measure, borough, period, value)
        return list(seen.values())

    def _read_mopac(self, header, body):
        cols = {name: header.index(name) for name in MOPAC_COLUMNS}
        seen = {}
        for row_no, row in body:
            if not any(_present(v) for v in row):
                continue
            cell = _getter(row, cols)
            survey = cell("survey")
            if _key(survey) not in MOPAC_SURVEYS:
                self.error(
                    row_no, "Survey", f"Unknown survey '{_show(survey)}'.", "PAS (Public Attitude Survey)"
                )
            borough, ok_b = self._borough(row_no, "Borough", cell("borough"))
            period = self._period(row_no, "Date", cell("date"))
            measure = self._measure(row_no, "Measure", cell("measure"))
            expected = "a proportion from 0 to 1"
            value = self._number(row_no, "Proportion", cell("proportion"), scale=100, expected=expected)
            london = self._number(row_no, "MPS", cell("mps"), scale=100, expected=expected, required=False)
            if not (ok_b and period and measure):
                continue
            if value is not None:
                self._add(seen, row_no, "Proportion", measure, borough, period, value)
            if london is not None:
                self._add(seen, row_no, "MPS", measure, None, period, london)
        return list(seen.values())

    def _add(self, seen, row_no, column, measure, borough, period, value):
        key = (measure.pk, borough.pk if borough else None, period)
        if key in seen:
            if seen[key].value != value:
                where = borough.name if borough else "London"
                self.error(
                    row_no,
                    column,
                    f"{measure.name} for {where} at {period:%d/%m/%Y} is {value} here but "
                    f"{seen[key].value} on an earlier row.",
                    "one figure per measure, borough and quarter",
                )
            return
        seen[key] = Change(measure=measure, borough=borough, period_end=period, value=value)

    # --- cells ---

    def _borough(self, row_no, column, raw):
        if isinstance(raw, _Formula) or not _present(raw):
            self.error(row_no, column, _blank_or_formula(raw), "a borough name, ONS code, or London/MPS")
            return None, False
        key = _key(raw)
        if key in LONDON_WORDS:
            return None, True
        borough = self.boroughs.get(key) or self.boroughs.get(str(raw).strip().lower())
        if borough is None:
            self.error(
                row_no,
                column,
                f"Unknown borough '{_show(raw)}'.",
                "one of the 32 Met boroughs by name or ONS code (E09…), or London/MPS",
            )
            return None, False
        return borough, True

    def _measure(self, row_no, column, raw):
        expected = "a Public Attitude Survey measure, e.g. Good job local, Trust MPS, Listen to concerns"
        if isinstance(raw, _Formula) or not _present(raw):
            self.error(row_no, column, _blank_or_formula(raw), expected)
            return None
        measure = self.measures.get(_key(raw))
        if measure is None:
            self.error(row_no, column, f"Unknown measure '{_show(raw)}'.", expected)
        return measure

    def _period(self, row_no, column, raw):
        expected = "the last day of a quarter (31/03/2023 or 2023-03-31) or a quarter such as Q4 2022-23"
        if isinstance(raw, _Formula) or not _present(raw):
            self.error(row_no, column, _blank_or_formula(raw), expected)
            return None
        day = parse_period(raw)
        if day is None:
            self.error(row_no, column, f"'{_show(raw)}' is not a date or quarter.", expected)
            return None
        if (day.month, day.day) not in QUARTER_ENDS:
            self.error(row_no, column, f"{day:%d/%m/%Y} is not the last day of a quarter.", expected)
            return None
        if not dt.date(2000, 1, 1) <= day <= dt.date.today() + dt.timedelta(days=92):
            self.error(
                row_no, column, f"{day:%d/%m/%Y} is outside the survey's years.", "a date from 2000 to now"
            )
            return None
        return day

    def _number(self, row_no, column, raw, *, scale, expected, required=True):
        if isinstance(raw, _Formula):
            self.error(row_no, column, "A formula, not a value.", expected)
            return None
        if not _present(raw):
            if required:
                self.error(row_no, column, "Empty.", expected)
            return None
        text = str(raw).strip().rstrip("%").strip() if not isinstance(raw, (int, float)) else raw
        try:
            number = Decimal(str(text))
        except InvalidOperation:
            self.error(row_no, column, f"'{_show(raw)}' is not a number.", expected)
            return None
        if isinstance(raw, bool) or not number.is_finite():
            self.error(row_no, column, f"'{_show(raw)}' is not a number.", expected)
            return None
        if abs(number * scale) > Decimal(1000):  # e.g. 1e309: quantize would overflow
            self.error(row_no, column, f"{_show(raw)} is out of range.", expected)
            return None
        percent = (number * scale).quantize(_TWO, rounding=ROUND_HALF_UP)
        if not Decimal(0) <= percent <= Decimal(100):
            self.error(row_no, column, f"{_show(raw)} is out of range.", expected)
            return None
        return percent


def parse_period(raw):
    """A date, an ISO or dd/mm/yyyy string, or a quarter label → the quarter's last day (or None)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = " ".join(str(raw).split())
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    match = re.fullmatch(r"(?:FY\s*)?(\d{4})[-/](\d{2}|\d{4})\s*Q([1-4])", text, re.I) or None
    if match:
        year, _, quarter = match.groups()
        return Quarter(int(year), int(quarter)).end
    match = re.fullmatch(r"Q([1-4])\s*(?:FY\s*)?(\d{4})[-/](\d{2}|\d{4})", text, re.I)
    if match:
        quarter, year, _ = match.groups()
        return Quarter(int(year), int(quarter)).end
    return None


def _present(value):
    return value is not None and str(value).strip() != ""


def _show(value):
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _blank_or_formula(raw):
    return "A formula, not a value." if isinstance(raw, _Formula) else "Empty."


def _getter(row, cols):
    def cell(name):
        idx = cols[name]
        return row[idx] if idx is not None and idx < len(row) else None

    return cell


def _compare_with_existing(changes):
    if not changes:
        return
    measure_ids = {c.measure.pk for c in changes}
    periods = {c.period_end for c in changes}
    existing = {
        (m, b, p): v
        for m, b, p, v in MeasureReading.objects.filter(
            measure_id__in=measure_ids, period_end__in=periods
        ).values_list("measure_id", "borough_id", "period_end", "value")
    }
    for change in changes:
        key = (change.measure.pk, change.borough.pk if change.borough else None, change.period_end)
        if key in existing:
            change.old_value = Decimal(existing[key]).quantize(_TWO)


def _write(changes, *, user, source):
    new = [
        MeasureReading(
            measure=c.measure,
            borough=c.borough,
            period_end=c.period_end,
            value=c.value,
            source=source,
            imported_by=user,
        )
        for c in changes
        if c.kind == "new"
    ]
    updated = [c for c in changes if c.kind == "updated"]
    with transaction.atomic():
        MeasureReading.objects.bulk_create(new, batch_size=2000)
        for c in updated:
            MeasureReading.objects.filter(
                measure=c.measure, borough=c.borough, period_end=c.period_end
            ).update(value=c.value, source=source, imported_by=user)
        data_changed()  # bulk writes send no model signal
