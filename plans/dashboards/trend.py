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
from django.db.models import Case, CharField, F, IntegerField, Value, When

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


def updates_by_point(action_qs, cutoffs):
    """(action id, index of the first cut-off the update came before, status) for each update of
    the actions in ``action_qs`` before the last cut-off, in order of action, time and version."""
    point = Case(
        *(When(created_at__lt=cutoff, then=Value(index)) for index, cutoff in enumerate(cutoffs)),
        output_field=IntegerField(),
    )
    status = Case(
        When(to_completed=True, then=Value("complete")), default=F("to_rag"), output_field=CharField()
    )
    updates = (
        StatusUpdate.objects.filter(action__in=action_qs.order_by().values("pk"), created_at__lt=cutoffs[-1])
        .order_by("action_id", "created_at", "version")
        .annotate(point=point, status=status)
        .values_list("action_id", "point", "status")
    )
    # Integers and strings as the database gives them: no per-row conversion through the ORM.
    try:
        sql, params = updates.query.get_compiler(using=updates.db).as_sql()
    except EmptyResultSet:  # no action at all
        return []
    with connections[updates.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def monthly_trend(action_qs, *, end_day, months=TREND_MONTHS):
    """RAG counts at the end of each month, rebuilt from the status history.

    For each point, each action in ``action_qs`` counts with its latest update before the end of
    that day (latest by time, then version). Actions with no update by then did not exist yet and
    are not counted. Returns [(date, Counter of status → count)].
    """
    days = month_ends(end_day, months)
    counts = [Counter() for _ in days]
    rows = updates_by_point(action_qs, [end_of_day(day) for day in days])
    # Each update holds from its point until the next update of the same action takes over.
    for (action, point, status), (following, until, _) in pairwise([*rows, (None, None, None)]):
        for held in range(point, until if following == action else len(days)):
            counts[held][status] += 1
    return list(zip(days, counts, strict=True))
