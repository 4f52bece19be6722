"""The outcome panels of the borough and oversight dashboards (one context entry each)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from drivers.models import Measure

from ..querysets import scope_for
from ..scope import SET_TARGETS, may
from .charts import trend_chart
from .gaps import borough_driver_gaps, london_driver_gaps
from .headline import oversight_measures
from .readings import (
    _current_targets,
    _quantitative_measures,
    _series,
    _value_at,
    applicable_target,
    readings_as_at,
)
from .targets import TargetGap, Trend, target_gap, trend


@dataclass
class MeasurePanel:
    measure: Measure
    points: list  # [(period_end, value)] of the borough
    london_points: list
    latest: Decimal | None
    latest_date: dt.date | None
    previous: Decimal | None
    london_latest: Decimal | None
    trend: Trend
    gap: TargetGap | None
    chart: dict = field(default_factory=dict)

    @property
    def vs_london(self):
        if self.latest is None or self.london_latest is None:
            return None
        return self.latest - self.london_latest

    @property
    def table(self):
        london = dict(self.london_points)
        return [(period, value, london.get(period)) for period, value in reversed(self.points)]


def borough_measures(borough, user, *, as_at=None):
    """The measures panel of a borough dashboard, with its charts: 3 queries, whatever the data.
    With ``as_at`` (a date) only the quarters ended by then count."""
    return [
        _with_chart(panel, target)
        for panel, target in _panels_and_targets(user, [borough], as_at=as_at).get(borough.pk, [])
    ]


def _with_chart(panel, target):
    panel.chart = trend_chart(panel.points, panel.london_points, target)
    return panel


def measure_panel(measure, borough_id, series, targets):
    """One measure's figures for one borough (its panel, and the target that applies)."""
    points = series.get((measure.pk, borough_id), [])
    london_points = series.get((measure.pk, None), [])
    latest_date, latest = points[-1] if points else (None, None)
    previous = points[-2][1] if len(points) > 1 else None
    target, is_london = applicable_target(targets, measure.pk, borough_id)
    panel = MeasurePanel(
        measure=measure,
        points=points,
        london_points=london_points,
        latest=latest,
        latest_date=latest_date,
        previous=previous,
        london_latest=_value_at(london_points, latest_date) if latest_date else None,
        trend=trend(latest, previous),
        gap=target_gap(target, latest, latest_date, is_london=is_london) if latest_date else None,
    )
    return panel, target


def measures_by_borough(user, boroughs):
    """The measures panel of the borough dashboard (``borough_measures``) for many boroughs at
    once, without the charts: {borough_id: [MeasurePanel]}. The same readings (the whole series),
    targets and arithmetic, in 3 queries whatever the number of boroughs, measures or quarters."""
    return {
        borough_id: [panel for panel, _target in pairs]
        for borough_id, pairs in _panels_and_targets(user, boroughs).items()
    }


def _panels_and_targets(user, boroughs, *, as_at=None):
    """{borough_id: [(MeasurePanel, the target that applies)]} from one read of the readings and
    targets of these boroughs and London (3 queries); empty for a user who may not read them."""
    if not scope_for(user).read_all or not boroughs:
        return {}
    measures = _quantitative_measures()
    ids = [m.pk for m in measures]
    borough_ids = [b.pk for b in boroughs]
    readings = (
        readings_as_at(user, as_at)
        .filter(measure_id__in=ids)
        .filter(Q(borough_id__in=borough_ids) | Q(borough__isnull=True))
    )
    series = _series(readings.values_list("measure_id", "borough_id", "period_end", "value"))
    targets = _current_targets(ids, borough_ids)
    return {
        borough.pk: [measure_panel(measure, borough.pk, series, targets) for measure in measures]
        for borough in boroughs
    }


def borough_panel(borough, user, *, as_at=None):
    """Context of the outcomes panels of a borough dashboard (fixed number of queries); with
    ``as_at`` (a date) the survey quarters ended by then and the actions' statuses then."""
    return {
        "borough": borough,
        "panels": borough_measures(borough, user, as_at=as_at),
        "gaps": borough_driver_gaps(borough, user, as_at=as_at),
        "may_set_targets": may(user, SET_TARGETS),
    }


def oversight_panel(user, query=None, *, as_at=None):
    """Context of the outcomes panels of the oversight dashboard; ``query`` is the page's query
    (a QueryDict), whose ``outcomes_sort`` orders the headline table (links keep the other
    parameters); with ``as_at`` (a date) the survey quarters ended by then and the actions'
    statuses then."""
    query = query.copy() if query is not None else {}
    sort = query.get("outcomes_sort", "") if hasattr(query, "get") else ""
    headline = oversight_measures(user, sort=sort, as_at=as_at)
    current = headline["sort"] or "borough"
    links = []
    for key, label in headline["sort_options"]:
        if hasattr(query, "urlencode"):
            q = query.copy()
            q["outcomes_sort"] = key
            encoded = q.urlencode()
        else:
            encoded = f"outcomes_sort={key}"
        links.append({"key": key, "label": label, "query": encoded, "current": key == current})
    headline["sort_links"] = links
    return {"headline": headline, "gaps": london_driver_gaps(user, as_at=as_at)}
