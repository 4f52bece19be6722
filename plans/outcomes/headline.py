"""The headline measures of the oversight dashboard: each borough beside London."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from drivers.models import Measure

from ..models import Borough
from ..querysets import scope_for
from .readings import HEADLINE_MEASURES, _current_targets, _recent_readings, _value_at, applicable_target
from .targets import TargetGap, Trend, target_gap, trend


class VsLondon:
    """For a figure with ``latest`` and ``london``: the difference, in points (None if unknown)."""

    @property
    def vs_london(self):
        if self.latest is None or self.london is None:
            return None
        return self.latest - self.london


@dataclass
class HeadlineCell(VsLondon):
    measure: Measure
    latest: Decimal | None
    latest_date: dt.date | None
    previous: Decimal | None
    london: Decimal | None
    trend: Trend
    gap: TargetGap | None


@dataclass
class HeadlineRow:
    borough: Borough
    cells: list


def oversight_measures(user, *, sort="", boroughs=None, as_at=None):
    """One row per borough with a cell per headline measure; sortable. 5 queries. With ``as_at``
    (a date) only the quarters ended by then count."""
    if not scope_for(user).read_all:
        return {"rows": [], "measures": [], "sort": "", "sort_options": []}
    measures = list(Measure.objects.filter(slug__in=HEADLINE_MEASURES).order_by("order"))
    ids = [m.pk for m in measures]
    if boroughs is None:
        boroughs = list(Borough.objects.visible_to(user).filter(is_synthetic=False).select_related("bcu"))
    series = _recent_readings(user, ids, as_at=as_at)
    targets = _current_targets(ids, [b.pk for b in boroughs])
    rows = []
    for borough in boroughs:
        cells = []
        for measure in measures:
            points = series.get((measure.pk, borough.pk), [])
            latest_date, latest = points[-1] if points else (None, None)
            previous = points[-2][1] if len(points) > 1 else None
            target, is_london = applicable_target(targets, measure.pk, borough.pk)
            cells.append(
                HeadlineCell(
                    measure=measure,
                    latest=latest,
                    latest_date=latest_date,
                    previous=previous,
                    london=_value_at(series.get((measure.pk, None)), latest_date) if latest_date else None,
                    trend=trend(latest, previous),
                    gap=target_gap(target, latest, latest_date, is_london=is_london) if latest_date else None,
                )
            )
        rows.append(HeadlineRow(borough=borough, cells=cells))
    options = [("borough", "Borough")]
    for measure in measures:
        options += [
            (f"{measure.slug}", f"{measure.name}: latest"),
            (f"{measure.slug}-change", f"{measure.name}: change on previous quarter"),
            (f"{measure.slug}-london", f"{measure.name}: vs London"),
        ]
    sort = sort if sort in {k for k, _ in options} else ""
    rows = sort_headline_rows(rows, measures, sort)
    london = [(m, *(series.get((m.pk, None)) or [(None, None)])[-1]) for m in measures]
    return {"rows": rows, "measures": measures, "sort": sort, "sort_options": options, "london": london}


def sort_headline_rows(rows, measures, sort):
    """Sort by borough name, or by a measure's latest value, change or gap to London (lowest first:
    the boroughs that need attention come first); boroughs with no figure go last."""
    for i, measure in enumerate(measures):
        for suffix, what in (("", "latest"), ("-change", "change"), ("-london", "london")):
            if sort == measure.slug + suffix:

                def value(row, i=i, what=what):
                    cell = row.cells[i]
                    return {"latest": cell.latest, "change": cell.trend.change, "london": cell.vs_london}[
                        what
                    ]

                return sorted(rows, key=lambda r: (value(r) is None, value(r) or 0, r.borough.name))
    return sorted(rows, key=lambda r: r.borough.name)
