"""The monthly trend: RAG counts at the end of each month, rebuilt from the status history.

The one place that reads the StatusUpdate table for the trend: one ordered query in which the
database gives each update the index of the first point it came before (a CASE over the points'
cut-off instants) and its status ("complete" or the RAG), so that no date is read back; each
action's state is then carried forward in Python from point to point.
"""

import datetime as dt
from collections import Counter
from itertools import pairwise

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from ..models import StatusUpdate
from ..querysets import end_of_day

TREND_MONTHS = 12


def month_ends(end_day, months=TREND_MONTHS):
    """The last day of each of the ``months - 1`` months before ``end_day``'s month, then
    ``end_day`` itself: the points of a trend chart ending at the reference date."""
    points = []
    year, month = end_day.year, end_day.month
    for _ in range(months - 1):
        first = dt.date(year, month, 1)
        last_of_previous = first - dt.timedelta(days=1)
        points.append(last_of_previous)
        year, month = last_of_previous.year, last_of_previous.month
    return sorted(points) + [end_day]


def updates_by_point(actions, cutoffs):
    """(action id, index of the first cut-off the update came before, status) for each update of
    ``actions`` (an action queryset, or a list of action ids) before the last cut-off (aware
    datetimes, ascending), in order of action, time and version; status "complete" or the RAG.

    One statement written here from the model's names (the ORM's twelve-branch CASE cost more to
    build than to run): the database gives each row its point, so that no date is read back.
    The index ``update_action_time_idx`` (action, time, version, RAG, completion) answers it
    without reading the table."""
    db = StatusUpdate.objects.db
    connection = connections[db]
    if isinstance(actions, QuerySet):
        try:
            inner, inner_params = actions.order_by().values("pk").query.get_compiler(using=db).as_sql()
        except EmptyResultSet:  # no action at all
            return []
    else:
        if not actions:
            return []
        inner, inner_params = ", ".join(["%s"] * len(actions)), list(actions)
    ops = connection.ops
    meta = StatusUpdate._meta
    table = ops.quote_name(meta.db_table)
    action, created, version, rag, completed = (
        ops.quote_name(meta.get_field(name).column)
        for name in ("action", "created_at", "version", "to_rag", "to_completed")
    )
    bounds = [ops.adapt_datetimefield_value(cutoff) for cutoff in cutoffs]
    point = " ".join(f"WHEN {created} < %s THEN {index}" for index in range(len(bounds)))
    sql = (
        f"SELECT {action}, CASE {point} END, CASE WHEN {completed} THEN 'complete' ELSE {rag} END "  # noqa: S608
        f"FROM {table} WHERE {action} IN ({inner}) AND {created} < %s "
        f"ORDER BY {action}, {created}, {version}"
    )
    # Integers and strings as the database gives them: no per-row conversion through the ORM.
    with connection.cursor() as cursor:
        cursor.execute(sql, [*bounds, *inner_params, bounds[-1]])
        return cursor.fetchall()


def monthly_trend(actions, *, end_day, months=TREND_MONTHS):
    """RAG counts at the end of each month, rebuilt from the status history.

    For each point, each action in ``actions`` (a queryset, or a list of action ids) counts with
    its latest update before the end of that day (latest by time, then version). Actions with no
    update by then did not exist yet and are not counted. Returns [(date, Counter of status → count)].
    """
    days = month_ends(end_day, months)
    counts = [Counter() for _ in days]
    rows = updates_by_point(actions, [end_of_day(day) for day in days])
    # Each update holds from its point until the next update of the same action takes over.
    for (action, point, status), (following, until, _) in pairwise([*rows, (None, None, None)]):
        for held in range(point, until if following == action else len(days)):
            counts[held][status] += 1
    return list(zip(days, counts, strict=True))
