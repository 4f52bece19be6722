"""The Status history sheet: every StatusUpdate of the exported actions, and of the retired actions
the same filters select (the largest sheet).

Querysets are read with ``values_list`` in chunks: no per-row queries.
"""

import datetime as dt

from django.db import connections
from django.utils import timezone

from ..models import Action, StatusUpdate
from ..querysets import end_of_day
from .sheet import CHUNK, RAG_LABELS, Column, objective_label, safe_text

HISTORY_COLUMNS = [
    Column("Action ID", "int", 10),
    Column("Borough", width=18),
    Column("Pillar", width=16),
    Column("Objective", width=40),
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
    qs = StatusUpdate.objects.filter(action__in=ctx.history_action_ids)
    if ctx.as_at:
        qs = qs.filter(created_at__lt=end_of_day(ctx.as_at))
    return qs.order_by("action__objective__plan__borough__name", "action_id", "created_at", "version")


def raw_rows(values_queryset):
    """The rows of a ``values_list`` queryset as the database driver returns them, in chunks.

    For the largest sheet only: it skips the ORM's per-value converters (a third of the time
    spent outside the writer), so the caller takes the values as they come: text and numbers as
    they are, booleans as 0/1 on SQLite, datetimes through ``utc_value``. Read through Django's
    chunked cursor (on PostgreSQL a server-side cursor, as ``QuerySet.iterator`` uses: the driver
    would otherwise hold every row of the result in memory at once), whose timestamps psycopg's
    own loader reads (``_driver_timestamps``).
    """
    sql, params = values_queryset.query.sql_with_params()
    connection = connections[values_queryset.db]
    with connection.chunked_cursor() as cursor:
        if connection.vendor == "postgresql":
            _driver_timestamps(cursor.cursor)
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk


def _driver_timestamps(cursor):
    """Let one psycopg cursor read ``timestamptz`` with psycopg's own loader (compiled, with
    psycopg[binary]) instead of Django's, which wraps psycopg's pure-Python one to set the zone:
    that took about a sixth of the export on PostgreSQL. The values come aware, in the
    connection's zone (Django sets UTC), which ``utc_value`` takes as they are."""
    import psycopg
    from psycopg.pq import Format

    oid = psycopg.postgres.types["timestamptz"].oid
    cursor.adapters.register_loader(oid, psycopg.adapters.get_loader(oid, Format.TEXT))


def utc_value(value):
    """A DateTimeField's raw value as an aware UTC datetime: SQLite keeps naive UTC text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# One row per update: its action's texts are read once per action (``ACTION_TEXT_FIELDS``).
HISTORY_FIELDS = (
    "action_id",
    "created_at",
    "author_name",
    "from_rag",
    "to_rag",
    "to_completed",
    "commentary",
    "source",
    "version",
)


ACTION_TEXT_FIELDS = (
    "pk",
    "objective__plan__borough__name",
    "objective__pillar__name",
    "objective__number",
    "objective__title",
    "text",
)


class HistoryRowWriter:
    """Writes one Status history row straight to the worksheet (the sheet's inner loop).

    Borough, pillar, objective and action are the same on every update of an action: they are
    prepared once per action (``add_action``) and each row finds them by its action's id. Those
    texts and the authors go to the workbook's shared strings where the worksheet offers them
    (``StreamingWorksheet.write_shared_string``). Times are written as London local time."""

    def __init__(self, sheet, formats):
        ws = sheet.ws
        self.number, self.boolean, self.when = ws.write_number, ws.write_boolean, ws.write_datetime
        self.shared = getattr(ws, "write_shared_string", ws.write_string)
        self.when_format, self.quoted = formats["datetime"], formats["quoted"]
        self.rag_cells = {value: (label, formats[f"rag_{value}"]) for value, label in RAG_LABELS.items()}
        self.london = timezone.get_current_timezone()
        self.boroughs = {None: self.prepared("Force-wide")}
        self.pillars, self.objectives, self.authors = {}, {}, {}
        self.action_cells = {}  # action id → (borough, pillar or None, objective, action) cells
        self.sources = {raw: self.prepared(label) for raw, label in SOURCE_LABELS.items()}

    def prepared(self, value):
        """(text, format) of a text cell: escaped, quoted when a spreadsheet could run it."""
        value, risky = safe_text(value)
        return value, self.quoted if risky else None

    def cell(self, cache, key, text=None):
        found = cache.get(key)
        if found is None:
            cache[key] = found = self.prepared(key if text is None else text)
        return found

    def read_action(self, aid):
        """The prepared cells of an action not read beforehand (one that joined the exported set
        while the sheet was written: a status update, an import), read now."""
        for row in Action.objects.filter(pk=aid).values_list(*ACTION_TEXT_FIELDS):
            self.add_action(row)
        return self.action_cells[aid]

    def add_action(self, row):
        """Prepare the cells of one action, a row of ``ACTION_TEXT_FIELDS``."""
        pk, borough, pillar, number, title, text = row
        self.action_cells[pk] = (
            self.cell(self.boroughs, borough),
            self.cell(self.pillars, pillar) if pillar else None,
            self.cell(self.objectives, (number, title), objective_label(number, title)),
            self.prepared(text),
        )

    def write(self, r, row):
        aid, at, who, frm, to, done, note, source, version = row
        shared = self.shared
        borough, pillar, objective, action = self.action_cells.get(aid) or self.read_action(aid)
        self.number(r, 0, aid)
        shared(r, 1, *borough)
        if pillar:
            shared(r, 2, *pillar)
        shared(r, 3, *objective)
        shared(r, 4, *action)
        self.when(r, 5, utc_value(at).astimezone(self.london).replace(tzinfo=None), self.when_format)
        if who:
            shared(r, 6, *self.cell(self.authors, who))
        if frm:
            shared(r, 7, *self.rag_cells[frm])
        shared(r, 8, *self.rag_cells[to])
        self.boolean(r, 9, bool(done))
        if note:
            shared(r, 10, *self.prepared(note))
        shared(r, 11, *(self.sources.get(source) or self.prepared(source)))
        self.number(r, 12, version)


def write_status_history(ctx):
    """Every StatusUpdate of the exported actions (up to the as-at date when one is set).

    The largest sheet (a London's history is ~60,000 rows), so each row goes to the writer
    directly (``HistoryRowWriter``) instead of through ``Sheet.write``; the texts of its actions
    (at most the plans' actions, retired ones included) are read first, in one query.
    """
    sheet = ctx.sheet("Status history", HISTORY_COLUMNS)
    writer = HistoryRowWriter(sheet, ctx.formats)
    actions = Action.objects.filter(pk__in=ctx.history_action_ids).order_by().values_list(*ACTION_TEXT_FIELDS)
    for row in actions.iterator(chunk_size=CHUNK):
        writer.add_action(row)
    r = 0
    for r, row in enumerate(raw_rows(history_queryset(ctx).values_list(*HISTORY_FIELDS)), start=1):  # noqa: B007
        writer.write(r, row)
    sheet.row = r + 1
    return sheet.close()
