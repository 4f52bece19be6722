"""Import a borough's plan from an Excel workbook: all or nothing, with a row-by-row report.

``import_plan(*, borough, workbook_file, user, dry_run)`` is the one entry point (upload page and
``manage.py import_plan``). It runs in three steps:

1. **Reject before parsing**: over 10 MB, not a zip (magic bytes), a truncated zip, an old .xls, a
   zip bomb (member count, per-member and total uncompressed size, compression ratio), more than
   20,000 rows (counted after ``reset_dimensions()``, never trusting the declared dimension).
   Workbooks are read with openpyxl in read-only mode with defusedxml; formulas are reported as
   errors, never evaluated.
2. **Read and validate everything**: layouts with pillar and objective headings as columns or as
   heading rows (merged cells filled down), RAG as a word in any case or as a cell fill colour,
   several owners in one cell (``plans.owners.parse_owners``/``merge``), drivers by name or slug.
   Every problem is collected as (sheet, row, column, what is wrong, what was expected); any
   problem means nothing is written.
3. **Write in one transaction** (not on a dry run): objectives and actions are matched so that
   re-importing the same workbook updates in place; RAG, completion, commentary and due date of
   existing actions change only through ``apply_status_update`` (source Import, by the importing
   user); new actions are created in bulk with their first status (``initial_status_fields`` and
   ``initial_status_row`` of the services, as ``record_initial_status`` writes it).
"""

import colorsys
import datetime as dt
import functools
import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from drivers.models import Driver

from .bulk import history_rows, insert_rows
from .choices import RAG, UpdateSource, parse_rag
from .freshness import data_changed
from .marking import mark_workbook
from .models import Action, Borough, Objective, Owner, Pillar, Plan, StatusUpdate
from .models.plan import TEXT_LIMIT
from .owners import ParsedOwner, merge, parse_owners
from .querysets import scope_for
from .services import apply_status_update, initial_status_fields, initial_status_row, validate_change

security_log = logging.getLogger("trustplan.security")

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_MEMBERS = 500
MAX_MEMBER_BYTES = 80 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 120  # uncompressed / compressed, for members over 1 MB uncompressed
MAX_PROBLEMS = 500
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
HEADER_SEARCH_ROWS = 50

if not openpyxl.DEFUSEDXML:  # pragma: no cover - an installation error, checked at import time
    raise ImportError("defusedxml must be installed: openpyxl reads untrusted workbooks with it.")


class ImportRejected(Exception):
    """The file was refused before its contents were read."""


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    problem: str
    expected: str

    def __str__(self):
        where = " ".join(p for p in (self.sheet, f"row {self.row}" if self.row else "", self.column) if p)
        return f"{where}: {self.problem} (expected: {self.expected})"


@dataclass
class Change:
    kind: str  # "action", "objective", "owner", "plan"
    label: str
    details: list = field(default_factory=list)
    sheet: str = ""
    row: int | None = None


@dataclass
class ImportReport:
    borough: Borough
    filename: str = ""
    sha256: str = ""
    dry_run: bool = True
    rejected: str = ""
    problems: list = field(default_factory=list)
    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    left_alone: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    rows_read: int = 0
    applied: bool = False

    @property
    def ok(self):
        return not self.rejected and not self.problems

    def add(self, *args, **kwargs):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(*args, **kwargs))
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem("", None, "", "Too many problems: stopped listing", "fewer errors"))

    def summary(self):
        if self.rejected:
            return f"Rejected: {self.rejected}"
        if self.problems:
            return f"{len(self.problems)} problem(s) found: nothing was imported."
        verb = "Would create" if not self.applied else "Created"
        counts = {}
        for change in self.created:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        made = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()) or "nothing"
        changed = sum(1 for c in self.changed if c.kind == "action")
        return (
            f"{verb} {made}; {'would change' if not self.applied else 'changed'} {changed} action(s) and "
            f"{sum(1 for c in self.changed if c.kind != 'action')} other item(s); "
            f"{len(self.unchanged)} action(s) unchanged; "
            f"{len(self.left_alone)} not in the workbook left alone."
        )


# --- step 1: the file -----------------------------------------------------------------------


def check_file(data):
    """Refuse a file that is not a plausible, bounded .xlsx before any XML is parsed."""
    if len(data) > MAX_BYTES:
        raise ImportRejected(
            f"The file is {len(data) / 1e6:.1f} MB: the limit is {MAX_BYTES // (1024 * 1024)} MB."
        )
    if not data:
        raise ImportRejected("The file is empty.")
    if data.startswith(OLE_MAGIC):
        raise ImportRejected(
            "This is an old Excel 97–2003 (.xls) file: save it as an Excel Workbook (.xlsx)."
        )
    if not data.startswith(ZIP_MAGIC):
        raise ImportRejected("This is not an Excel workbook (.xlsx): the file does not start like one.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportRejected(f"The workbook is damaged or truncated and cannot be opened ({exc}).") from exc
    if len(members) > MAX_MEMBERS:
        raise ImportRejected(f"The workbook has {len(members)} parts: at most {MAX_MEMBERS} are accepted.")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            raise ImportRejected(
                f"The workbook part {member.filename} would unpack to {member.file_size / 1e6:.0f} MB: "
                "too large (a possible zip bomb)."
            )
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ImportRejected(
                f"The workbook part {member.filename} is compressed "
                f"{member.file_size // max(member.compress_size, 1)} times: refused as a possible zip bomb."
            )
    if total > MAX_TOTAL_BYTES:
        raise ImportRejected(
            f"The workbook would unpack to {total / 1e6:.0f} MB: too large (a possible zip bomb)."
        )
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise ImportRejected("This zip file is not an Excel workbook (.xlsx): it has no workbook part.")


class RawCell:
    """One cell as read: its value, whether it held a formula, its fill colour, and its text
    (tidied once here, because the parser looks at most cells several times)."""

    __slots__ = ("value", "formula", "colour", "text")

    def __init__(self, value, formula=False, colour=""):
        self.value = value
        self.formula = formula
        self.colour = colour
        self.text = _cell_text(value)

    def __repr__(self):
        return f"RawCell({self.value!r}, formula={self.formula}, colour={self.colour!r})"


@dataclass
class RawSheet:
    name: str
    rows: list  # list of (row number, [RawCell])


SKIP_SHEETS = {
    "summary",
    "status history",
    "driver coverage",
    "driver gaps",
    "about",
    "instructions",
    "reference",
    "force plan",
    "milestones",
}


def _fill_colour(cell):
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type != "solid":
        return ""
    colour = fill.fgColor
    if colour is None:
        return ""
    if colour.type == "rgb" and isinstance(colour.rgb, str) and len(colour.rgb) >= 6:
        return colour.rgb[-6:].upper()
    return "theme"


def read_sheets(data):
    """Read every candidate sheet's cells (value, formula flag, fill) with openpyxl read-only."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any parse failure of an untrusted file is a rejection
        raise ImportRejected(f"The workbook could not be read: {type(exc).__name__}: {exc}") from exc
    sheets, count = [], 0
    colours = {}  # fill colour by style id
    try:
        for ws in workbook.worksheets:
            if ws.title.strip().lower() in SKIP_SHEETS:
                continue
            ws.reset_dimensions()
            rows = []
            for number, row in enumerate(ws.iter_rows(), start=1):
                count += 1
                if count > MAX_ROWS:
                    raise ImportRejected(
                        f"The workbook has more than {MAX_ROWS:,} rows: split it or remove empty rows."
                    )
                cells, content = [], False
                for c in row:
                    value = getattr(c, "value", None)
                    style = getattr(c, "_style_id", None)  # read-only cells share styles by id
                    if style is None:
                        colour = _fill_colour(c)
                    else:
                        colour = colours.get(style)
                        if colour is None:
                            colour = colours[style] = _fill_colour(c)
                    cells.append(RawCell(value, getattr(c, "data_type", "") == "f", colour))
                    content = content or value not in (None, "") or bool(colour)
                if content:
                    rows.append((number, cells))
            sheets.append(RawSheet(ws.title, rows))
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ImportRejected(f"The workbook could not be read: {type(exc).__name__}: {exc}") from exc
    finally:
        workbook.close()
    return sheets, count


# --- step 2: layout -------------------------------------------------------------------------

ALIASES = {
    "pillar": {"pillar", "pillars", "pillar name"},
    "objective": {"objective", "objectives", "objective title", "aim"},
    "objective_number": {"objective number", "objective no", "objective ref", "obj no", "no", "#", "number"},
    "action": {"action", "actions", "action text", "activity", "activities", "what we will do"},
    "owners": {
        "owner",
        "owners",
        "action owner",
        "action owners",
        "lead",
        "leads",
        "responsible",
        "owner(s)",
    },
    "drivers": {"driver", "drivers", "confidence driver", "confidence drivers", "drivers of confidence"},
    "rag": {"rag", "rag rating", "rag status", "status", "rating", "rag rating status"},
    "due": {"due", "due date", "deadline", "by when", "target date", "completion date"},
    "complete": {"complete", "completed", "done"},
    "commentary": {
        "commentary",
        "last commentary",
        "update",
        "progress",
        "progress update",
        "comments",
        "comment",
    },
    "next_steps": {"next steps", "next step"},
    "borough": {"borough"},
    "ignored": {"bcu", "stale", "overdue", "last update", "action id", "id", "ref", "position"},
}
REQUIRED = ("action", "owners", "rag")
COLUMN_LABELS = {
    "pillar": "Pillar",
    "objective": "Objective",
    "objective_number": "Objective number",
    "action": "Action",
    "owners": "Owners",
    "drivers": "Drivers",
    "rag": "RAG",
    "due": "Due date",
    "complete": "Complete",
    "commentary": "Commentary",
    "next_steps": "Next steps",
    "borough": "Borough",
}
OBJECTIVE_RE = re.compile(r"^(?:objective\s*)?(\d{1,3})\s*[.:)\-–]?\s+(\S.*)$", re.IGNORECASE)
TRUE_WORDS = {"yes", "y", "true", "1", "✔", "✓", "x", "complete", "completed", "done"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
COMPLETE_WORDS = {"complete", "completed", "done", "blue"}


@functools.lru_cache(maxsize=8192)
def _norm(value):
    text = " ".join(str(value).replace("\n", " ").split()).strip().lower().rstrip(":*")
    return text.strip()


def _header_key(value):
    if not isinstance(value, str):
        return None
    text = _norm(value)
    for key, names in ALIASES.items():
        if text in names:
            return key
    return None


def _letter(index):
    return openpyxl.utils.get_column_letter(index + 1)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _CONTROL.sub("", str(value))  # control characters other than tab and newline
    return " ".join(text.split()) if "\n" not in text else text.strip()


def _text(cell):
    return "" if cell is None else cell.text


@dataclass
class Layout:
    header_row: int
    columns: dict  # key -> index
    heading_titles: bool = False  # "N | title | Action owner | RAG" header rows are objective headings


def find_layout(sheet):
    for number, cells in sheet.rows[:HEADER_SEARCH_ROWS]:
        keys = {}
        for index, cell in enumerate(cells):
            key = _header_key(cell.value)
            if key and key != "ignored" and key not in keys:
                keys[key] = index
        if "action" in keys or ("owners" in keys and "rag" in keys):
            layout = Layout(number, keys)
            if "action" not in keys and keys["owners"] > 0:
                layout.columns["action"] = keys["owners"] - 1
                layout.heading_titles = True
            return layout
    return None


@dataclass
class Row:
    sheet: str
    row: int
    pillar: str
    objective_number: int | None
    objective_title: str
    text: str
    owners: str
    drivers: str
    rag: str
    completed: bool | None
    due: object
    commentary: str
    next_steps: str
    borough: str
    has_owners_col: bool
    has_drivers_col: bool


def _is_header_repeat(cells, layout):
    for key in ("owners", "rag"):
        index = layout.columns.get(key)
        if index is not None and index < len(cells) and _header_key(cells[index].value) == key:
            return True
    return False


def _pillar_from(text, pillars):
    key = _norm(re.sub(r"^pillar\s*[:\-–]?\s*", "", text, flags=re.IGNORECASE))
    return pillars.get(key)


def parse_sheet(sheet, layout, pillars, report):
    """Turn a sheet's rows into Row objects, following heading rows and merged (blank) cells."""
    col = layout.columns

    def cell(cells, key):
        index = col.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    pillar = pillars.get(_norm(sheet.name), "")
    objective = (None, "")
    rows = []
    for number, cells in sheet.rows:
        if number < layout.header_row:
            found = _pillar_from(" ".join(t for t in (_text(c) for c in cells) if t), pillars)
            if found:
                pillar, objective = found, (None, "")
            continue
        for index, raw in enumerate(cells):
            if raw.formula:
                report.add(
                    sheet.name,
                    number,
                    _letter(index),
                    f"A formula ({str(raw.value)[:40]}): formulas are not evaluated",
                    "the value itself, typed in (paste as values)",
                )
        if _is_header_repeat(cells, layout):
            first = _text(cells[0]) if cells else ""
            title = _text(cell(cells, "action"))
            if layout.heading_titles and first.isdigit() and title:
                objective = (int(first), title)
            continue
        action_text = _text(cell(cells, "action"))
        texts = [(c.text, i) for i, c in enumerate(cells) if c.text]
        if not action_text:
            # a heading row: a pillar, or an objective ("3. Improve communication", "3 | Improve …")
            if texts:
                joined = " ".join(t for t, _ in texts)
                found = _pillar_from(joined, pillars)
                if found:
                    pillar, objective = found, (None, "")
                    continue
                match = OBJECTIVE_RE.match(joined)
                if match and "objective" not in col:
                    objective = (int(match.group(1)), match.group(2).strip())
                    continue
                other = {k for k in ("owners", "rag", "drivers", "due") if _text(cell(cells, k))}
                if other or cell(cells, "rag") and cell(cells, "rag").colour:
                    report.add(
                        sheet.name,
                        number,
                        COLUMN_LABELS["action"],
                        "The action text is missing",
                        "the action's text",
                    )
            continue
        if "pillar" in col and _text(cell(cells, "pillar")):
            name = _text(cell(cells, "pillar"))
            found = _pillar_from(name, pillars)
            if not found:
                report.add(
                    sheet.name,
                    number,
                    _letter(col["pillar"]),
                    f"Unknown pillar '{name}'",
                    "one of " + ", ".join(sorted({p for p in pillars.values()})),
                )
            pillar = found or name
        if "objective" in col and _text(cell(cells, "objective")):
            title = _text(cell(cells, "objective"))
            number_text = _text(cell(cells, "objective_number")) if "objective_number" in col else ""
            match = OBJECTIVE_RE.match(title)
            if number_text.isdigit():
                objective = (
                    int(number_text),
                    match.group(2).strip() if match and int(match.group(1)) == int(number_text) else title,
                )
            elif match:
                objective = (int(match.group(1)), match.group(2).strip())
            else:
                objective = (None, title)
        rag_cell = cell(cells, "rag")
        complete_cell = cell(cells, "complete")
        row = Row(
            sheet=sheet.name,
            row=number,
            pillar=pillar,
            objective_number=objective[0],
            objective_title=objective[1],
            text=action_text,
            owners=_text(cell(cells, "owners")),
            drivers=_text(cell(cells, "drivers")),
            rag=_text(rag_cell) or (f"#{rag_cell.colour}" if rag_cell and rag_cell.colour else ""),
            completed=None,
            due=cell(cells, "due").value if cell(cells, "due") else None,
            commentary=_text(cell(cells, "commentary")),
            next_steps=_text(cell(cells, "next_steps")),
            borough=_text(cell(cells, "borough")),
            has_owners_col="owners" in col,
            has_drivers_col="drivers" in col,
        )
        if complete_cell is not None:
            word = _text(complete_cell).lower()
            if complete_cell.value is True or word in TRUE_WORDS:
                row.completed = True
            elif complete_cell.value is False or word in FALSE_WORDS:
                row.completed = False
            else:
                report.add(
                    sheet.name,
                    number,
                    _letter(col["complete"]),
                    f"'{_text(complete_cell)}' is not yes or no",
                    "Yes or No (or leave blank)",
                )
        only_text = all(i == col["action"] for _, i in texts)
        continues = (
            action_text[:1].islower() and not rows[-1].text.endswith((".", "!", "?")) if rows else False
        )
        if only_text and continues and rows[-1].sheet == sheet.name and rows[-1].row == number - 1:
            rows[-1].text = f"{rows[-1].text} {action_text}"  # one action over a page break
            report.notes.append(
                f"{sheet.name} row {number}: text with no owner or RAG joined to the action above."
            )
            continue
        rows.append(row)
    return rows


def colour_to_rag(hex_colour):
    """Classify a cell fill: red, amber, green, blue (complete), grey (not rated) or None."""
    if hex_colour == "theme":
        return None
    try:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return None
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s < 0.15:
        return RAG.NOT_RATED if v > 0.6 else None  # white or grey: not rated
    hue = h * 360
    if hue < 20 or hue >= 330:
        return RAG.RED
    if hue < 70:
        return RAG.AMBER
    if hue < 170:
        return RAG.GREEN
    if 180 <= hue < 260:
        return "complete"
    return None


def parse_due(value):
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


# --- step 2b: validate against the reference data and the existing plan -----------------------


@dataclass
class PlannedAction:
    row: Row
    objective_key: tuple
    rag: str | None  # None: the row says only "Complete"
    completed: bool | None  # None: the row does not say
    due: object
    owner_keys: list
    driver_ids: list
    existing: Action | None = None
    position: int = 1
    status_fields: dict = field(default_factory=dict)

    @property
    def new_rag(self):
        return self.rag or (RAG.GREEN if self.completed else RAG.NOT_RATED)


def _driver_lookup():
    """Names (as exported) first, then slugs; a name shared by two frameworks is ambiguous."""
    by_name, by_slug, ambiguous = {}, {}, set()
    for driver in Driver.objects.select_related("framework"):
        by_slug[driver.slug.lower()] = driver
        name = _norm(driver.name)
        if name in by_name and by_name[name].pk != driver.pk:
            ambiguous.add(name)
        by_name[name] = driver
    return by_name, by_slug, ambiguous


def split_list(cell):
    return [part.strip() for part in re.split(r"[;\n]|,(?![^()]*\))", cell or "") if part.strip()]


def normalise_text(text):
    return " ".join(str(text).split()).casefold()


# --- the service ----------------------------------------------------------------------------


def import_plan(*, borough, workbook_file, user, dry_run, filename=""):
    """Import (or, with ``dry_run``, preview) a plan workbook into ``borough``.

    ``workbook_file`` is bytes, a path or a binary file object. Returns an ImportReport; raises
    PermissionDenied when the user may not edit the borough's plan. On any rejection or problem
    nothing is written. StaleVersion from ``apply_status_update`` (someone saved an action while
    the import ran) rolls the whole import back and propagates.
    """
    if not scope_for(user).can_edit_borough(borough.pk):
        security_log.warning(
            "permission denied: user=%s tried to import a plan into borough=%s", user, borough.slug
        )
        raise PermissionDenied(f"You can only import plans into your own borough; not {borough}.")
    data = _read_bytes(workbook_file)
    report = ImportReport(
        borough=borough,
        filename=filename or getattr(workbook_file, "name", "") or "",
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=dry_run,
    )
    try:
        check_file(data)
        sheets, report.rows_read = read_sheets(data)
    except ImportRejected as exc:
        report.rejected = str(exc)
        _log(report, user)
        return report
    rows = _layout_rows(sheets, report)
    plan = Plan.objects.filter(borough=borough).first()
    planned = _validate(rows, borough, report)
    if report.ok:
        _diff(planned, plan, borough, report)
    if report.ok and not dry_run:
        try:
            with transaction.atomic():
                _write(planned, plan, borough, report, user)
        except IntegrityError as exc:
            report.add(
                "",
                None,
                "",
                f"The plan could not be saved ({exc}); nothing was imported",
                "a consistent plan",
            )
        else:
            report.applied = True
    _log(report, user)
    return report


def _read_bytes(source):
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, str) or hasattr(source, "__fspath__"):
        with open(source, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read(MAX_BYTES + 1)


def _log(report, user):
    outcome = "applied" if report.applied else ("dry-run" if report.ok else "refused")
    security_log.info(
        "plan import %s: user=%s borough=%s file=%s sha256=%s rows=%s problems=%s created=%s changed=%s%s",
        outcome,
        user,
        report.borough.slug,
        report.filename,
        report.sha256[:16],
        report.rows_read,
        len(report.problems),
        len(report.created),
        len(report.changed),
        f" rejected={report.rejected}" if report.rejected else "",
    )


def _layout_rows(sheets, report):
    pillars = {}
    for pillar in Pillar.objects.all():
        pillars[_norm(pillar.name)] = pillar.name
        pillars[pillar.slug.lower()] = pillar.name
    rows, any_layout = [], False
    for sheet in sheets:
        if not sheet.rows:
            continue
        layout = find_layout(sheet)
        if layout is None:
            continue
        any_layout = True
        missing = [k for k in REQUIRED if k not in layout.columns]
        if missing:
            report.add(
                sheet.name,
                layout.header_row,
                ", ".join(COLUMN_LABELS[k] for k in missing),
                "Missing column(s): " + ", ".join(COLUMN_LABELS[k] for k in missing),
                "columns Action, Owners and RAG (see the template)",
            )
            continue
        rows.extend(parse_sheet(sheet, layout, pillars, report))
    if not any_layout:
        report.add(
            sheets[0].name if sheets else "",
            None,
            "",
            "No row of column headings was found",
            "a heading row with Action, Owners and RAG (and Pillar, Objective or heading rows), "
            "as in the template",
        )
    elif not rows and report.ok:
        report.add("", None, "", "The workbook has no actions", "at least one row with an action")
    return rows


def _validate(rows, borough, report):
    by_name, by_slug, ambiguous = _driver_lookup()
    boroughs = {}
    for b in Borough.objects.all():
        boroughs[_norm(b.name)] = b
        boroughs[b.slug.lower()] = b
        boroughs[b.ons_code.lower()] = b
    named_boroughs = {}
    owner_cells = {}
    seen = {}
    objective_titles = {}
    planned = []
    for row in rows:
        if row.borough:
            found = boroughs.get(_norm(row.borough))
            if not found:
                report.add(
                    row.sheet,
                    row.row,
                    "Borough",
                    f"Unknown borough '{row.borough}'",
                    "a London borough's name or ONS code",
                )
            else:
                named_boroughs.setdefault(found.pk, (found, row))
        if not row.pillar:
            report.add(
                row.sheet,
                row.row,
                "Pillar",
                "No pillar for this action",
                "a Pillar column or a pillar heading row above (e.g. 'More Trust')",
            )
        if not row.objective_title:
            report.add(
                row.sheet,
                row.row,
                "Objective",
                "No objective for this action",
                "an Objective column or an objective heading row above (e.g. '1. Engage with …')",
            )
        if len(row.text) > TEXT_LIMIT:
            report.add(
                row.sheet,
                row.row,
                "Action",
                f"Too long ({len(row.text)} characters)",
                f"at most {TEXT_LIMIT} characters",
            )
        rag, completed = RAG.NOT_RATED, row.completed
        if row.rag.startswith("#"):
            colour = colour_to_rag(row.rag[1:])
            if colour is None:
                report.add(
                    row.sheet,
                    row.row,
                    "RAG",
                    f"The cell colour ({row.rag}) is not a RAG colour",
                    "a red, amber or green fill, or the word Red, Amber or Green",
                )
            elif colour == "complete":
                rag, completed = None, True if completed is None else completed
            else:
                rag = colour
        elif _norm(row.rag) in COMPLETE_WORDS:
            rag, completed = None, True if completed is None else completed
        else:
            try:
                rag = parse_rag(row.rag)
            except ValueError:
                report.add(
                    row.sheet,
                    row.row,
                    "RAG",
                    f"'{row.rag}' is not a RAG rating",
                    "Red, Amber, Green, Complete or blank (Not rated), in any case",
                )
        due = None
        try:
            due = parse_due(row.due)
        except ValueError:
            report.add(
                row.sheet,
                row.row,
                "Due date",
                f"'{row.due}' is not a date",
                "a date cell, or YYYY-MM-DD or DD/MM/YYYY",
            )
        driver_ids = []
        for name in split_list(row.drivers):
            key = _norm(name)
            driver = by_name.get(key) if key not in ambiguous else None
            driver = driver or by_slug.get(key)
            if key in ambiguous and driver is None:
                report.add(
                    row.sheet,
                    row.row,
                    "Drivers",
                    f"'{name}' names drivers of several frameworks",
                    "the driver's slug (see the template's Reference sheet)",
                )
            elif driver is None:
                report.add(
                    row.sheet,
                    row.row,
                    "Drivers",
                    f"Unknown driver '{name}'",
                    "driver names or slugs from the template's Reference sheet, separated by ';'",
                )
            else:
                driver_ids.append(driver.pk)
        owners = owner_cells.get(row.owners)
        if owners is None:  # the same few owner cells repeat down a plan
            owners = owner_cells[row.owners] = parse_owners(row.owners)
        if row.has_owners_col and not owners:
            report.notes.append(f"{row.sheet} row {row.row}: no owner named.")
        okey = (row.pillar, row.objective_number, _norm(row.objective_title))
        dkey = (row.pillar, row.objective_number or _norm(row.objective_title), normalise_text(row.text))
        if dkey in seen:
            first = seen[dkey]
            report.add(
                row.sheet,
                row.row,
                "Action",
                f"Duplicate of {first.sheet} row {first.row}",
                "each action once per objective",
            )
        seen[dkey] = row
        if row.objective_number is not None:
            nkey = (row.pillar, row.objective_number)
            title = objective_titles.setdefault(nkey, (row.objective_title, row))
            if _norm(title[0]) != _norm(row.objective_title):
                report.add(
                    row.sheet,
                    row.row,
                    "Objective",
                    f"Objective {row.objective_number} of {row.pillar} is titled differently "
                    f"from row {title[1].row}",
                    f"the same title: '{title[0]}'",
                )
        planned.append(
            PlannedAction(
                row=row,
                objective_key=okey,
                rag=rag,
                completed=completed,
                due=due,
                owner_keys=owners,
                driver_ids=list(dict.fromkeys(driver_ids)),
            )
        )
    if len(named_boroughs) > 1:
        names = ", ".join(sorted(b.name for b, _ in named_boroughs.values()))
        report.add(
            "",
            None,
            "Borough",
            f"The workbook holds actions of several boroughs ({names})",
            "one borough's plan per import",
        )
    elif named_boroughs:
        ((named, _row),) = named_boroughs.values()
        if named.pk != borough.pk:
            report.notes.append(f"The rows are labelled {named}; they are imported into {borough}'s plan.")
    numbered = {}
    for row in rows:
        numbered.setdefault(row.pillar, set()).add(row.objective_number is not None)
    for pillar, kinds in numbered.items():
        if len(kinds) > 1:
            report.add(
                "",
                None,
                "Objective",
                f"Some objectives of {pillar} are numbered and some are not",
                "number every objective of a pillar ('1. Title') or none",
            )
    return planned


def _diff(planned, plan, borough, report):
    """Match rows with the existing plan and say what will be created, changed or left alone."""
    pillars = {p.name: p for p in Pillar.objects.all()}
    existing_objectives = list(Objective.objects.filter(plan=plan).select_related("pillar")) if plan else []
    by_number = {(o.pillar.name if o.pillar else "", o.number): o for o in existing_objectives}
    by_title = {(o.pillar.name if o.pillar else "", _norm(o.title)): o for o in existing_objectives}
    next_number = {}
    for o in existing_objectives:
        key = o.pillar.name if o.pillar else ""
        next_number[key] = max(next_number.get(key, 0), o.number)
    resolved = {}
    if plan is None:
        report.created.append(Change("plan", f"{borough.name} Trust and Confidence Plan"))
    for item in planned:
        row = item.row
        okey = item.objective_key
        if okey not in resolved:
            match = None
            if row.objective_number is not None:
                match = by_number.get((row.pillar, row.objective_number))
            else:
                match = by_title.get((row.pillar, _norm(row.objective_title)))
            number = row.objective_number
            if match is None and number is None:
                next_number[row.pillar] = number = next_number.get(row.pillar, 0) + 1
            elif match is not None:
                number = match.number
            resolved[okey] = {
                "existing": match,
                "pillar": pillars[row.pillar],
                "number": number,
                "title": row.objective_title,
            }
            label = f"{row.pillar} {number}. {row.objective_title}"
            if match is None:
                report.created.append(Change("objective", label, sheet=row.sheet, row=row.row))
            elif _norm(match.title) != _norm(row.objective_title):
                report.changed.append(
                    Change("objective", label, [f"title was '{match.title}'"], row.sheet, row.row)
                )
    item_objectives = resolved
    actions = {}
    if plan:
        qs = (
            Action.objects.filter(objective__plan=plan)
            .prefetch_related("owners", "drivers")
            .select_related("objective")
        )
        for action in qs:
            actions[(action.objective_id, normalise_text(action.text))] = action
    commentary_seen = {}
    if plan:
        for action_id, note in StatusUpdate.objects.filter(action__objective__plan=plan).values_list(
            "action_id", "commentary"
        ):
            commentary_seen.setdefault(action_id, set()).add(note)
    owners_now = {o.key: o for o in Owner.objects.filter(borough=borough)}
    new_owner_keys = set()
    positions = {}
    matched_ids = set()
    for item in planned:
        row = item.row
        target = item_objectives[item.objective_key]
        positions[item.objective_key] = item.position = positions.get(item.objective_key, 0) + 1
        for parsed in item.owner_keys:
            if parsed.key not in owners_now and parsed.key not in new_owner_keys:
                new_owner_keys.add(parsed.key)
                report.created.append(Change("owner", parsed.label, sheet=row.sheet, row=row.row))
        existing = None
        if target["existing"] is not None:
            existing = actions.get((target["existing"].pk, normalise_text(row.text)))
        item.existing = existing
        label = row.text if len(row.text) <= 90 else row.text[:87] + "…"
        if existing is None:
            status = _status_word(item.new_rag, bool(item.completed))
            report.created.append(Change("action", label, [f"status {status}"], row.sheet, row.row))
            continue
        matched_ids.add(existing.pk)
        details = _action_changes(item, existing, commentary_seen.get(existing.pk, set()), report)
        if details:
            report.changed.append(Change("action", label, details, row.sheet, row.row))
        else:
            report.unchanged.append(Change("action", label, sheet=row.sheet, row=row.row))
    for action in actions.values():
        if action.pk not in matched_ids:
            report.left_alone.append(Change("action", str(action)))


def _status_fields(item, existing, seen_comments, filename):
    """The apply_status_update keyword arguments for an existing action (empty if none)."""
    row = item.row
    fields = {}
    rag = item.rag or existing.rag
    completed = existing.completed if item.completed is None else item.completed
    status_changed = rag != existing.rag or completed != existing.completed
    comment = row.commentary if row.commentary and row.commentary not in seen_comments else ""
    if status_changed:
        fields["rag"], fields["completed"] = rag, completed
        if not comment:
            comment = (
                f"Imported from {filename or 'a plan workbook'}: "
                f"{_status_word(existing.rag, existing.completed)} → {_status_word(rag, completed)}."
            )
    if comment:
        fields["commentary"] = comment
    if item.due is not None and item.due != existing.due_date:
        fields["due_date"] = item.due
    if row.next_steps and row.next_steps != existing.next_steps:
        fields["next_steps"] = row.next_steps
    return fields


def _status_word(rag, completed):
    return "Complete" if completed else RAG(rag).label


def _action_changes(item, existing, seen_comments, report):
    row = item.row
    fields = _status_fields(item, existing, seen_comments, report.filename)
    details = []
    if fields:
        try:
            validate_change(action=existing, **fields)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                report.add(
                    row.sheet, row.row, COLUMN_LABELS.get(name, name), " ".join(messages), "a valid value"
                )
        if "rag" in fields:
            before = _status_word(existing.rag, existing.completed)
            details.append(f"status {before} → {_status_word(fields['rag'], fields['completed'])}")
        if "commentary" in fields and "rag" not in fields:
            details.append("new commentary")
        if "due_date" in fields:
            details.append(f"due {existing.due_date or '—'} → {fields['due_date']}")
        if "next_steps" in fields:
            details.append("next steps")
    item.status_fields = fields
    if row.has_owners_col and {o.key for o in existing.owners.all()} != {p.key for p in item.owner_keys}:
        details.append("owners → " + "; ".join(p.label for p in item.owner_keys))
    if row.has_drivers_col and {d.pk for d in existing.drivers.all()} != set(item.driver_ids):
        details.append("drivers")
    return details


# --- step 3: write --------------------------------------------------------------------------


def _unique_plan_slug(borough):
    base = slugify(f"{borough.slug}-trust-and-confidence-plan")[:70]
    slug, n = base, 1
    while Plan.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _write(planned, plan, borough, report, user):
    now = timezone.now()
    if plan is None:
        plan = Plan.objects.create(
            slug=_unique_plan_slug(borough),
            borough=borough,
            title=f"{borough.name} Trust and Confidence Plan",
            source=f"Imported from {report.filename or 'a plan workbook'} by {user}",
        )
    pillars = {p.name: p for p in Pillar.objects.all()}
    people = {}
    for item in planned:
        for parsed in item.owner_keys:
            people[parsed.key] = merge(people.get(parsed.key), parsed)
    owners = {o.key: o for o in Owner.objects.filter(borough=borough, key__in=list(people))}
    for key, parsed in people.items():
        owner = owners.get(key)
        if owner is None:
            owners[key] = Owner.objects.create(
                borough=borough,
                key=key,
                label=parsed.label,
                rank=parsed.rank,
                name=parsed.name,
                team=parsed.team,
            )
            continue
        fullest = merge(ParsedOwner(key, owner.label, owner.rank, owner.name, owner.team), parsed)
        if (fullest.label, fullest.rank, fullest.name, fullest.team) != (
            owner.label,
            owner.rank,
            owner.name,
            owner.team,
        ):
            owner.label, owner.rank, owner.name, owner.team = (
                fullest.label,
                fullest.rank,
                fullest.name,
                fullest.team,
            )
            owner.save()
    objectives = {}
    existing_objectives = {(o.pillar_id, o.number): o for o in Objective.objects.filter(plan=plan)}
    by_title = {(o.pillar_id, _norm(o.title)): o for o in existing_objectives.values()}
    numbers = {}
    for o in existing_objectives.values():
        numbers[o.pillar_id] = max(numbers.get(o.pillar_id, 0), o.number)
    author = user.get_full_name() or user.get_username()
    new_objectives = []
    created = []  # (new action's field values, its planned row, its first status, its objective)
    for item in planned:
        row = item.row
        pillar = pillars[row.pillar]
        okey = item.objective_key
        if okey not in objectives:
            if row.objective_number is not None:
                objective = existing_objectives.get((pillar.pk, row.objective_number))
                number = row.objective_number
            else:
                objective = by_title.get((pillar.pk, _norm(row.objective_title)))
                number = objective.number if objective else None
            if objective is None:
                if number is None:
                    numbers[pillar.pk] = number = numbers.get(pillar.pk, 0) + 1
                objective = Objective(plan=plan, pillar=pillar, number=number, title=row.objective_title)
                new_objectives.append(objective)  # written in bulk below, before the actions
                existing_objectives[(pillar.pk, number)] = objective
            elif objective.title != row.objective_title and _norm(objective.title) != _norm(
                row.objective_title
            ):
                objective.title = row.objective_title
                objective._change_reason = f"import: {report.filename}"
                objective.save()
            objectives[okey] = objective
        objective = objectives[okey]
        action = item.existing
        if action is None:  # created below, in bulk, with its first status
            status = {
                "rag": item.new_rag,
                "completed": bool(item.completed),
                "commentary": row.commentary or f"Imported from {report.filename or 'a plan workbook'}.",
                "at": now,
            }
            row_values = {
                "position": item.position,
                "text": row.text,
                "due_date": item.due,
                "next_steps": row.next_steps,
                "created_at": now,
                **initial_status_fields(**status),
            }
            created.append((row_values, item, status, objective))
            continue
        if item.status_fields:
            apply_status_update(
                action=action,
                user=user,
                seen_version=action.version,
                source=UpdateSource.IMPORT,
                at=now,
                **item.status_fields,
            )
        if action.position != item.position:
            Action.objects.filter(pk=action.pk).update(position=item.position)
        if row.has_owners_col:
            action.owners.set([owners[p.key] for p in item.owner_keys])
        if row.has_drivers_col:
            action.drivers.set(item.driver_ids)
    history = {"user": user, "change_reason": f"import: {report.filename}", "date": now}
    _create_objectives(new_objectives, history)
    _create_actions(created, owners, author=author, history=history)
    data_changed()  # bulk writes send no model signal
    return plan


def _create_objectives(objectives, history):
    """Write new objectives in bulk, each with its history record; sets their primary keys."""
    rows = [
        {
            "plan_id": o.plan_id,
            "pillar_id": o.pillar_id,
            "theme_id": o.theme_id,
            "number": o.number,
            "title": o.title,
        }
        for o in objectives
    ]
    insert_rows(Objective, rows, returning=True)
    insert_rows(Objective.history.model, history_rows(Objective, rows, **history))
    for objective, values in zip(objectives, rows, strict=True):
        objective.pk = values["id"]


def _create_actions(created, owners, *, author, history):
    """Write new actions in bulk: each with its history record, first status and links."""
    if not created:
        return
    rows = []
    for values, _, _, objective in created:
        values["objective_id"] = objective.pk
        rows.append(values)
    insert_rows(Action, rows, returning=True)
    insert_rows(Action.history.model, history_rows(Action, rows, **history))
    insert_rows(
        StatusUpdate,
        [
            initial_status_row(
                action_id=values["id"], author_name=author, source=UpdateSource.IMPORT, **status
            )
            for values, _, status, _ in created
        ],
    )
    insert_rows(
        Action.owners.through,
        [
            {"action_id": values["id"], "owner_id": owners[p.key].pk}
            for values, item, _, _ in created
            for p in item.owner_keys
        ],
    )
    insert_rows(
        Action.drivers.through,
        [
            {"action_id": values["id"], "driver_id": pk}
            for values, item, _, _ in created
            for pk in item.driver_ids
        ],
    )


# --- the template ---------------------------------------------------------------------------

TEMPLATE_COLUMNS = [
    (
        "Pillar",
        16,
        "More Trust, Less Crime or Higher Standards. Or leave the column out and put pillar "
        "heading rows above the actions.",
    ),
    ("Objective", 40, "'1. Title' (number and title), or the title alone. Or objective heading rows."),
    ("Action", 60, "The action's text. Re-importing matches actions by this text within their objective."),
    (
        "Owners",
        30,
        "One cell, several owners: 'Supt Brockway and Chief Inspector Barnes', or separated by ';'.",
    ),
    (
        "Drivers",
        30,
        "Confidence drivers by name (as the export writes them) or slug, separated by ';' (see Reference).",
    ),
    (
        "RAG",
        11,
        "Red, Amber, Green, Complete or blank (Not rated), any case; or fill the cell red/amber/green.",
    ),
    ("Due date", 12, "A date (optional)."),
    ("Complete", 10, "Yes or No (optional)."),
    ("Commentary", 50, "Why the RAG is what it is (optional; recorded with any RAG change)."),
]


def build_template(target):
    """Write the documented plan-import template workbook into ``target``."""
    import xlsxwriter

    from .choices import STATUS_STYLE, Status

    workbook = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    header = workbook.add_format({"bold": True, "bg_color": "#e8e8e8", "bottom": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    bold = workbook.add_format({"bold": True})
    plan = workbook.add_worksheet("Plan")
    for index, (name, width, _help) in enumerate(TEMPLATE_COLUMNS):
        plan.set_column(index, index, width)
        plan.write_string(0, index, name, header)
    plan.freeze_panes(1, 0)
    examples = [
        (
            "More Trust",
            "1. Engage with communities with lower trust",
            "Quarterly ward panel meetings in each sector",
            "Supt Example and Comms Team",
            "Police local engagement & fair treatment",
            "Green",
            dt.date(2026, 3, 31),
            "No",
            "",
        ),
        (
            "More Trust",
            "1. Engage with communities with lower trust",
            "Publish stop and search data with commentary",
            "CI Example",
            "accountability; information-provision",
            "amber",
            None,
            "No",
            "Data sharing agreement awaited from the council.",
        ),
    ]
    for r, values in enumerate(examples, start=1):
        for c, value in enumerate(values):
            if isinstance(value, dt.date):
                plan.write_datetime(r, c, value, date)
            elif value:
                plan.write_string(r, c, value, wrap if c in (1, 2, 8) else None)
    for status in Status:
        style = STATUS_STYLE[status]
        fmt = workbook.add_format({"bg_color": style["bg"], "font_color": style["fg"], "bold": True})
        plan.conditional_format(
            1,
            5,
            MAX_ROWS,
            5,
            {"type": "text", "criteria": "begins with", "value": status.label, "format": fmt},
        )
    plan.data_validation(1, 7, MAX_ROWS, 7, {"validate": "list", "source": ["Yes", "No"]})
    plan.autofilter(0, 0, len(examples), len(TEMPLATE_COLUMNS) - 1)

    notes = workbook.add_worksheet("Instructions")
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 100, wrap)
    lines = [
        (
            "How to use",
            "Replace the two example rows on the Plan sheet with your plan, one row per action. Upload "
            "it on your borough's Import page (or run manage.py import_plan). You will see a preview of "
            "what will be created, changed and left alone before anything is saved.",
        ),
        (
            "All or nothing",
            "If any row has a problem, nothing is imported and you get a list of every problem with its "
            "sheet, row and column.",
        ),
        (
            "Re-importing",
            "Importing the same workbook again updates the plan in place: actions are matched by their "
            "text within their objective. A changed RAG becomes a status update by you; actions missing "
            "from the workbook are left alone, never deleted.",
        ),
        (
            "Other layouts",
            "Pillars and objectives may be heading rows instead of columns ('More Trust' on a row of "
            "its own, then '1. Engage with communities…'). Blank cells under a merged Pillar or "
            "Objective cell take the value above. Column headings are recognised in common wordings "
            "(Action owner, RAG Rating, Status …).",
        ),
        (
            "Limits",
            f"Excel .xlsx only, at most {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows. "
            "Formulas are not evaluated: paste values instead.",
        ),
    ]
    lines += [(name, text) for name, _w, text in TEMPLATE_COLUMNS]
    for r, (name, text) in enumerate(lines):
        notes.write_string(r, 0, name, bold)
        notes.write_string(r, 1, text, wrap)

    reference = workbook.add_worksheet("Reference")
    for index, (name, width) in enumerate([("Kind", 12), ("Name", 50), ("Slug", 30), ("Framework", 50)]):
        reference.set_column(index, index, width)
        reference.write_string(0, index, name, header)
    r = 1
    for pillar in Pillar.objects.order_by("order"):
        for c, value in enumerate(("Pillar", pillar.name, pillar.slug, "")):
            reference.write_string(r, c, value)
        r += 1
    for driver in Driver.objects.select_related("framework"):
        for c, value in enumerate(("Driver", driver.name, driver.slug, driver.framework.name)):
            reference.write_string(r, c, value)
        r += 1
    for word in ("Red", "Amber", "Green", "Complete", "Not rated (blank)"):
        reference.write_string(r, 0, "RAG")
        reference.write_string(r, 1, word)
        r += 1
    reference.freeze_panes(1, 0)
    mark_workbook(workbook)
    workbook.close()
