"""The outcome panels of the borough and oversight dashboards (one context entry each)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q
from django.template.loader import render_to_string

from drivers.models import Measure

from ..scope import SET_TARGETS, may, scope_for
from .charts import trend_chart
from .gaps import borough_driver_gaps, london_driver_gaps
from .headline import oversight_measures
from .readings import (
    HEADLINE_MEASURES,
    NOTHING_KNOWN,
    RECENT_DAYS,
    _current_targets,
    _quantitative_measures,
    _series,
    expired_target,
    latest_figures,
    readings_as_at,
    recent_series,
)
from .targets import TargetGap, Trend


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
    expired: object = None  # the latest expired Target that applied (history), when none is current

    @property
    def vs_london(self):
        if self.latest is None or self.london_latest is None:
            return None
        return self.latest - self.london_latest

    @property
    def table(self):
        london = dict(self.london_points)
        return [(period, value, london.get(period)) for period, value in reversed(self.points)]


def borough_measures(borough, user, *, as_at=None, measures=None, survey=None):
    """The measures panel of a borough dashboard, with its charts: 3 queries, whatever the data
    (2 with ``measures``, every measure by order and name, read by the caller). With ``as_at``
    (a date) only the quarters ended by then count. ``survey``: see ``_panels_and_targets``."""
    pairs = _panels_and_targets(user, [borough], as_at=as_at, measures=measures, survey=survey)
    pairs = pairs.get(borough.pk, [])
    return [_with_chart(panel, target) for panel, target in pairs]


def _with_chart(panel, target):
    panel.chart = trend_chart(panel.points, panel.london_points, target)
    return panel


def measure_panel(measure, borough_id, series, targets):
    """One measure's figures for one borough (its panel, and the target that applies)."""
    figures, target = latest_figures(series, targets, measure.pk, borough_id)
    expired = None if target is not None else expired_target(targets, measure.pk, borough_id)
    panel = MeasurePanel(measure=measure, expired=expired, **figures)
    return panel, target


def measures_by_borough(user, boroughs):
    """The measures panel of the borough dashboard (``borough_measures``) for many boroughs at
    once, without the charts: {borough_id: [MeasurePanel]}. The same readings (the whole series),
    targets and arithmetic, in 3 queries whatever the number of boroughs, measures or quarters."""
    return {
        borough_id: [panel for panel, _target in pairs]
        for borough_id, pairs in _panels_and_targets(user, boroughs).items()
    }


def _survey_of(user, boroughs, measures, *, as_at=None):
    """(series, targets) of ``measures`` for these boroughs and London: the whole series of
    readings of quarters ended by ``as_at`` ({(measure_id, borough_id or None): [(period_end,
    value)] oldest first, percent}) and the targets current then (``readings.Targets``): 2 queries."""
    ids = [m.pk for m in measures]
    borough_ids = [b.pk for b in boroughs]
    readings = (
        readings_as_at(user, as_at)
        .filter(measure_id__in=ids)
        .filter(Q(borough_id__in=borough_ids) | Q(borough__isnull=True))
    )
    series = _series(readings.values_list("measure_id", "borough_id", "period_end", "value"))
    return series, _current_targets(ids, borough_ids, on=as_at)


def _recent_part(user, series, measure_ids, *, as_at=None):
    """Of ``series`` (``_survey_of``), what ``readings._recent_readings`` gives for ``measure_ids``
    and the same boroughs: the quarters from ``RECENT_DAYS`` before the newest reading of those
    measures (any borough) on. One query (that newest quarter)."""
    newest = (
        readings_as_at(user, as_at).filter(measure_id__in=measure_ids).aggregate(day=Max("period_end"))["day"]
    )
    if newest is None:
        return {}
    since = newest - dt.timedelta(days=RECENT_DAYS)
    return {
        key: [p for p in points if p[0] >= since] for key, points in series.items() if key[0] in measure_ids
    }


def _panels_and_targets(user, boroughs, *, as_at=None, measures=None, survey=None):
    """{borough_id: [(MeasurePanel, the target that applies)]} from one read of the readings and
    targets of these boroughs and London (3 queries; 2 with ``measures`` read by the caller, none
    with ``survey`` too, their ``_survey_of``); empty for a user who may not read them."""
    if not scope_for(user).read_all or not boroughs:
        return {}
    measures = _quantitative_measures(measures)
    series, targets = survey or _survey_of(user, boroughs, measures, as_at=as_at)
    return {
        borough.pk: [measure_panel(measure, borough.pk, series, targets) for measure in measures]
        for borough in boroughs
    }


def borough_panel(borough, user, *, as_at=None, known=NOTHING_KNOWN, measures_html=None):
    """Context of the outcomes panels of a borough dashboard (fixed number of queries); with
    ``as_at`` (a date) the survey quarters ended by then and the actions' statuses then;
    ``known``: the drivers and measures the caller has read (``readings.Known``).

    ``measures_html``: a function ``(render) -> markup`` for the caller to keep the measures
    panel, which depends on the survey alone (``render()`` builds and writes it); then the
    context has ``measures_html`` instead of ``panels``."""
    survey = gap_survey = None
    if known.measures is not None and known.drivers is not None and scope_for(user).read_all:
        gap_ids = {m.pk for d in known.drivers for m in d.measures.all() if m.unit != "qualitative"}
        measures = _quantitative_measures(known.measures)
        if known.survey is not None:  # kept: no query
            ids = [m.pk for m in measures]
            series = known.survey.series(ids, [borough.pk], as_at=as_at)
            survey = series, known.survey.current_targets(ids, [borough.pk], on=as_at)
            gap_survey = known.survey.recent_part(series, gap_ids, as_at=as_at), survey[1]
        else:
            survey = _survey_of(user, [borough], measures, as_at=as_at)
            gap_survey = _recent_part(user, survey[0], gap_ids, as_at=as_at), survey[1]
    may_set_targets = may(user, SET_TARGETS)

    def panels():
        return borough_measures(borough, user, as_at=as_at, measures=known.measures, survey=survey)

    context = {
        "borough": borough,
        "gaps": borough_driver_gaps(
            borough, user, as_at=as_at, drivers=known.drivers, survey=gap_survey, known=known
        ),
        "may_set_targets": may_set_targets,
    }
    if measures_html is None:
        context["panels"] = panels()
    else:
        context["measures_html"] = measures_html(
            lambda: render_to_string(
                MEASURES_TEMPLATE,
                {"panels": panels(), "borough": borough, "may_set_targets": may_set_targets},
            )
        )
    return context


MEASURES_TEMPLATE = "plans/includes/outcomes_measures.html"


def oversight_panel(user, query=None, *, as_at=None, known=NOTHING_KNOWN):
    """Context of the outcomes panels of the oversight dashboard; ``query`` is the page's query
    (a QueryDict), whose ``outcomes_sort`` orders the headline table (links keep the other
    parameters); with ``as_at`` (a date) the survey quarters ended by then and the actions'
    statuses then; ``known``: the boroughs, plans, drivers and measures the caller has read
    (``readings.Known``)."""
    query = query.copy() if query is not None else {}
    sort = query.get("outcomes_sort", "") if hasattr(query, "get") else ""
    surveys = _oversight_surveys(user, known, as_at=as_at)
    headline = oversight_measures(
        user, sort=sort, as_at=as_at, boroughs=known.boroughs, measures=known.measures, survey=surveys[0]
    )
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
    return {
        "headline": headline,
        "gaps": london_driver_gaps(user, as_at=as_at, known=known, survey=surveys[1]),
    }


def _oversight_surveys(user, known, *, as_at):
    """[(series, targets) of the headline measures, the same of the drivers' measures] read
    together (3 queries; none from ``known.survey``), when ``known`` has the boroughs, drivers
    and measures; else [None, None] (each panel reads its own)."""
    if None in (known.boroughs, known.drivers, known.measures) or not scope_for(user).read_all:
        return [None, None]
    headline = [m.pk for m in known.measures if m.slug in HEADLINE_MEASURES]
    gaps = {m.pk for d in known.drivers for m in d.measures.all() if m.unit != "qualitative"}
    borough_ids = [b.pk for b in known.boroughs]
    if known.survey is not None:  # kept: no query
        series = known.survey.recent([headline, gaps], as_at=as_at)
        targets = known.survey.current_targets([*headline, *gaps], borough_ids, on=as_at)
    else:
        series = recent_series(user, [headline, gaps], as_at=as_at)
        targets = _current_targets([*headline, *gaps], borough_ids, on=as_at)
    return [(series[0], targets), (series[1], targets)]
