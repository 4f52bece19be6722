"""The monthly trend: RAG counts at the end of each month, rebuilt from the status history.

The one place that reads the StatusUpdate table: one ordered query, folded in Python.
"""

import datetime as dt
import itertools
from collections import Counter

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


def monthly_trend(action_qs, *, end_day, months=TREND_MONTHS):
    """RAG counts at the end of each month, rebuilt from the status history.

    One query over the updates of the actions in ``action_qs`` (ordered by action and time),
    folded in Python: for each point, each action counts with its latest update before the end
    of that day. Actions with no update by then did not exist yet and are not counted.
    Returns [(date, Counter of status → count)].
    """
    days = month_ends(end_day, months)
    cutoffs = [end_of_day(day) for day in days]
    updates = (
        StatusUpdate.objects.filter(action__in=action_qs.order_by().values("pk"), created_at__lt=cutoffs[-1])
        .order_by("action_id", "created_at", "version")
        .values_list("action_id", "created_at", "to_rag", "to_completed")
    )
    counts = [Counter() for _ in days]
    for _, rows in itertools.groupby(updates.iterator(chunk_size=5000), key=lambda r: r[0]):
        rows = list(rows)
        index, state = 0, None
        for point, cutoff in enumerate(cutoffs):
            while index < len(rows) and rows[index][1] < cutoff:
                state = "complete" if rows[index][3] else rows[index][2]
                index += 1
            if state is not None:
                counts[point][state] += 1
    return list(zip(days, counts, strict=True))
