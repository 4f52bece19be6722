"""Quarter-end snapshots: every action's status at the end of a closed quarter, kept.

The oversight dashboard compares today with the end of the last closed quarter. Rebuilding every
action's status then from the history (``ActionQuerySet.with_status(quarter_end)``: a subquery per
action) grows with the history; the statuses at a closed quarter's end change only when an update
dated before that end is written later (an import or seed writing back-dated history). So they
are kept (``QuarterEndStatus``, one row per action with a status by then) the first time a page
needs them, or by ``manage.py quarter_snapshots``, and read with a join
(``ActionQuerySet.with_quarter_snapshot``): the same figures as the history rule, whatever the
filters.

*Stale*: the ``QuarterEndSnapshot`` row keeps the highest ``StatusUpdate`` id when it was built;
history is append-only (``StatusUpdate`` refuses changes and deletes, and an action with history
cannot be deleted), so the kept rows are exact until an update with a higher id is dated before
the quarter's end, whichever way it was written (a service, a bulk insert, raw SQL). That check is
two small indexed queries (the newest update id, the updates written since); a stale snapshot is
rebuilt in one statement.
Retirements need nothing: the join keeps ``live(at)`` on the action's own ``retired_at``.
"""

import datetime as dt
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Action, PlanChange, QuarterEndSnapshot, QuarterEndStatus, StatusUpdate
from .quarters import Quarter
from .querysets import end_of_day

__all__ = ["build_snapshot", "closed_quarter_end", "current_snapshot", "kept_figures", "quarter_snapshot"]


def closed_quarter_end(quarter: Quarter, today: dt.date) -> dt.date | None:
    """The quarter's last day if the quarter has closed by ``today`` (a local date), else None."""
    return quarter.end if quarter.end < today else None


def quarter_snapshot(quarter: Quarter, *, today: dt.date | None = None) -> dt.date | None:
    """The last day of ``quarter`` when its quarter-end statuses are kept and current, else None:
    ``current_snapshot``'s day."""
    snapshot = current_snapshot(quarter, today=today)
    return None if snapshot is None else snapshot.quarter_end


def current_snapshot(quarter: Quarter, *, today: dt.date | None = None) -> QuarterEndSnapshot | None:
    """The ``QuarterEndSnapshot`` of ``quarter`` when its quarter-end statuses are kept and
    current (with ``newest_change``, the id of the latest ``PlanChange`` now), else None
    (the quarter has not closed, or the build lost a race): then the caller uses the history
    rule. Only the last quarter ended by ``today`` (default: today, local) is built or rebuilt
    here when needed (the quarter every page compares with); an older quarter is read from its
    kept statuses when they are current (``manage.py quarter_snapshots`` keeps them), never built
    by a page. Two queries when current (the kept snapshot with the newest update id, then the
    updates written since it); a few more to (re)build."""
    today = today or timezone.localdate()
    day = closed_quarter_end(quarter, today)
    if day is None:
        return None
    kept = _with_newest(QuarterEndSnapshot.objects.filter(quarter_end=day)).first()
    if kept is not None and not _written_before(day, since=kept.last_update_id, newest=kept.newest):
        return kept
    if quarter != Quarter.containing(today).previous() or not build_snapshot(day):
        return None
    return _with_newest(QuarterEndSnapshot.objects.filter(quarter_end=day)).first()


def _with_newest(snapshots):
    """``snapshots`` with ``newest`` (the highest StatusUpdate id now) and ``newest_change`` (the
    highest PlanChange id now, 0 with none), read in the same query (the primary keys' last entries)."""
    newest = StatusUpdate.objects.order_by("-pk").values("pk")[:1]
    change = PlanChange.objects.order_by("-pk").values("pk")[:1]
    return snapshots.annotate(newest=Subquery(newest), newest_change=Coalesce(Subquery(change), 0))


# Figures counted from a kept snapshot, kept in the process: {key: value}, a few at most.
_figures_lock = threading.Lock()
_figures = {}
KEPT_FIGURES = 8


def kept_figures(snapshot: QuarterEndSnapshot, name: str, count):
    """What ``count()`` gives from the statuses of ``snapshot`` (a ``current_snapshot``), counted
    once per process and kept while the snapshot is current: e.g. the oversight page's unfiltered
    counts by borough at the last quarter's end, which then take no query.

    The statuses kept at a closed quarter's end change only with a rebuild (a new snapshot row,
    a new key); what else such a count reads, the plan an action sits in, changes only by a plan
    edit, which every way of editing records as a ``PlanChange`` (part of the key). ``name`` names
    the figures and whatever else they depend on (the caller puts its scope in it). The value is
    shared: callers must not change it. Nothing is kept when ``REFERENCE_TABLES_SECONDS`` is 0
    (the test suite, whose rolled-back rows' ids repeat)."""
    if settings.REFERENCE_TABLES_SECONDS <= 0:
        return count()
    key = (snapshot.pk, snapshot.last_update_id, snapshot.newest_change, name)
    with _figures_lock:
        if key in _figures:
            return _figures[key]
    value = count()
    with _figures_lock:
        while len(_figures) >= KEPT_FIGURES:
            _figures.pop(next(iter(_figures)))
        _figures[key] = value
    return value


def forget_figures():
    """Drop the kept figures (the test suite: each test has its own data, and ids repeat)."""
    with _figures_lock:
        _figures.clear()


def _written_before(day, *, since, newest):
    """True when an update written after the one numbered ``since`` (up to ``newest``, the highest
    id now) is dated before the end of ``day``. One query, over those updates only (by the primary
    key: literal bounds let every engine use it; their date is wrapped so that none walks the
    history by its date index instead), run even when there are none so that a page's number
    of queries does not depend on what was written since."""
    upto = since if newest is None else newest
    dated = Coalesce("created_at", "created_at")
    written = StatusUpdate.objects.filter(pk__gt=since, pk__lte=upto).alias(dated=dated)
    return written.filter(dated__lt=end_of_day(day)).exists()


def build_snapshot(day: dt.date) -> bool:
    """(Re)write the statuses of every action at the end of ``day`` (a closed quarter's last day)
    from the history, in one transaction: the old rows, then one INSERT … SELECT of the history
    rule. False when another request was writing the same snapshot (nothing is changed then)."""
    source = (
        Action.objects.with_status(day, with_retired=True)
        .order_by()
        .values_list("pk", "eff_rag", "eff_completed", "eff_reviewed_at")
    )
    select, params = source.query.sql_with_params()
    table = connection.ops.quote_name(QuarterEndStatus._meta.db_table)
    # Names from the model, values as parameters (the compiled query's and the day).
    columns = "(action_id, rag, completed, reviewed_at, quarter_end)"
    insert = f"INSERT INTO {table} {columns} SELECT history.*, %s FROM ({select}) history"  # noqa: S608
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Ids are handed out before commit: wait for the writers of history in progress
                # (and hold new ones for the build) so that no update below ``last`` is unseen.
                history = connection.ops.quote_name(StatusUpdate._meta.db_table)
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {history} IN SHARE MODE")
            last = StatusUpdate.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            QuarterEndStatus.objects.filter(quarter_end=day).delete()
            QuarterEndSnapshot.objects.filter(quarter_end=day).delete()
            with connection.cursor() as cursor:
                cursor.execute(insert, (connection.ops.adapt_datefield_value(day), *params))
                if connection.vendor == "postgresql":  # a quarter's rows at once: plan the join with them
                    cursor.execute(f"ANALYZE {table}")
            QuarterEndSnapshot.objects.create(quarter_end=day, built_at=timezone.now(), last_update_id=last)
    except DatabaseError:  # another request built it at the same moment: use the history this time
        return False
    return True
