"""Excel and CSV exports of actions, filtered by the one ActionFilterSet and scoped to the user.

The workbook is built by an ordered list of sheet writers (``SHEETS``); each takes the
``ExportContext`` and adds one worksheet. Another feature adds a sheet with one line::

    SHEETS.insert(SHEETS.index(write_about), write_driver_gaps)

Writer: XlsxWriter in ``constant_memory`` mode (rows are flushed to a temporary file as they are
written, so memory does not grow with the status history), through ``StreamingWorksheet``, which
escapes each distinct text once and lets the status history share its repeated texts (bounded).
It measured faster than openpyxl's write-only mode on a synthetic London (see ``bench/``).

Safety (formula injection): user text is only ever written with ``write_string`` (never
``write()``), text that a spreadsheet could take for a formula (starting with ``= + - @``, tab,
CR, LF or NUL) also gets Excel's quote prefix, control characters that are illegal in XML are
stripped, and in CSV such a field is prefixed with ``'``. Querysets are read with
``values_list(...).iterator(chunk_size=...)``: no per-row queries.
"""

import csv
import datetime as dt
import functools
import logging
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
import xlsxwriter.worksheet
from django.db import connections
from django.utils import timezone

from drivers.models import Driver

from .choices import STATUS_ORDER, STATUS_STYLE, Status
from .force import write_force_milestones, write_force_plan
from .marking import mark_workbook, protective_marking
from .models import Action, Plan, StatusUpdate
from .outcomes import write_driver_gaps, write_measures
from .querysets import end_of_day

security_log = logging.getLogger("trustplan.security")

CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SPOOL_BYTES = 8 * 1024 * 1024
EXCEL_CELL_LIMIT = 32767

RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
RAG_LABELS = {value: label for value, label in Status.choices}


@functools.lru_cache(maxsize=8192)
def safe_text(value):
    """(text, risky): text with illegal control characters removed and capped to one cell;
    ``risky`` when a spreadsheet could read it as a formula (decided before stripping)."""
    text = str(value)
    risky = text.startswith(RISKY_START)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text[:EXCEL_CELL_LIMIT], risky


def csv_text(value):
    """A CSV field that no spreadsheet will evaluate: risky text gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (dt.date, int, float)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    text, risky = safe_text(value)
    return "'" + text if risky else text


def local_naive(value):
    """Excel has no time zones: datetimes are written as London local time."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


# --- columns and sheets -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | wrap | int | number | percent | points | date | datetime | bool | rag
    width: float = 14


class Sheet:
    """One worksheet written row by row: typed cells, frozen header row, autofilter, widths."""

    def __init__(self, ctx, name, columns):
        self.ctx = ctx
        self.name = name
        self.columns = columns
        self.ws = ctx.workbook.add_worksheet(name)
        self.row = 1
        fmt = ctx.formats
        for index, column in enumerate(columns):
            self.ws.set_column(index, index, column.width)
            self.ws.write_string(0, index, column.header, fmt["header"])
        self.ws.freeze_panes(1, 0)
        self.cell_writers = [self._writer(column.kind) for column in columns]

    def _writer(self, kind):
        ws, fmt = self.ws, self.ctx.formats
        text_format = fmt["wrap"] if kind == "wrap" else None

        def text(r, c, v):
            value, risky = safe_text(v)
            ws.write_string(
                r, c, value, fmt["quoted_wrap" if kind == "wrap" else "quoted"] if risky else text_format
            )

        def rag(r, c, v):
            ws.write_string(r, c, RAG_LABELS.get(v, str(v)), fmt[f"rag_{v}"] if v in RAG_LABELS else None)

        return {
            "text": text,
            "wrap": text,
            "int": lambda r, c, v: ws.write_number(r, c, v),
            "number": lambda r, c, v: ws.write_number(r, c, float(v), fmt["number"]),
            # a share given in percent (48.3) is stored as Excel's percentage (0.483, shown 48.3%)
            "percent": lambda r, c, v: ws.write_number(r, c, float(Decimal(v) / 100), fmt["percent"]),
            "points": lambda r, c, v: ws.write_number(r, c, float(v), fmt["points"]),
            "date": lambda r, c, v: ws.write_datetime(r, c, v, fmt["date"]),
            "datetime": lambda r, c, v: ws.write_datetime(r, c, v, fmt["datetime"]),
            "bool": lambda r, c, v: ws.write_boolean(r, c, v),
            "rag": rag,
        }[kind]

    def writers_for(self, kinds):
        """Cell writers for other kinds than the columns' own (pass to ``write`` for one row)."""
        return [self._writer(kind) for kind in kinds]

    def write(self, values, writers=None):
        r = self.row
        for c, (write, value) in enumerate(zip(writers or self.cell_writers, values, strict=True)):
            if value is not None and value != "":
                write(r, c, value)
        self.row = r + 1

    def close(self):
        self.ws.autofilter(0, 0, max(self.row - 1, 0), len(self.columns) - 1)
        self.ctx.row_counts[self.name] = self.row - 1
        return self.row - 1


@dataclass
class ActionRow:
    id: int
    borough: str
    bcu: str
    pillar: str
    pillar_order: int
    objective: str
    text: str
    owners: str
    drivers: str
    rag: str
    status: str
    due: dt.date | None
    completed: bool
    stale: bool
    overdue: bool
    last_update: dt.datetime | None
    commentary: str


@dataclass
class ExportContext:
    """What every sheet writer gets: the filtered actions, who asked, and the workbook."""

    filterset: object
    user: object
    generated_at: dt.datetime = field(default_factory=timezone.now)
    workbook: object = None
    formats: dict = field(default_factory=dict)
    row_counts: dict = field(default_factory=dict)
    by: str = ""

    @property
    def as_at(self):
        return self.filterset.as_at_date

    @property
    def actions_qs(self):
        return self.filterset.qs

    def sheet(self, name, columns):
        return Sheet(self, name, columns)

    @functools.cached_property
    def action_ids(self):
        return self.actions_qs.order_by().values("pk")

    @functools.cached_property
    def actions(self):
        """The filtered actions as ActionRow, in plan order (bounded by plan size, not history)."""
        return list(iter_action_rows(self.filterset))


def _join_by_action(through, action_ids, label_field):
    grouped = defaultdict(list)
    rows = (
        through.objects.filter(action_id__in=action_ids)
        .order_by("action_id", "pk")
        .values_list("action_id", label_field)
        .iterator(chunk_size=CHUNK)
    )
    for action_id, label in rows:
        grouped[action_id].append(label)
    return {k: "; ".join(v) for k, v in grouped.items()}


def iter_action_rows(filterset):
    qs = filterset.qs
    as_at = filterset.as_at_date
    ref_time = filterset.reference_time
    ref_date = filterset.reference_date
    ids = qs.order_by().values("pk")
    owners = _join_by_action(Action.owners.through, ids, "owner__label")
    drivers = _join_by_action(Action.drivers.through, ids, "driver__name")
    rows = (
        qs.with_commentary(as_at)
        .in_plan_order()
        .values_list(
            "pk",
            "objective__plan__borough__name",
            "objective__plan__borough__bcu__name",
            "objective__pillar__name",
            "objective__pillar__order",
            "objective__number",
            "objective__title",
            "text",
            "eff_rag",
            "eff_status",
            "due_date",
            "eff_completed",
            "eff_reviewed_at",
            "eff_commentary",
            "objective__plan__review_interval_days",
        )
        .iterator(chunk_size=CHUNK)
    )
    for (
        pk,
        borough,
        bcu,
        pillar,
        pillar_order,
        number,
        title,
        text,
        rag,
        status,
        due,
        completed,
        reviewed,
        commentary,
        interval,
    ) in rows:
        stale = not completed and (reviewed is None or reviewed <= ref_time - dt.timedelta(days=interval))
        yield ActionRow(
            id=pk,
            borough=borough or "Force-wide",
            bcu=bcu or "",
            pillar=pillar or "",
            pillar_order=pillar_order or 0,
            objective=f"{number}. {title}",
            text=text,
            owners=owners.get(pk, ""),
            drivers=drivers.get(pk, ""),
            rag=rag,
            status=status,
            due=due,
            completed=bool(completed),
            stale=stale,
            overdue=bool(due and not completed and due < ref_date),
            last_update=local_naive(reviewed),
            commentary=commentary or "",
        )


# --- the sheets -------------------------------------------------------------------------------

ACTION_COLUMNS = [
    Column("Borough", width=18),
    Column("BCU", width=22),
    Column("Pillar", width=16),
    Column("Objective", "wrap", 40),
    Column("Action", "wrap", 60),
    Column("Owners", "wrap", 30),
    Column("Drivers", "wrap", 30),
    Column("RAG", "rag", 11),
    Column("Due", "date", 11),
    Column("Complete", "bool", 10),
    Column("Stale", "bool", 8),
    Column("Overdue", "bool", 9),
    Column("Last update", "datetime", 17),
    Column("Last commentary", "wrap", 60),
    Column("Action ID", "int", 10),
]


def action_values(row):
    return (
        row.borough,
        row.bcu,
        row.pillar,
        row.objective,
        row.text,
        row.owners,
        row.drivers,
        row.rag,
        row.due,
        row.completed,
        row.stale,
        row.overdue,
        row.last_update,
        row.commentary,
        row.id,
    )


def write_summary(ctx):
    """RAG counts by borough × pillar: a pandas pivot of the filtered actions."""
    import pandas as pd

    columns = [Column("Borough", width=22), Column("Pillar", width=18)]
    columns += [Column(s.label, "int", 11) for s in STATUS_ORDER] + [Column("Total", "int", 9)]
    sheet = ctx.sheet("Summary", columns)
    for index, status in enumerate(STATUS_ORDER, start=2):
        sheet.ws.write_string(0, index, status.label, ctx.formats[f"rag_{status.value}"])
    frame = pd.DataFrame(
        [(a.borough, a.pillar_order, a.pillar or "(no pillar)", a.status) for a in ctx.actions],
        columns=["borough", "order", "pillar", "status"],
    )
    if not frame.empty:
        pivot = frame.pivot_table(
            index=["borough", "order", "pillar"], columns="status", aggfunc="size", fill_value=0
        ).reindex(columns=[s.value for s in STATUS_ORDER], fill_value=0)
        for (borough, _order, pillar), counts in pivot.iterrows():
            values = [int(n) for n in counts.tolist()]
            sheet.write([borough, pillar, *values, sum(values)])
    return sheet.close()


def write_actions(ctx):
    """One row per action."""
    sheet = ctx.sheet("Actions", ACTION_COLUMNS)
    for row in ctx.actions:
        sheet.write(action_values(row))
    return sheet.close()


HISTORY_COLUMNS = [
    Column("Action ID", "int", 10),
    Column("Borough", width=18),
    Column("Pillar", width=16),
    Column("Objective", "int", 10),
    Column("Action", width=50),
    Column("When", "datetime", 17),
    Column("Who", width=20),
    Column("From", "rag", 11),
    Column("To", "rag", 11),
    Column("Complete", "bool", 10),
    Column("Commentary", width=60),
    Column("Source", width=14),
    Column("Version", "int", 9),
]
SOURCE_LABELS = dict(StatusUpdate._meta.get_field("source").choices)


def history_queryset(ctx):
    qs = StatusUpdate.objects.filter(action__in=ctx.action_ids)
    if ctx.as_at:
        qs = qs.filter(created_at__lt=end_of_day(ctx.as_at))
    return qs.order_by("action__objective__plan__borough__name", "action_id", "created_at", "version")


def raw_rows(values_queryset):
    """The rows of a ``values_list`` queryset as the database driver returns them, in chunks.

    For the largest sheet only: it skips the ORM's per-value converters (a third of the time
    spent outside the writer), so the caller takes the values as they come: text and numbers as
    they are, booleans as 0/1 on SQLite, datetimes through ``utc_value``.
    """
    sql, params = values_queryset.query.sql_with_params()
    with connections[values_queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk


def utc_value(value):
    """A DateTimeField's raw value as an aware UTC datetime: SQLite keeps naive UTC text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def write_status_history(ctx):
    """Every StatusUpdate of the exported actions (up to the as-at date when one is set).

    The largest sheet (a London's history is ~60,000 rows), so its loop calls the writer
    directly instead of going through ``Sheet.write``.
    """
    sheet = ctx.sheet("Status history", HISTORY_COLUMNS)
    rows = history_queryset(ctx).values_list(
        "action_id",
        "action__objective__plan__borough__name",
        "action__objective__pillar__name",
        "action__objective__number",
        "action__text",
        "created_at",
        "author_name",
        "from_rag",
        "to_rag",
        "to_completed",
        "commentary",
        "source",
        "version",
    )
    ws, fmt = sheet.ws, ctx.formats
    number, boolean, when, string = ws.write_number, ws.write_boolean, ws.write_datetime, ws.write_string
    shared = getattr(ws, "write_shared_string", string)  # text that may repeat down the sheet
    when_format, quoted = fmt["datetime"], fmt["quoted"]
    rag_cells = {value: (label, fmt[f"rag_{value}"]) for value, label in RAG_LABELS.items()}
    london = timezone.get_current_timezone()
    sources = SOURCE_LABELS

    def prepared(value):
        value, risky = safe_text(value)
        return value, quoted if risky else None

    # Borough, pillar, action and author repeat down the sheet: each column keeps its cells.
    boroughs, pillars, actions, authors = {None: prepared("Force-wide")}, {}, {}, {}
    source_cells = {raw: prepared(label) for raw, label in sources.items()}

    def cell(cache, value):
        cache[value] = found = prepared(value)
        return found

    r = 0
    for (
        aid,
        borough,
        pillar,
        objective,
        action,
        at,
        who,
        frm,
        to,
        done,
        note,
        source,
        version,
    ) in raw_rows(rows):
        r += 1
        number(r, 0, aid)
        shared(r, 1, *(boroughs.get(borough) or cell(boroughs, borough)))
        if pillar:
            shared(r, 2, *(pillars.get(pillar) or cell(pillars, pillar)))
        number(r, 3, objective)
        shared(r, 4, *(actions.get(action) or cell(actions, action)))
        when(r, 5, utc_value(at).astimezone(london).replace(tzinfo=None), when_format)
        if who:
            shared(r, 6, *(authors.get(who) or cell(authors, who)))
        if frm:
            shared(r, 7, *rag_cells[frm])
        shared(r, 8, *rag_cells[to])
        boolean(r, 9, bool(done))
        if note:
            shared(r, 10, *prepared(note))
        shared(r, 11, *(source_cells.get(source) or prepared(source)))
        number(r, 12, version)
    sheet.row = r + 1
    return sheet.close()


def write_driver_coverage(ctx):
    """Borough × driver: how many of the exported actions serve each driver."""
    drivers = list(Driver.objects.select_related("framework").order_by("framework__order", "order", "name"))
    counts = Counter(
        Action.drivers.through.objects.filter(action_id__in=ctx.action_ids)
        .values_list("action__objective__plan__borough__name", "driver_id")
        .iterator(chunk_size=CHUNK)
    )
    totals = Counter(a.borough for a in ctx.actions)
    columns = [Column("Borough", width=22), Column("Actions", "int", 9)]
    columns += [Column(d.name, "int", max(10, min(24, len(d.name) * 0.9))) for d in drivers]
    sheet = ctx.sheet("Driver coverage", columns)
    for borough in sorted(totals):
        sheet.write(
            [borough, totals[borough]]
            + [counts.get((None if borough == "Force-wide" else borough, d.pk), 0) for d in drivers]
        )
    if len(drivers):
        last = sheet.row - 1
        if last >= 1:
            sheet.ws.conditional_format(
                1,
                2,
                last,
                len(columns) - 1,
                {"type": "cell", "criteria": "==", "value": 0, "format": ctx.formats["gap"]},
            )
    return sheet.close()


def write_about(ctx):
    """What the workbook holds: filters, when, by whom, row counts."""
    sheet = ctx.sheet("About", [Column("Item", width=24), Column("Value", "wrap", 80)])
    sheet.write(["Protective marking", protective_marking()])
    sheet.write(["Export", "TrustPlan actions export"])
    sheet.write(["Generated at", timezone.localtime(ctx.generated_at).strftime("%Y-%m-%d %H:%M %Z")])
    sheet.write(["Generated by", ctx.by])
    sheet.write(["Status as at", f"end of {ctx.as_at:%Y-%m-%d}" if ctx.as_at else "now (latest status)"])
    applied = ctx.filterset.applied()
    if not applied:
        sheet.write(["Filters", "none: every action the user may read"])
    for label, value in applied:
        sheet.write([f"Filter: {label}", value])
    for name, count in ctx.row_counts.items():
        sheet.write([f"Rows: {name}", str(count)])
    sheet.write(
        ["Driver coverage", "A shaded 0 is a driver that none of the borough's exported actions serves."]
    )
    sheet.write(
        [
            "Measures",
            "Survey figures as on the borough dashboards: each borough's latest quarter, London's "
            "figure for that quarter, the change since the previous quarter, and the applicable "
            "target (the borough's own, else London's) with the value expected on the straight "
            "line from its baseline. % columns are percentages of respondents; (points) columns "
            "are differences in percentage points.",
        ]
    )
    if Plan.objects.filter(is_synthetic=True, objectives__actions__in=ctx.action_ids).exists():
        sheet.write(
            ["Note", "Some exported plans are synthetic: made-up demonstration data, not a real plan."]
        )
    sheet.write(["Handling", "Police performance data: official use only."])
    return sheet.close()


# Ordered: each writer adds one worksheet. Insert new sheets before write_about.
SHEETS = [write_summary, write_actions, write_status_history, write_driver_coverage, write_about]
SHEETS.insert(SHEETS.index(write_about), write_driver_gaps)
SHEETS.insert(SHEETS.index(write_driver_gaps) + 1, write_measures)  # beside the driver gaps
SHEETS[SHEETS.index(write_about) : SHEETS.index(write_about)] = [write_force_plan, write_force_milestones]


def _formats(workbook):
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#e8e8e8", "bottom": 1, "text_wrap": True}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "quoted": workbook.add_format({"quote_prefix": True}),
        "quoted_wrap": workbook.add_format({"quote_prefix": True, "text_wrap": True, "valign": "top"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "number": workbook.add_format({"num_format": "0.0#"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "points": workbook.add_format({"num_format": "+0.0;-0.0;0.0"}),
        "gap": workbook.add_format({"bg_color": "#fde2c4", "font_color": "#7a3b00"}),
    }
    for status in Status:
        style = STATUS_STYLE[status]
        formats[f"rag_{status.value}"] = workbook.add_format(
            {"bg_color": style["bg"], "font_color": style["fg"], "bold": True}
        )
    return formats


def user_label(user):
    if user is None or not getattr(user, "pk", None):
        return "manage.py (administrator scope)"
    full = user.get_full_name()
    return f"{user.get_username()} ({full})" if full else user.get_username()


class SharedIndex(str):
    """A string cell's number in the workbook's shared strings, where XlsxWriter expects text."""


class StreamingWorksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's constant-memory worksheet, with the costs of its inner loop cut down.

    In constant-memory mode every string cell is written inline and escaped (control
    characters, then XML) each time, yet a status history repeats its boroughs, pillars, action
    texts and authors on every row: the escaped form of up to ``REMEMBER`` distinct strings is
    kept (memory stays bounded whatever the number of rows). Cell attributes (a cell reference
    such as ``B7`` and a style number) need no escaping. Row data goes to a write-only temporary
    file: XlsxWriter's read-write one resets a text decoder on every write. Written with
    ``write_string``, the XML is XlsxWriter's own byte for byte (``tests/test_exports.py``
    compares them); ``write_shared_string`` also stores repeated texts once, as XlsxWriter does
    outside constant-memory mode.
    """

    REMEMBER = 20_000
    SHARE_AT_MOST = 50_000

    def __init__(self):
        super().__init__()
        self._controls = {}
        self._escaped = {}

    def _initialize(self, init_data):
        super()._initialize(init_data)
        if self.constant_memory:
            self.row_data_fh.close()
            self.row_data_fh = self.fh = open(self.row_data_filename, "w", encoding="utf-8")  # noqa: SIM115

    def _opt_reopen(self):
        # Before the sheet is assembled: the row data is read back, so reopen it readable.
        if self.constant_memory and not self.row_data_fh_closed and not self.row_data_fh.readable():
            self.row_data_fh.close()
            self.row_data_fh_closed = True
        super()._opt_reopen()

    def write_shared_string(self, row, col, string, cell_format=None):
        """``write_string`` for text that may repeat down the sheet: stored once in the
        workbook's shared strings (as XlsxWriter does outside constant-memory mode) and referred
        to by each cell. Once ``SHARE_AT_MOST`` distinct texts are shared, a new text is written
        inline, so memory stays bounded whatever the number of rows."""
        table = self.str_table
        if not self.constant_memory or (
            table.unique_count >= self.SHARE_AT_MOST and string not in table.string_table
        ):
            return self._write_string(row, col, string, cell_format)
        string = string[: self.xls_strmax]
        return self._write_string(row, col, SharedIndex(table._get_shared_string_index(string)), cell_format)

    def _escape_control_characters(self, data):
        if type(data) is SharedIndex:
            return data
        return self._remembered(self._controls, data, super()._escape_control_characters)

    def _escape_data(self, data):
        return self._remembered(self._escaped, data, super()._escape_data)

    def _remembered(self, cache, data, escape):
        found = cache.get(data)
        if found is None:
            found = escape(data)
            if len(cache) < self.REMEMBER:
                cache[data] = found
        return found

    def _cell_attributes(self, attributes):
        return "".join(
            f' {key}="{value}"'
            if key == "r" or type(value) is int
            else f' {key}="{self._escape_attributes(value)}"'
            for key, value in attributes
        )

    def _xml_number_element(self, number, attributes=()):
        self.fh.write(f"<c{self._cell_attributes(attributes)}><v>{number:.16G}</v></c>")

    def _xml_inline_string(self, string, preserve, attributes=()):
        if type(string) is SharedIndex:
            self.fh.write(f'<c{self._cell_attributes(attributes)} t="s"><v>{string}</v></c>')
            return
        space = ' xml:space="preserve"' if preserve else ""
        text = self._escape_data(string)
        self.fh.write(
            f'<c{self._cell_attributes(attributes)} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        )


def write_workbook(ctx, target, sheets=None):
    """Write the workbook into ``target`` (a path or a seekable binary file)."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    workbook.worksheet_class = StreamingWorksheet
    ctx.workbook = workbook
    ctx.formats = _formats(workbook)
    ctx.by = ctx.by or user_label(ctx.user)
    workbook.set_properties(
        {"title": "TrustPlan actions export", "company": "TrustPlan", "comments": protective_marking()}
    )
    for writer in sheets or SHEETS:
        writer(ctx)
    mark_workbook(workbook)
    workbook.close()
    return ctx.row_counts


def export_xlsx_file(ctx):
    """The workbook in a spooled temporary file (in memory up to 8 MB), rewound for reading."""
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by the response)
    write_workbook(ctx, handle)
    handle.seek(0)
    return handle


class _Echo:
    def write(self, value):
        return value


def iter_csv(ctx):
    """The Actions sheet as CSV lines (UTF-8 with a BOM so Excel reads the accents)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([c.header for c in ACTION_COLUMNS])
    count = 0
    for row in iter_action_rows(ctx.filterset):
        values = list(action_values(row))
        values[7] = RAG_LABELS.get(row.rag, row.rag)
        yield writer.writerow([csv_text(v) for v in values])
        count += 1
    ctx.row_counts["Actions"] = count
    log_export(ctx, "csv")


def export_filename(ctx, extension):
    stamp = timezone.localtime(ctx.generated_at).strftime("%Y%m%d-%H%M")
    suffix = f"-as-at-{ctx.as_at:%Y%m%d}" if ctx.as_at else ""
    return f"{protective_marking().replace(' ', '-')}-trustplan-actions-{stamp}{suffix}.{extension}"


def log_export(ctx, fmt):
    filters = "; ".join(f"{label}={value}" for label, value in ctx.filterset.applied()) or "none"
    counts = ", ".join(f"{name}={count}" for name, count in ctx.row_counts.items())
    security_log.info(
        "export: user=%s format=%s filters=[%s] rows=[%s]",
        ctx.by or user_label(ctx.user),
        fmt,
        filters,
        counts,
    )
