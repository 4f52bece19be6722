"""Confidence outcomes beside delivery: measures, targets, gaps, and where a plan is blind.

Plain functions that build the context of the outcome panels of the borough and oversight
dashboards, the driver-gap sheet of the Excel export and the targets page. Each function runs a
fixed number of queries, whatever the number of boroughs, measures or actions.

Definitions (shown on the pages too):
- *latest* and *previous*: a borough's two most recent quarterly readings of a measure; the
  trend arrow compares them.
- *vs London*: the borough's latest reading minus London's reading for the same quarter.
- *applicable target*: the borough's own target for the measure (the one with the latest target
  date), else London's.
- *trajectory*: the straight line from the target's baseline (value, date) to its target (value,
  date); after the target date it is the target value. *Off target*: the latest reading is below
  the trajectory at the reading's date. *Gap to target*: latest reading minus the target value.
- a driver is *below* when any of its measures is below London or off target; it is *blind*
  when it is below and the borough's plan has no action serving it, or only Red ones.
- *weighted gap score*: the driver's importance share (key-driver analysis) × its shortfall in
  percentage points (the largest of: points below London, points below the target trajectory).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q

from drivers.models import Driver, Measure

from .choices import STATUS_ORDER, Role, Status
from .models import Action, Borough, MeasureReading, Target
from .querysets import scope_for

security_log = logging.getLogger("trustplan.security")
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
MPS_FRAMEWORK = "mps-confidence-model"
HEADLINE_MEASURES = ["good-job-local", "trust-mps"]
RECENT_DAYS = 400  # the latest and previous quarter of every measure lie within this window


# --- loading the shipped targets ---


@transaction.atomic
def load_targets(path=None):
    """Load fixtures/targets.yaml (idempotent: matched on measure, borough and target date)."""
    with open(path or FIXTURES / "targets.yaml", encoding="utf-8") as handle:
        items = yaml.safe_load(handle) or []
    count = 0
    for item in items:
        measure = Measure.objects.get(slug=item["measure"])
        borough = Borough.objects.get(slug=item["borough"]) if item.get("borough") else None
        Target.objects.update_or_create(
            measure=measure,
            borough=borough,
            target_date=item["target_date"],
            defaults={
                "baseline_value": Decimal(str(item["baseline_value"])),
                "baseline_date": item["baseline_date"],
                "target_value": Decimal(str(item["target_value"])),
                "note": " ".join(str(item.get("note", "")).split())[:300],
            },
        )
        count += 1
    return count


# --- setting a borough's targets (oversight and administrators) ---


def can_set_targets(user):
    scope = scope_for(user)
    return scope.edit_all or scope.has(Role.OVERSIGHT)


def latest_reading(measure, borough):
    """(period_end, value) of the borough's latest reading of the measure, or (None, None)."""
    row = (
        MeasureReading.objects.filter(measure=measure, borough=borough)
        .order_by("-period_end")
        .values_list("period_end", "value")
        .first()
    )
    return row or (None, None)


def set_target(
    *,
    borough,
    user,
    measure,
    target_value,
    target_date,
    baseline_value=None,
    baseline_date=None,
    note="",
    target_id=None,
):
    """Create or update a borough's target for a measure. The baseline defaults to the borough's
    latest reading. Raises PermissionDenied (logged) or ValidationError per field."""
    if not can_set_targets(user):
        security_log.warning("permission denied: user=%s set a target for %s", user, borough)
        raise PermissionDenied("Only oversight and administrators set targets.")
    errors = {}
    if baseline_value is None or baseline_date is None:
        day, value = latest_reading(measure, borough)
        if day is None:
            errors["baseline_value"] = f"{borough} has no reading of {measure}: give a baseline and its date."
        else:
            baseline_value = value if baseline_value is None else baseline_value
            baseline_date = day if baseline_date is None else baseline_date
    if baseline_date and target_date <= baseline_date:
        errors["target_date"] = f"The target date must be after the baseline date ({baseline_date:%d/%m/%Y})."
    target = None
    if target_id:
        target = Target.objects.filter(pk=target_id, borough=borough).first()
        if target is None:
            errors["target_id"] = "That target is not one of this borough's."
    clash = Target.objects.filter(measure=measure, borough=borough, target_date=target_date)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if target_id and clash.exists():
        errors["target_date"] = f"{borough} already has a {measure} target for that date."
    if errors:
        raise ValidationError(errors)
    values = {
        "baseline_value": Decimal(baseline_value),
        "baseline_date": baseline_date,
        "target_value": Decimal(target_value),
        "note": " ".join(str(note or "").split())[:300],
        "set_by": user,
    }
    with transaction.atomic():
        if target is not None:
            for name, value in {**values, "measure": measure, "target_date": target_date}.items():
                setattr(target, name, value)
            target.full_clean()
            target.save()
        else:
            target, _ = Target.objects.update_or_create(
                measure=measure, borough=borough, target_date=target_date, defaults=values
            )
    return target


# --- arithmetic ---


def trajectory_value(target, day):
    """Where the target's straight line from baseline to target stands on ``day``."""
    span = (target.target_date - target.baseline_date).days
    done = (day - target.baseline_date).days
    fraction = min(max(Decimal(done) / Decimal(span), Decimal(0)), Decimal(1)) if span > 0 else Decimal(1)
    value = (
        Decimal(target.baseline_value)
        + (Decimal(target.target_value) - Decimal(target.baseline_value)) * fraction
    )
    return value.quantize(Decimal("0.01"))


@dataclass
class TargetGap:
    target: Target
    latest: Decimal
    latest_date: dt.date
    expected: Decimal  # on the trajectory at latest_date
    gap_to_target: Decimal  # latest − target value
    gap_to_trajectory: Decimal  # latest − expected
    is_london: bool

    @property
    def off_target(self):
        return self.gap_to_trajectory < 0

    @property
    def reached(self):
        return self.gap_to_target >= 0


def target_gap(target, latest, latest_date, *, is_london=False):
    """The gap of a latest reading to a target (None when there is no target or reading)."""
    if target is None or latest is None:
        return None
    latest = Decimal(latest)
    expected = trajectory_value(target, latest_date)
    return TargetGap(
        target=target,
        latest=latest,
        latest_date=latest_date,
        expected=expected,
        gap_to_target=latest - Decimal(target.target_value),
        gap_to_trajectory=latest - expected,
        is_london=is_london,
    )


@dataclass(frozen=True)
class Trend:
    change: Decimal | None

    @property
    def direction(self):
        if self.change is None:
            return "none"
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"

    @property
    def arrow(self):
        return {"up": "▲", "down": "▼", "flat": "▶", "none": ""}[self.direction]

    @property
    def size(self):
        return None if self.change is None else abs(self.change)

    @property
    def word(self):
        return {"up": "up", "down": "down", "flat": "no change", "none": "no earlier quarter"}[self.direction]


def trend(latest, previous):
    if latest is None or previous is None:
        return Trend(None)
    return Trend(Decimal(latest) - Decimal(previous))


# --- reading the data (fixed number of queries) ---


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


# --- the borough dashboard: one panel per measure ---


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


def borough_measures(borough, user):
    """The measures panel of a borough dashboard, with its charts: 3 queries, whatever the data."""
    return [
        _with_chart(panel, target)
        for panel, target in _panels_and_targets(user, [borough]).get(borough.pk, [])
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


def trend_chart(points, london_points, target, *, width=320, height=150):
    """Coordinates of a small SVG line chart: the borough, London, and the target trajectory."""
    pad_left, pad_right, pad_top, pad_bottom = 34, 8, 8, 22
    if not points:
        return {}
    first, last = points[0][0], points[-1][0]
    london = [(d, v) for d, v in london_points if first <= d <= last]
    values = [v for _, v in points] + [v for _, v in london]
    target_points = []
    if target is not None:
        target_points = [(first, trajectory_value(target, first)), (last, trajectory_value(target, last))]
        values += [v for _, v in target_points]
    low = int(min(values) // 5 * 5)
    high = int(-(-max(values) // 5) * 5)
    if high - low < 10:
        high = low + 10
    span_days = max((last - first).days, 1)
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom

    def x(day):
        return round(pad_left + inner_w * (day - first).days / span_days, 1)

    def y(value):
        return round(pad_top + inner_h * (high - float(value)) / (high - low), 1)

    def line(pts):
        return " ".join(f"{x(d)},{y(v)}" for d, v in pts)

    ticks = [{"y": y(v), "label": v} for v in range(low, high + 1, max(5, (high - low) // 4 // 5 * 5 or 5))]
    return {
        "width": width,
        "height": height,
        "borough": line(points),
        "london": line(london),
        "target": line(target_points),
        "last": {"x": x(last), "y": y(points[-1][1])},
        "ticks": ticks,
        "x_left": pad_left,
        "x_right": width - pad_right,
        "y_bottom": height - pad_bottom,
        "label_y": height - 6,
        "first_label": first.strftime("%b %Y"),
        "last_label": last.strftime("%b %Y"),
    }


# --- latest and previous readings of many boroughs (oversight, driver gaps, export) ---


def _recent_readings(user, measure_ids, borough_ids=None):
    """{(measure_id, borough_id or None): [(period, value)] for the last ~5 quarters}: 2 queries."""
    scoped = MeasureReading.objects.visible_to(user).filter(measure_id__in=measure_ids)
    newest = scoped.order_by("-period_end").values_list("period_end", flat=True).first()
    if newest is None:
        return {}
    recent = scoped.filter(period_end__gte=newest - dt.timedelta(days=RECENT_DAYS))
    if borough_ids is not None:
        recent = recent.filter(Q(borough_id__in=borough_ids) | Q(borough__isnull=True))
    return _series(recent.values_list("measure_id", "borough_id", "period_end", "value"))


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


def oversight_measures(user, *, sort="", boroughs=None):
    """One row per borough with a cell per headline measure; sortable. 5 queries."""
    if not scope_for(user).read_all:
        return {"rows": [], "measures": [], "sort": "", "sort_options": []}
    measures = list(Measure.objects.filter(slug__in=HEADLINE_MEASURES).order_by("order"))
    ids = [m.pk for m in measures]
    if boroughs is None:
        boroughs = list(Borough.objects.visible_to(user).filter(is_synthetic=False).select_related("bcu"))
    series = _recent_readings(user, ids)
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


# --- driver gaps: where the plan is blind ---


@dataclass
class MeasureGap(VsLondon):
    measure: Measure
    latest: Decimal | None
    latest_date: dt.date | None
    london: Decimal | None
    gap: TargetGap | None

    @property
    def below_london(self):
        return self.vs_london is not None and self.vs_london < 0

    @property
    def off_target(self):
        return self.gap is not None and self.gap.off_target

    @property
    def shortfall(self):
        """Points below London or below the target trajectory, whichever is larger (≥ 0)."""
        parts = [Decimal(0)]
        if self.vs_london is not None:
            parts.append(-self.vs_london)
        if self.gap is not None:
            parts.append(-self.gap.gap_to_trajectory)
        return max(parts)


@dataclass
class DriverGap:
    borough: Borough
    driver: Driver
    measures: list  # of MeasureGap
    counts: dict  # {Status: number of actions}
    actions: list = field(default_factory=list)  # [(pk, text, status)], borough dashboard only
    importance: float | None = None

    @property
    def action_total(self):
        return sum(self.counts.values())

    @property
    def has_measure(self):
        return any(m.latest is not None for m in self.measures)

    @property
    def below(self):
        return any(m.below_london or m.off_target for m in self.measures)

    @property
    def only_red(self):
        return self.action_total > 0 and self.counts.get(Status.RED, 0) == self.action_total

    @property
    def blind(self):
        return self.below and (self.action_total == 0 or self.only_red)

    @property
    def shortfall(self):
        return max((m.shortfall for m in self.measures), default=Decimal(0))

    @property
    def weighted_score(self):
        if self.importance is None:
            return None
        return round(float(self.shortfall) * self.importance, 2)

    @property
    def reason(self):
        if not self.has_measure:
            return "No survey measure"
        if not self.below:
            return "At or above London and on target"
        what = []
        if any(m.below_london for m in self.measures):
            what.append("below London")
        if any(m.off_target for m in self.measures):
            what.append("off target")
        where = " and ".join(what)
        if self.action_total == 0:
            return f"Blind: {where}, and no action serves this driver"
        if self.only_red:
            return f"Blind: {where}, and every action serving it is Red"
        return f"Watch: {where}; actions in hand"

    @property
    def status_counts(self):
        return [(s, self.counts.get(s, 0)) for s in STATUS_ORDER if self.counts.get(s, 0)]


def mps_drivers():
    """The eight drivers of the MPS confidence model with their measures (2 queries)."""
    return list(
        Driver.objects.filter(framework__slug=MPS_FRAMEWORK).order_by("order").prefetch_related("measures")
    )


def _status_of(rag, completed):
    return Status.COMPLETE if completed else Status(rag)


def driver_gaps(user, *, boroughs=None, importance=None, with_actions=False, drivers=None):
    """Driver gaps for each borough: {borough_id: [DriverGap in driver order]}. 6–7 queries.

    ``importance`` maps driver slugs to importance shares (from the key-driver analysis) and
    fills the weighted gap score; ``with_actions`` also lists the actions (for one borough).
    """
    if not scope_for(user).read_all:
        return {}
    if boroughs is None:
        boroughs = list(Borough.objects.visible_to(user).filter(is_synthetic=False))
    drivers = drivers if drivers is not None else mps_drivers()
    borough_ids = [b.pk for b in boroughs]
    measure_ids = {m.pk for d in drivers for m in d.measures.all() if m.unit != "qualitative"}
    series = _recent_readings(user, measure_ids, borough_ids if len(borough_ids) <= 5 else None)
    targets = _current_targets(measure_ids, borough_ids)
    actions = Action.objects.visible_to(user).filter(objective__plan__borough_id__in=borough_ids)
    through = Action.drivers.through.objects.filter(action__in=actions, driver__in=[d.pk for d in drivers])
    counts = {}
    listed = {}
    if with_actions:
        for borough_id, driver_id, pk, text, rag, completed in through.values_list(
            "action__objective__plan__borough_id",
            "driver_id",
            "action_id",
            "action__text",
            "action__rag",
            "action__completed",
        ).order_by("action__objective__number", "action__position", "action_id"):
            status = _status_of(rag, completed)
            key = (borough_id, driver_id)
            counts.setdefault(key, {}).setdefault(status, 0)
            counts[key][status] += 1
            listed.setdefault(key, []).append((pk, text, status))
    else:
        for borough_id, driver_id, rag, completed, n in (
            through.values_list(
                "action__objective__plan__borough_id", "driver_id", "action__rag", "action__completed"
            )
            .annotate(n=Count("action_id"))
            .order_by()
        ):
            status = _status_of(rag, completed)
            counts.setdefault((borough_id, driver_id), {}).setdefault(status, 0)
            counts[(borough_id, driver_id)][status] += n
    out = {}
    for borough in boroughs:
        rows = []
        for driver in drivers:
            gaps = []
            for measure in driver.measures.all():
                if measure.unit == "qualitative":
                    continue
                points = series.get((measure.pk, borough.pk), [])
                latest_date, latest = points[-1] if points else (None, None)
                target, is_london = applicable_target(targets, measure.pk, borough.pk)
                gaps.append(
                    MeasureGap(
                        measure=measure,
                        latest=latest,
                        latest_date=latest_date,
                        london=_value_at(series.get((measure.pk, None)), latest_date)
                        if latest_date
                        else None,
                        gap=target_gap(target, latest, latest_date, is_london=is_london)
                        if latest_date
                        else None,
                    )
                )
            rows.append(
                DriverGap(
                    borough=borough,
                    driver=driver,
                    measures=gaps,
                    counts=counts.get((borough.pk, driver.pk), {}),
                    actions=listed.get((borough.pk, driver.pk), []),
                    importance=(importance or {}).get(driver.slug),
                )
            )
        out[borough.pk] = rows
    return out


def importance_weights():
    """Importance shares per driver slug from the latest kept key-driver analysis (the shipped
    synthetic sample when none is kept), and where they come from: see drivers.kept.driver_weights."""
    from drivers.kept import driver_weights

    return driver_weights()


def borough_driver_gaps(borough, user):
    """Context of the driver-gap panel of a borough dashboard."""
    weights = importance_weights()
    rows = driver_gaps(user, boroughs=[borough], importance=weights["shares"], with_actions=True).get(
        borough.pk, []
    )
    return {"rows": rows, "blind": [r for r in rows if r.blind], "weights": weights}


def london_driver_gaps(user, *, boroughs=None):
    """Context of the oversight panel: for each borough its blind drivers and total weighted score."""
    weights = importance_weights()
    drivers = mps_drivers()
    gaps = driver_gaps(user, boroughs=boroughs, importance=weights["shares"], drivers=drivers)
    boroughs = (
        boroughs
        if boroughs is not None
        else list(Borough.objects.visible_to(user).filter(is_synthetic=False))
    )
    rows = []
    for borough in boroughs:
        items = gaps.get(borough.pk, [])
        blind = [g for g in items if g.blind]
        score = sum(g.weighted_score or 0 for g in items if g.below)
        rows.append(
            {
                "borough": borough,
                "blind": blind,
                "below": [g for g in items if g.below],
                "score": round(score, 2),
            }
        )
    rows.sort(key=lambda r: (-len(r["blind"]), -r["score"], r["borough"].name))
    return {"rows": rows, "drivers": drivers, "weights": weights}


# --- the Excel export ---

DRIVER_GAP_COLUMNS = [
    "Borough",
    "Driver",
    "Measure",
    "Quarter ending",
    "Borough %",
    "London %",
    "vs London (points)",
    "Target %",
    "Target date",
    "On trajectory %",
    "Off target",
    "Actions",
    "Red",
    "Amber",
    "Green",
    "Not rated",
    "Complete",
    "Flag",
    "Importance share",
    "Weighted gap score",
]


def driver_gap_rows(user, *, boroughs=None):
    """Rows of the "Driver gaps" sheet: one per borough, driver and measure (plain values)."""
    weights = importance_weights()
    gaps = driver_gaps(user, boroughs=boroughs, importance=weights["shares"])
    if boroughs is None:
        boroughs = list(Borough.objects.visible_to(user).filter(is_synthetic=False))
    rows = []
    for borough in boroughs:
        for gap in gaps.get(borough.pk, []):
            counts = [gap.counts.get(s, 0) for s in STATUS_ORDER]
            common = [gap.action_total, *counts, gap.reason, gap.importance, gap.weighted_score]
            for m in gap.measures or [None]:
                if m is None:
                    rows.append(
                        [
                            borough.name,
                            gap.driver.name,
                            "",
                            None,
                            None,
                            None,
                            None,
                            None,
                            None,
                            None,
                            "",
                            *common,
                        ]
                    )
                    continue
                g = m.gap
                rows.append(
                    [
                        borough.name,
                        gap.driver.name,
                        m.measure.name,
                        m.latest_date,
                        _f(m.latest),
                        _f(m.london),
                        _f(m.vs_london),
                        _f(g.target.target_value) if g else None,
                        g.target.target_date if g else None,
                        _f(g.expected) if g else None,
                        ("Yes" if g.off_target else "No") if g else "",
                        *common,
                    ]
                )
    return rows


def _f(value):
    return None if value is None else float(value)


def export_boroughs(filterset, user):
    """The boroughs an export covers: those chosen by its borough or BCU filter, else all."""
    boroughs = Borough.objects.visible_to(user).select_related("bcu")
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    chosen, bcus = data.get("borough"), data.get("bcu")
    if chosen:
        return list(boroughs.filter(pk__in=[b.pk for b in chosen]))
    boroughs = boroughs.filter(is_synthetic=False)  # made-up boroughs have no survey figures
    if bcus:
        boroughs = boroughs.filter(bcu__in=list(bcus))
    return list(boroughs)


def write_driver_gaps(ctx):
    """Sheet writer of the Excel export (plans.exports.SHEETS): the "Driver gaps" sheet."""
    from .exports import Column

    kinds = {"Quarter ending": "date", "Target date": "date"}
    numbers = {
        "Borough %",
        "London %",
        "vs London (points)",
        "Target %",
        "On trajectory %",
        "Actions",
        "Red",
        "Amber",
        "Green",
        "Not rated",
        "Complete",
        "Importance share",
        "Weighted gap score",
    }
    columns = [
        Column(title, kinds.get(title, "int" if title in numbers else "text"), 12 if title in numbers else 22)
        for title in DRIVER_GAP_COLUMNS
    ]
    sheet = ctx.sheet("Driver gaps", columns)
    for row in driver_gap_rows(ctx.user, boroughs=export_boroughs(ctx.filterset, ctx.user)):
        sheet.write(row)
    return sheet.close()


def measures_by_borough(user, boroughs):
    """The measures panel of the borough dashboard (``borough_measures``) for many boroughs at
    once, without the charts: {borough_id: [MeasurePanel]}. The same readings (the whole series),
    targets and arithmetic, in 3 queries whatever the number of boroughs, measures or quarters."""
    return {
        borough_id: [panel for panel, _target in pairs]
        for borough_id, pairs in _panels_and_targets(user, boroughs).items()
    }


def _panels_and_targets(user, boroughs):
    """{borough_id: [(MeasurePanel, the target that applies)]} from one read of the readings and
    targets of these boroughs and London (3 queries); empty for a user who may not read them."""
    if not scope_for(user).read_all or not boroughs:
        return {}
    measures = _quantitative_measures()
    ids = [m.pk for m in measures]
    borough_ids = [b.pk for b in boroughs]
    readings = (
        MeasureReading.objects.visible_to(user)
        .filter(measure_id__in=ids)
        .filter(Q(borough_id__in=borough_ids) | Q(borough__isnull=True))
    )
    series = _series(readings.values_list("measure_id", "borough_id", "period_end", "value"))
    targets = _current_targets(ids, borough_ids)
    return {
        borough.pk: [measure_panel(measure, borough.pk, series, targets) for measure in measures]
        for borough in boroughs
    }


# Columns of the "Measures" sheet: (header, kind, width). Kinds are those of plans.exports.Column;
# "percent" cells hold the share of respondents (48.3% is stored as 0.483), "points" cells a
# difference in percentage points (−1.2 is stored as −1.2).
MEASURE_COLUMNS = [
    ("Borough", "text", 18),
    ("Measure", "text", 24),
    ("Outcome", "bool", 9),
    ("Quarter ending", "date", 12),
    ("Borough %", "percent", 10),
    ("London %", "percent", 10),
    ("vs London (points)", "points", 11),
    ("Previous quarter", "date", 12),
    ("Previous %", "percent", 10),
    ("Change (points)", "points", 10),
    ("Trend", "text", 16),
    ("Target %", "percent", 10),
    ("Target date", "date", 12),
    ("Target set for", "text", 12),
    ("Baseline %", "percent", 10),
    ("Baseline date", "date", 12),
    ("On trajectory %", "percent", 11),
    ("vs trajectory (points)", "points", 12),
    ("Gap to target (points)", "points", 12),
    ("Off target", "text", 9),
]


def measure_rows(user, *, boroughs):
    """Rows of the "Measures" sheet: one per borough and quantitative measure, from
    ``measures_by_borough`` (the dashboard's figures). Levels are Decimals in percent of
    respondents; the sheet writer turns them into Excel percentages."""
    panels = measures_by_borough(user, boroughs)
    rows = []
    for borough in boroughs:
        for p in panels.get(borough.pk, []):
            g = p.gap
            previous_date = p.points[-2][0] if len(p.points) > 1 else None
            rows.append(
                {
                    "unit": p.measure.unit,
                    "values": [
                        borough.name,
                        p.measure.name,
                        p.measure.is_outcome,
                        p.latest_date,
                        p.latest,
                        p.london_latest,
                        p.vs_london,
                        previous_date,
                        p.previous,
                        p.trend.change,
                        p.trend.word if p.latest is not None else "no reading",
                        g.target.target_value if g else None,
                        g.target.target_date if g else None,
                        ("London" if g.is_london else borough.name) if g else "",
                        g.target.baseline_value if g else None,
                        g.target.baseline_date if g else None,
                        g.expected if g else None,
                        g.gap_to_trajectory if g else None,
                        g.gap_to_target if g else None,
                        ("Yes" if g.off_target else "No") if g else "",
                    ],
                }
            )
    return rows


def write_measures(ctx):
    """Sheet writer of the Excel export (plans.exports.SHEETS): the "Measures" sheet, one row per
    borough in the export's scope and survey measure: latest, London, trend, target and gaps."""
    from .exports import Column

    columns = [Column(title, kind, width) for title, kind, width in MEASURE_COLUMNS]
    sheet = ctx.sheet("Measures", columns)
    # A measure counted rather than a share of respondents is written as a plain number.
    counted = sheet.writers_for([c.kind if c.kind != "percent" else "number" for c in columns])
    for row in measure_rows(ctx.user, boroughs=export_boroughs(ctx.filterset, ctx.user)):
        sheet.write(row["values"], writers=None if row["unit"] == "percent" else counted)
    return sheet.close()


# --- dashboard panels (one context entry each) ---


def borough_panel(borough, user):
    """Context of the outcomes panels of a borough dashboard (fixed number of queries)."""
    return {
        "borough": borough,
        "panels": borough_measures(borough, user),
        "gaps": borough_driver_gaps(borough, user),
        "may_set_targets": can_set_targets(user),
    }


def oversight_panel(user, query=None):
    """Context of the outcomes panels of the oversight dashboard; ``query`` is request.GET, whose
    ``outcomes_sort`` orders the headline table (links keep the other parameters)."""
    query = query.copy() if query is not None else {}
    sort = query.get("outcomes_sort", "") if hasattr(query, "get") else ""
    headline = oversight_measures(user, sort=sort)
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
    return {"headline": headline, "gaps": london_driver_gaps(user)}
