"""The Status history sheet: every StatusUpdate of the exported actions, and of the retired actions
the same filters select (the largest sheet).

Querysets are read with ``values_list`` in chunks: no per-row queries.
"""

import datetime as dt

from django.db import connections
from django.utils import timezone

from ..models import StatusUpdate
from ..querysets import end_of_day
from .sheet import CHUNK, RAG_LABELS, Column, safe_text

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
    qs = StatusUpdate.objects.filter(action__in=ctx.history_action_ids)
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
