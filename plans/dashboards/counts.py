"""Counting actions in SQL: Counts per status, stale, overdue and last review, grouped by any key.

Every figure is counted with ``values().annotate(Count(..., filter=Q(...)))`` over an
``ActionFilterSet(...).qs`` (already scoped and annotated with the effective status, now or as at
a date), so the number of queries does not grow with boroughs, actions or status updates.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Subquery
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from ..choices import STATUS_ORDER, Status
from ..models import Plan
from ..querysets import overdue_condition, stale_condition

STATUSES = [s.value for s in STATUS_ORDER]
BY_BOROUGH = "objective__plan__borough"  # an action's borough, the key of counts by borough
_STATUS_NAMES = {**{s: s.value for s in STATUS_ORDER}, **{s.value: s.value for s in STATUS_ORDER}}
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
    escalated: int = 0  # stale for two review intervals or more
    last_review: dt.datetime | None = None

    def count(self, status):
        """The number of actions with ``status`` (a Status or its value, e.g. "red")."""
        name = _STATUS_NAMES.get(status)
        return getattr(self, name if name is not None else Status(status).value)

    def share(self, status):
        """Percentage of the total, rounded; 0 when there are no actions."""
        return round(100 * self.count(status) / self.total) if self.total else 0

    @property
    def on_track(self):
        return self.green + self.complete

    def add(self, other):
        """Add ``other``'s figures to these (the later last review kept); returns self."""
        self.total += other.total
        self.red += other.red
        self.amber += other.amber
        self.green += other.green
        self.not_rated += other.not_rated
        self.complete += other.complete
        self.stale += other.stale
        self.overdue += other.overdue
        self.escalated += other.escalated
        if other.last_review and (self.last_review is None or other.last_review > self.last_review):
            self.last_review = other.last_review
        return self

    def by_status(self):
        """{Status: count} of the statuses with any action, in dashboard order."""
        pairs = (
            (Status.RED, self.red),
            (Status.AMBER, self.amber),
            (Status.GREEN, self.green),
            (Status.NOT_RATED, self.not_rated),
            (Status.COMPLETE, self.complete),
        )
        return {status: n for status, n in pairs if n}

    def statuses(self):
        """[(Status, count, share)] in dashboard order."""
        return [(s, self.count(s), self.share(s)) for s in STATUS_ORDER]


def review_intervals():
    """The review intervals plans use (a handful of values): one small query."""
    return sorted(set(Plan.objects.order_by().values_list("review_interval_days", flat=True).distinct()))


def state_annotations(*, now, today, intervals, distinct=True):
    """Stale, overdue, escalated (counts of actions) and the last review as aggregates;
    ``distinct``: see ``_repeats``."""
    return {
        "stale": Count("pk", filter=stale_condition(now, intervals), distinct=distinct),
        "overdue": Count("pk", filter=overdue_condition(today), distinct=distinct),
        "escalated": Count("pk", filter=stale_condition(now, intervals, 2), distinct=distinct),
        "last_review": Max("eff_reviewed_at"),
    }


def _repeats(qs):
    """True when an action may be more than one row of ``qs`` within a group: the queryset is
    DISTINCT, as the FilterSet makes it for a filter on a many-valued relation (owners, drivers).
    Then the counts count distinct actions; otherwise each action is one row of its group (the
    keys are the action's own, or one row per driver when grouped by driver), and a plain count
    gives the same figure without sorting every group."""
    return bool(qs.query.distinct)


def _key_of(row, keys):
    return row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)


def _from_history(qs):
    """True when the queryset's ``eff_status`` is rebuilt from the history (a subquery per action:
    the as-at rule), False when it is a CASE on columns (today's status, or the statuses kept at a
    quarter's end)."""
    return isinstance(qs.query.annotations.get("eff_status"), Subquery)


def _status_annotations(distinct=True):
    return {status: Count("pk", filter=Q(eff_status=status), distinct=distinct) for status in STATUSES}


def group_counts(qs, keys, *, now, today, intervals, statuses_only=False):
    """{key (or tuple of keys): Counts} for an annotated action queryset.

    Today's status (a CASE on columns): one query, a conditional count per status beside stale,
    overdue and the last review. As at a date (the status a subquery per action): the counts per
    status grouped by the keys and the status, so that the subquery is evaluated once per row,
    then stale, overdue and the last review per key (skipped with ``statuses_only``).
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    qs = qs.order_by()
    distinct = _repeats(qs)
    state = (
        {}
        if statuses_only
        else state_annotations(now=now, today=today, intervals=intervals, distinct=distinct)
    )
    result = defaultdict(Counts)
    if not _from_history(qs):
        for row in _raw_rows(qs.values(*keys).annotate(**_status_annotations(distinct), **state)):
            result[_key_of(row, keys)] = _counts_of(row, statuses_only=statuses_only)
        return dict(result)
    for row in qs.values(*keys, "eff_status").annotate(n=Count("pk", distinct=distinct)):
        counts = result[_key_of(row, keys)]
        setattr(counts, row["eff_status"], row["n"])
        counts.total += row["n"]
    if state:
        for row in qs.values(*keys).annotate(**state):
            counts = result[_key_of(row, keys)]
            _set_state(counts, row)
    return dict(result)


def _raw_rows(qs):
    """The rows of a ``values().annotate()`` queryset as dicts, as the database gives them: the
    keys (ids) and counts are integers on every engine, so the ORM's conversion of each value of
    each row (thousands of rows at national scale) is skipped; the last review, the one value
    that needs it, is converted by ``_set_state``."""
    compiler = qs.query.get_compiler(using=qs.db)
    chunks = compiler.execute_sql(MULTI)
    names = [alias for _, _, alias in compiler.select]
    return [dict(zip(names, row, strict=True)) for chunk in chunks for row in chunk]


def _aware(value):
    """A datetime as the database gave it (SQLite: text in UTC, as Django writes it), aware."""
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _counts_of(row, *, statuses_only):
    """Counts from one row of conditional counts (``_status_annotations`` and ``state_annotations``)."""
    red, amber, green = row["red"], row["amber"], row["green"]
    not_rated, complete = row["not_rated"], row["complete"]
    counts = Counts(red + amber + green + not_rated + complete, red, amber, green, not_rated, complete)
    if not statuses_only:
        _set_state(counts, row)
    return counts


def _set_state(counts, row):
    """Stale, overdue, escalated and the last review from a row of ``state_annotations``."""
    counts.stale, counts.overdue, counts.escalated = row["stale"], row["overdue"], row["escalated"]
    counts.last_review = _aware(row["last_review"])


def roll_up(by_keys, index):
    """{key: Counts} summed from ``by_keys`` ({tuple of keys: Counts}, a partition of the actions,
    e.g. by borough and pillar: each action in one borough and one pillar) on its ``index``-th key."""
    totals = defaultdict(Counts)
    for keys, counts in by_keys.items():
        totals[keys[index]].add(counts)
    return dict(totals)


def total_counts(qs, *, now, today, intervals):
    """Counts over the whole queryset: one query today, two as at a date."""
    qs = qs.order_by()
    distinct = _repeats(qs)
    state = state_annotations(now=now, today=today, intervals=intervals, distinct=distinct)
    if not _from_history(qs):
        return _counts_of(qs.aggregate(**_status_annotations(distinct), **state), statuses_only=False)
    counts = Counts()
    for row in qs.values("eff_status").annotate(n=Count("pk", distinct=distinct)):
        setattr(counts, row["eff_status"], row["n"])
        counts.total += row["n"]
    _set_state(counts, qs.aggregate(**state))
    return counts


def statuses_by_action(qs, *extra):
    """{action id: (effective status, *extra values)} in one query."""
    return {row[0]: row[1:] for row in qs.order_by().values_list("pk", "eff_status", *extra).distinct()}
