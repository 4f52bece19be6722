"""Reading survey figures in a fixed number of queries: series, current targets, recent readings."""

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from drivers.models import Measure

from ..models import MeasureReading, Target
from .targets import target_gap, trend

MPS_FRAMEWORK = "mps-confidence-model"


HEADLINE_MEASURES = ["good-job-local", "trust-mps"]


RECENT_DAYS = 400  # the latest and previous quarter of every measure lie within this window


@dataclass
class Known:
    """Reference rows the caller has read already (a dashboard reads each table once per page),
    so that the outcome panels do not read them again; None: read here.

    ``boroughs``: the real boroughs the user may read, with their BCU, by name; ``planned``: the
    ids of the boroughs with a plan; ``drivers``: the MPS confidence model's drivers in order, with
    their measures prefetched; ``measures``: every measure, by order and name; ``action_counts``:
    the actions of the user's scope serving each driver in each borough, by status (as at the
    page's day), when the caller has counted them."""

    boroughs: list | None = None
    planned: set | None = None
    drivers: list | None = None
    measures: list | None = None
    action_counts: dict | None = None  # {(borough_id, driver_id): {Status: n}} of the scope's actions
    action_lists: dict | None = None  # {(borough_id, driver_id): [(pk, text, Status)]} of the same
    weights: dict | None = None  # drivers.kept.driver_weights(), when the caller has them
    survey: "Survey | None" = None  # every reading and target, when the caller keeps them
    measure_gaps: dict | None = None  # kept MeasureGaps for ``survey`` (gaps.driver_gaps' measure_gaps)


NOTHING_KNOWN = Known()


def _series(readings):
    """{(measure_id, borough_id or None): [(period_end, value), …] oldest first}."""
    out = {}
    for measure_id, borough_id, period, value in readings:
        out.setdefault((measure_id, borough_id), []).append((period, Decimal(value)))
    for points in out.values():
        points.sort()
    return out


class Targets(dict):
    """{(measure_id, borough_id or None): the current Target}, and in ``expired`` the same keys
    to the latest target whose date has passed (history, never the live target)."""

    def __init__(self):
        super().__init__()
        self.expired = {}


def _current_targets(measure_ids, borough_ids, *, on=None):
    """The targets current on ``on`` (a date; today without): baseline date on or before that day
    and target date on or after it, the one with the latest target date per measure and borough;
    expired ones (target date before ``on``) apart in ``.expired``; not yet begun ones left out.
    One query. A target whose date has passed (e.g. London's 59.4 % by March 2012) is history."""
    rows = Target.objects.filter(measure_id__in=measure_ids).filter(
        Q(borough__isnull=True) | Q(borough_id__in=borough_ids)
    )
    return _sort_targets(rows.order_by("target_date", "pk"), on=on)


def _sort_targets(rows, *, on=None):
    """``Targets`` of ``rows`` (in target date, then id order) as at ``on`` (today without)."""
    on = on or timezone.localdate()
    out = Targets()
    for target in rows:
        key = (target.measure_id, target.borough_id)
        if target.target_date < on:
            out.expired[key] = target
        elif target.baseline_date <= on:
            out[key] = target
    return out


def expired_target(targets, measure_id, borough_id):
    """The latest expired target that would have applied (the borough's own, else London's), or None."""
    expired = getattr(targets, "expired", {})
    return expired.get((measure_id, borough_id)) or expired.get((measure_id, None))


def applicable_target(targets, measure_id, borough_id):
    """(target, is_london): the borough's own target, else London's."""
    own = targets.get((measure_id, borough_id))
    if own is not None:
        return own, False
    london = targets.get((measure_id, None))
    return london, london is not None


def _value_at(points, day):
    for period, value in reversed(points or []):
        if period == day:
            return value
    return None


def latest_figures(series, targets, measure_id, borough_id):
    """(figures, target) of a measure for a borough from ``series`` ({(measure_id, borough_id or
    None): [(period_end, value)] oldest first, percent}) and ``targets`` ({(measure_id,
    borough_id or None): Target}); no query. ``figures``: {points, london_points, latest,
    latest_date, previous, london_latest (London at the same quarter end), trend, gap (to the
    target that applies, None with no reading)}; ``target``: that target or None."""
    points = series.get((measure_id, borough_id), [])
    london_points = series.get((measure_id, None), [])
    latest_date, latest = points[-1] if points else (None, None)
    previous = points[-2][1] if len(points) > 1 else None
    target, is_london = applicable_target(targets, measure_id, borough_id)
    figures = {
        "points": points,
        "london_points": london_points,
        "latest": latest,
        "latest_date": latest_date,
        "previous": previous,
        "london_latest": _value_at(london_points, latest_date) if latest_date else None,
        "trend": trend(latest, previous),
        "gap": target_gap(target, latest, latest_date, is_london=is_london) if latest_date else None,
    }
    return figures, target


def _quantitative_measures(measures=None):
    """The measures with a level (not qualitative), by order and name; from ``measures`` (every
    measure, in that order) when the caller has read them."""
    if measures is None:
        return list(Measure.objects.exclude(unit="qualitative").order_by("order", "name"))
    return [m for m in measures if m.unit != "qualitative"]


def readings_as_at(user, as_at=None):
    """The survey readings the user may read, of quarters ended by ``as_at`` (a date; all without)."""
    readings = MeasureReading.objects.visible_to(user)
    return readings if as_at is None else readings.filter(period_end__lte=as_at)


def recent_series(user, measure_sets, *, as_at=None):
    """[one series per set of measure ids, each as ``_recent_readings(user, ids, as_at=as_at)``
    gives it: {(measure_id, borough_id or None): [(period, value)]} for the ~5 quarters up to the
    newest of that set]: 2 queries whatever the number of sets (their newest quarters, then
    their readings)."""
    from django.db.models import Max

    scoped = readings_as_at(user, as_at)
    sets = [set(ids) for ids in measure_sets]
    wanted = {
        f"newest_{i}": Max("period_end", filter=Q(measure_id__in=ids)) for i, ids in enumerate(sets) if ids
    }
    newest = scoped.aggregate(**wanted) if wanted else {}
    since = [
        newest[f"newest_{i}"] - dt.timedelta(days=RECENT_DAYS) if newest.get(f"newest_{i}") else None
        for i in range(len(sets))
    ]
    condition = Q(pk__in=[])
    for ids, day in zip(sets, since, strict=True):
        if day is not None:
            condition |= Q(measure_id__in=ids, period_end__gte=day)
    rows = []
    if any(day is not None for day in since):
        rows = list(scoped.filter(condition).values_list("measure_id", "borough_id", "period_end", "value"))
    return [
        _series(row for row in rows if row[0] in ids and row[2] >= day) if day is not None else {}
        for ids, day in zip(sets, since, strict=True)
    ]


class Survey:
    """Every survey reading and every target, read once (2 queries) and answered from memory:
    the same figures as ``_survey_of``, ``recent_series`` and ``_current_targets`` for a user who
    reads every reading (``MeasureReading.objects.visible_to(user).is_every_row()``). Dashboards
    take it from the reference tables kept per process (``plans.shared_tables``: a write to the
    readings or targets starts a new reference generation), so a page built afresh reads none.

    Never changed once read: every answer is new dicts and lists around the kept values (percent
    ``Decimal``s, dates, ``Target`` rows, which callers must not change)."""

    def __init__(self, readings, targets):
        """``readings``: (measure_id, borough_id or None, period_end, value) rows; ``targets``:
        ``Target`` rows."""
        self._series = _series(readings)
        self._targets = sorted(targets, key=lambda t: (t.target_date, t.pk))
        self._newest = {}  # measure_id: [period_end of every reading, any borough], sorted
        for (measure_id, _borough_id), points in self._series.items():
            self._newest.setdefault(measure_id, []).extend(period for period, _ in points)
        for periods in self._newest.values():
            periods.sort()

    @classmethod
    def read(cls):
        """Every reading and target: 2 queries."""
        readings = MeasureReading.objects.order_by().values_list(
            "measure_id", "borough_id", "period_end", "value"
        )
        return cls(list(readings), list(Target.objects.order_by()))

    def series(self, measure_ids, borough_ids, *, as_at=None, since=None):
        """{(measure_id, borough_id or None): [(period_end, value)] oldest first} of ``measure_ids``
        for ``borough_ids`` (None: every borough) and London, of quarters ended by ``as_at`` (a
        date; all without) and from ``since`` (a date) on: ``_survey_of``'s series."""
        measure_ids = set(measure_ids)
        boroughs = None if borough_ids is None else set(borough_ids)
        out = {}
        for key, points in self._series.items():
            if key[0] not in measure_ids or (
                boroughs is not None and key[1] is not None and key[1] not in boroughs
            ):
                continue
            kept = [
                p for p in points if (as_at is None or p[0] <= as_at) and (since is None or p[0] >= since)
            ]
            if kept:
                out[key] = kept
        return out

    def newest(self, measure_ids, *, as_at=None):
        """The last day of the newest quarter with a reading of any of ``measure_ids`` (any
        borough or London) ended by ``as_at``, or None."""
        newest = None
        for measure_id in measure_ids:
            periods = self._newest.get(measure_id, [])
            at = len(periods) if as_at is None else bisect.bisect_right(periods, as_at)
            if at and (newest is None or periods[at - 1] > newest):
                newest = periods[at - 1]
        return newest

    def recent(self, measure_sets, *, as_at=None):
        """``recent_series(user, measure_sets, as_at=as_at)`` from memory."""
        out = []
        for ids in measure_sets:
            newest = self.newest(ids, as_at=as_at) if ids else None
            since = newest - dt.timedelta(days=RECENT_DAYS) if newest else None
            out.append(self.series(ids, None, as_at=as_at, since=since) if since else {})
        return out

    def recent_part(self, series, measure_ids, *, as_at=None):
        """Of ``series`` (what ``Survey.series`` gave), the quarters from ``RECENT_DAYS`` before the newest
        reading of ``measure_ids`` (any borough) on, for those measures: ``panels._recent_part``."""
        newest = self.newest(measure_ids, as_at=as_at)
        if newest is None:
            return {}
        since = newest - dt.timedelta(days=RECENT_DAYS)
        return {
            key: [p for p in points if p[0] >= since]
            for key, points in series.items()
            if key[0] in measure_ids
        }

    def current_targets(self, measure_ids, borough_ids, *, on=None):
        """``_current_targets(measure_ids, borough_ids, on=on)`` from memory."""
        measure_ids, borough_ids = set(measure_ids), set(borough_ids)
        rows = (
            t
            for t in self._targets
            if t.measure_id in measure_ids and (t.borough_id is None or t.borough_id in borough_ids)
        )
        return _sort_targets(rows, on=on)


def _recent_readings(user, measure_ids, borough_ids=None, *, as_at=None):
    """{(measure_id, borough_id or None): [(period, value)] for the last ~5 quarters ended by
    ``as_at`` (a date; the latest without)}: 2 queries."""
    scoped = readings_as_at(user, as_at).filter(measure_id__in=measure_ids)
    newest = scoped.order_by("-period_end").values_list("period_end", flat=True).first()
    if newest is None:
        return {}
    recent = scoped.filter(period_end__gte=newest - dt.timedelta(days=RECENT_DAYS))
    if borough_ids is not None:
        recent = recent.filter(Q(borough_id__in=borough_ids) | Q(borough__isnull=True))
    return _series(recent.values_list("measure_id", "borough_id", "period_end", "value"))
