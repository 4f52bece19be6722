"""Multi-row INSERTs for the bulk writers (plan import), without a model instance per row.

``QuerySet.bulk_create`` builds a model instance for every row and prepares every value of
every row through the SQL compiler, one call chain per value. For an import of thousands of
actions (each with its history record, first status and links) that is most of the time. Here a
row is a dict of field attname → value. Each column's converter is chosen once per field:
Django's own ``get_db_prep_save`` for dates, times, decimals, JSON and the like, so values are
stored exactly as the ORM stores them; the value as it is for text, numbers, booleans and keys.
Rows go out as parameterised multi-row INSERTs (never formatted into the SQL), batched to the
backend's parameter limit, in the caller's transaction.

As with ``bulk_create``, no ``save()`` runs and no signal is sent: callers write the history
rows themselves (``history_rows``). The page cache sees these writes like any other
(plans/freshness.py watches every INSERT, UPDATE and DELETE).
"""

import enum

from django.db import connections, router
from django.utils import timezone

# Values of these field types go to the driver as they are (after unwrapping a choices enum).
AS_IS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "BooleanField",
    "FloatField",
    "ForeignKey",
    "OneToOneField",
}
MAX_ROWS_PER_STATEMENT = 500
_MISSING = object()
# Column types PostgreSQL takes as arrays in INSERT … SELECT * FROM UNNEST(…): one parameter per
# column whatever the number of rows, as Django's bulk_create does there (the driver would
# otherwise rewrite a statement of thousands of placeholders on every call).
UNNEST_TYPES = {"integer", "bigint", "smallint", "boolean", "text", "date", "timestamp with time zone"}


def _unwrap(value):
    return value.value if isinstance(value, enum.Enum) else value


def _prepared(field, connection):
    """Django's preparation of ``field``'s values, remembered per value: a bulk write repeats
    the same timestamp and dates on every row."""
    prepare = field.get_db_prep_save
    seen = {}

    def convert(value):
        key = (type(value), value)  # 1 and True are equal keys, but not the same JSON
        try:
            return seen[key]
        except KeyError:
            seen[key] = result = prepare(value, connection=connection)
            return result
        except TypeError:  # unhashable (JSON)
            return prepare(value, connection=connection)

    return convert


class _Column:
    __slots__ = ("field", "attname", "convert", "default")

    def __init__(self, field, connection):
        self.field = field
        self.attname = field.attname
        if field.get_internal_type() not in AS_IS:
            self.convert = _prepared(field, connection)
        elif field.choices:
            self.convert = _unwrap
        else:
            self.convert = None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            self.default = timezone.now
        elif field.has_default() and callable(field.default):
            self.default = field.default
        else:
            constant = field.get_default()
            self.default = lambda: constant


def _columns(model, connection, rows):
    """The model's columns to write: every concrete field, the auto primary key only if given."""
    given = set()
    for row in rows:
        given.update(row)
    fields = model._meta.concrete_fields
    unknown = given - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {', '.join(sorted(unknown))}")
    pk = model._meta.pk
    return [
        _Column(f, connection)
        for f in fields
        if not (f is pk and f.attname not in given and f.get_internal_type().endswith("AutoField"))
    ]


def _unnest_types(columns, connection):
    """The PostgreSQL type of each column when every one can be sent as an array, else None (and
    always None on other databases): then rows go as VALUES lists, MAX_ROWS_PER_STATEMENT at a
    time."""
    if connection.vendor != "postgresql":
        return None
    types = [column.field.db_type(connection) for column in columns]
    if all(kind in UNNEST_TYPES or (kind or "").startswith("varchar(") for kind in types):
        return types
    return None


def _row_params(rows, columns):
    """Every row's values in column order, one flat list; a value a row leaves out takes the
    column's default and is written back into the row dict."""
    params = []
    add = params.append
    spec = [(c.attname, c.convert, c.default) for c in columns]
    for row in rows:
        get = row.get
        for attname, convert, default in spec:
            value = get(attname, _MISSING)
            if value is _MISSING:
                value = row[attname] = default()
            add(value if convert is None else convert(value))
    return params


def _statements(connection, model, columns, params, count, *, returning):
    """(SQL, parameters) of each INSERT that writes ``count`` rows of ``params``: on PostgreSQL
    one ``INSERT … SELECT * FROM UNNEST`` of an array per column when every column allows it,
    else VALUES lists of at most MAX_ROWS_PER_STATEMENT rows (and the backend's batch size)."""
    quote = connection.ops.quote_name
    width = len(columns)
    names = ", ".join(quote(c.field.column) for c in columns)
    head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608 - names from the model, quoted
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    types = _unnest_types(columns, connection)
    if types is not None:
        arrays = ", ".join(f"%s::{kind}[]" for kind in types)  # types from the model's fields
        unnest = f"{head}SELECT * FROM UNNEST({arrays}){tail}"  # noqa: S608 - types from the model
        yield unnest, [params[i::width] for i in range(width)]
        return
    batch = connection.ops.bulk_batch_size([c.field for c in columns], [None] * count)
    per_statement = min(MAX_ROWS_PER_STATEMENT, max(1, batch))
    one = "(" + ", ".join(["%s"] * width) + ")"
    for start in range(0, count, per_statement):
        rows = min(per_statement, count - start)
        yield (
            head + "VALUES " + ", ".join([one] * rows) + tail,
            params[start * width : (start + rows) * width],
        )


def insert_rows(model, rows, *, returning=False, using=None):
    """Insert ``rows`` (dicts of attname → value) into ``model``'s table, in order.

    A field a row leaves out takes the field's default, as a new model instance would (now for
    ``auto_now``/``auto_now_add``); the row dicts are completed in place with those values, so a
    caller can copy them into history rows. With ``returning``, each row also gets its new primary
    key and the keys are returned in row order. Raises ValueError for a key that is no field.
    """
    rows = list(rows)
    if not rows:
        return []
    connection = connections[using or router.db_for_write(model)]
    columns = _columns(model, connection, rows)
    params = _row_params(rows, columns)
    keys = []
    with connection.cursor() as cursor:
        for sql, values in _statements(connection, model, columns, params, len(rows), returning=returning):
            cursor.execute(sql, values)
            if returning:
                keys.extend(key for (key,) in cursor.fetchall())
    if returning:
        if len(keys) != len(rows):
            raise RuntimeError(f"{model.__name__}: {len(rows)} rows written, {len(keys)} keys returned")
        for row, key in zip(rows, keys, strict=True):
            row[model._meta.pk.attname] = key
    return keys


def history_rows(model, rows, *, user, change_reason, date, history_type="+"):
    """django-simple-history's records of newly inserted ``rows`` (completed by ``insert_rows``
    with ``returning``), as ``bulk_history_create`` would make them; for ``insert_rows`` of
    ``model.history.model``."""
    history = model.history.model
    tracked = [f.attname for f in history.tracked_fields]
    user_id = getattr(user, "pk", None)
    return [
        {
            **{name: row[name] for name in tracked},
            "history_date": date,
            "history_user_id": user_id,
            "history_change_reason": change_reason,
            "history_type": history_type,
        }
        for row in rows
    ]
