"""Reading survey figures in a fixed number of queries: series, current targets, recent readings."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from drivers.models import Measure

from ..models import MeasureReading, Target

MPS_FRAMEWORK = "mps-confidence-model"


HEADLINE_MEASURES = ["good-job-local", "trust-mps"]


RECENT_DAYS = 400  # the latest and previous quarter of every measure lie within this window


def _series(readings):
    """{(measure_id, borough_id or None): [(period_end, value), …] oldest first}."""
    out = {}
    for measure_id, borough_id, period, value in readings:
        out.setdefault((measure_id, borough_id), []).append((period, Decimal(value)))
    for points in out.values():
        points.sort()
    return out


def _current_targets(measure_ids, borough_ids):
    """{(measure_id, borough_id or None): Target with the latest target date} — one query."""
    rows = Target.objects.filter(measure_id__in=measure_ids).filter(
        Q(borough__isnull=True) | Q(borough_id__in=borough_ids)
    )
    out = {}
    for target in rows.order_by("target_date", "pk"):
        out[(target.measure_id, target.borough_id)] = target
    return out


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


def _quantitative_measures():
    return list(Measure.objects.exclude(unit="qualitative").order_by("order", "name"))


def readings_as_at(user, as_at=None):
    """The survey readings the user may read, of quarters ended by ``as_at`` (a date; all without)."""
    readings = MeasureReading.objects.visible_to(user)
    return readings if as_at is None else readings.filter(period_end__lte=as_at)


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
