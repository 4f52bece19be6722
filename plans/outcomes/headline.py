"""The headline measures of the oversight dashboard: each borough beside London."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from drivers.models import Measure

from ..models import Borough
from ..scope import scope_for
from .readings import HEADLINE_MEASURES, _current_targets, _recent_readings, latest_figures
from .targets import TargetGap, Trend


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


def oversight_measures(user, *, sort="", boroughs=None, as_at=None, measures=None, survey=None):
    """One row per borough with a cell per headline measure; sortable. 5 queries (none with
    ``boroughs``, ``measures``, every measure by order, and ``survey``, (the recent series of
    the headline measures, the current targets of them and these boroughs), read by the caller).
    With ``as_at`` (a date) only the quarters ended by then count."""
    if not scope_for(user).read_all:
        return {"rows": [], "measures": [], "sort": "", "sort_options": []}
    if measures is None:
        measures = list(Measure.objects.filter(slug__in=HEADLINE_MEASURES).order_by("order"))
    else:
        measures = [m for m in measures if m.slug in HEADLINE_MEASURES]
    ids = [m.pk for m in measures]
    if boroughs is None:
        boroughs = list(Borough.objects.visible_to(user).filter(is_synthetic=False).select_related("bcu"))
    if survey is None:
        survey = (
            _recent_readings(user, ids, as_at=as_at),
            _current_targets(ids, [b.pk for b in boroughs], on=as_at),
        )
    series, targets = survey
    rows = [HeadlineRow(borough=b, cells=_headline_cells(b, measures, series, targets)) for b in boroughs]
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
    return {
        "rows": rows,
        "measures": measures,
        "sort": sort,
        "sort_options": options,
        "london": london,
        "has_current_target": any(cell.gap for row in rows for cell in row.cells),
        "expired_london": [
            (m, targets.expired[(m.pk, None)]) for m in measures if (m.pk, None) in targets.expired
        ],
    }


def _headline_cells(borough, measures, series, targets):
    """[HeadlineCell] of one borough, one per measure (no query)."""
    cells = []
    for measure in measures:
        figures, _target = latest_figures(series, targets, measure.pk, borough.pk)
        cells.append(
            HeadlineCell(
                measure=measure,
                london=figures["london_latest"],
                **{name: figures[name] for name in ("latest", "latest_date", "previous", "trend", "gap")},
            )
        )
    return cells


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
