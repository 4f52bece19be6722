"""Counting actions in SQL: Counts per status, stale, overdue and last review, grouped by any key.

Every figure is counted with ``values().annotate(Count(..., filter=Q(...)))`` over an
``ActionFilterSet(...).qs`` (already scoped and annotated with the effective status, now or as at
a date), so the number of queries does not grow with boroughs, actions or status updates.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max

from ..choices import STATUS_ORDER, Status
from ..models import Plan
from ..querysets import overdue_condition, stale_condition

STATUSES = [s.value for s in STATUS_ORDER]
ON_TRACK = {Status.GREEN.value, Status.COMPLETE.value}


@dataclass
class Counts:
    """How a set of actions stands: totals per status, stale, overdue, last review."""

    total: int = 0
    red: int = 0
    amber: int = 0
    green: int = 0
    not_rated: int = 0
    complete: int = 0
    stale: int = 0
    overdue: int = 0
    last_review: dt.datetime | None = None

    def count(self, status):
        return getattr(self, Status(status).value)

    def share(self, status):
        """Percentage of the total, rounded; 0 when there are no actions."""
        return round(100 * self.count(status) / self.total) if self.total else 0

    @property
    def on_track(self):
        return self.green + self.complete

    def add(self, other):
        for name in FIELDS[:-1]:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_review and (self.last_review is None or other.last_review > self.last_review):
            self.last_review = other.last_review
        return self

    def statuses(self):
        """[(Status, count, share)] in dashboard order."""
        return [(s, self.count(s), self.share(s)) for s in STATUS_ORDER]


FIELDS = [
    "total",
    "red",
    "amber",
    "green",
    "not_rated",
    "complete",
    "stale",
    "overdue",
    "last_review",
]


def review_intervals():
    """The review intervals plans use (a handful of values): one small query."""
    return sorted(set(Plan.objects.order_by().values_list("review_interval_days", flat=True).distinct()))


def state_annotations(*, now, today, intervals):
    return {
        "stale": Count("pk", filter=stale_condition(now, intervals), distinct=True),
        "overdue": Count("pk", filter=overdue_condition(today), distinct=True),
        "last_review": Max("eff_reviewed_at"),
    }


def _key_of(row, keys):
    return row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)


def group_counts(qs, keys, *, now, today, intervals, statuses_only=False):
    """{key (or tuple of keys): Counts} for an annotated action queryset.

    Two queries: counts per status grouped by the keys and the status (the status expression,
    a subquery when as at a date, is evaluated once per row), then stale, overdue and the last
    review per key (skipped with ``statuses_only``).
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    qs = qs.order_by()
    result = defaultdict(Counts)
    for row in qs.values(*keys, "eff_status").annotate(n=Count("pk", distinct=True)):
        counts = result[_key_of(row, keys)]
        setattr(counts, row["eff_status"], row["n"])
        counts.total += row["n"]
    if not statuses_only:
        state = state_annotations(now=now, today=today, intervals=intervals)
        for row in qs.values(*keys).annotate(**state):
            counts = result[_key_of(row, keys)]
            counts.stale, counts.overdue, counts.last_review = (
                row["stale"],
                row["overdue"],
                row["last_review"],
            )
    return dict(result)


def total_counts(qs, *, now, today, intervals):
    """Counts over the whole queryset, in two queries."""
    counts = Counts()
    for row in qs.order_by().values("eff_status").annotate(n=Count("pk", distinct=True)):
        setattr(counts, row["eff_status"], row["n"])
        counts.total += row["n"]
    row = qs.order_by().aggregate(**state_annotations(now=now, today=today, intervals=intervals))
    counts.stale, counts.overdue, counts.last_review = row["stale"], row["overdue"], row["last_review"]
    return counts


def statuses_by_action(qs, *extra):
    """{action id: (effective status, *extra values)} in one query."""
    return {row[0]: row[1:] for row in qs.order_by().values_list("pk", "eff_status", *extra).distinct()}
