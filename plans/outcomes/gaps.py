"""Driver gaps: where a borough is below London or off target, and whether its plan is blind there."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from drivers.models import Driver, Measure

from ..choices import STATUS_ORDER, Status
from ..models import Action, Borough, Plan
from ..scope import scope_for
from .headline import VsLondon
from .readings import (
    MPS_FRAMEWORK,
    NOTHING_KNOWN,
    _current_targets,
    _recent_readings,
    _value_at,
    applicable_target,
)
from .targets import TargetGap, target_gap


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


def _action_counts(actions, driver_ids, *, with_actions):
    """({(borough_id, driver_id): {Status: n}}, {(borough_id, driver_id): [(pk, text, Status)]}):
    the actions (annotated with their effective status) serving each driver in each borough,
    counted (and listed ``with_actions``) in one query."""
    counts, listed = {}, {}
    wanted = set(driver_ids)
    serving = actions.filter(drivers__isnull=False).order_by()
    if with_actions:
        rows = serving.values_list(
            "objective__plan__borough_id", "drivers", "pk", "text", "eff_status"
        ).order_by("objective__number", "position", "pk")
        for borough_id, driver_id, pk, text, status in rows:
            if driver_id not in wanted:
                continue
            key = (borough_id, driver_id)
            counts.setdefault(key, {}).setdefault(Status(status), 0)
            counts[key][Status(status)] += 1
            listed.setdefault(key, []).append((pk, text, Status(status)))
        return counts, listed
    rows = serving.values_list("objective__plan__borough_id", "drivers", "eff_status").annotate(
        n=Count("pk", distinct=True)
    )
    for borough_id, driver_id, status, n in rows:
        if driver_id not in wanted:
            continue
        counts.setdefault((borough_id, driver_id), {}).setdefault(Status(status), 0)
        counts[(borough_id, driver_id)][Status(status)] += n
    return counts, listed


def _measure_gaps(driver, borough, series, targets):
    """[MeasureGap] of a driver's quantitative measures for one borough."""
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
                london=_value_at(series.get((measure.pk, None)), latest_date) if latest_date else None,
                gap=target_gap(target, latest, latest_date, is_london=is_london) if latest_date else None,
            )
        )
    return gaps


def _kept_measure_gaps(kept, driver, borough, series, targets):
    """``_measure_gaps``, from ``kept`` ({(borough_id, driver_id): [MeasureGap]}) when there."""
    if kept is None:
        return _measure_gaps(driver, borough, series, targets)
    key = (borough.pk, driver.pk)
    found = kept.get(key)
    if found is None:
        found = kept[key] = _measure_gaps(driver, borough, series, targets)
    return found


def driver_gaps(
    user,
    *,
    boroughs=None,
    importance=None,
    with_actions=False,
    drivers=None,
    as_at=None,
    survey=None,
    action_counts=None,
    action_lists=None,
    measure_gaps=None,
):
    """Driver gaps for each borough: {borough_id: [DriverGap in driver order]}. 6–7 queries; 1
    with ``drivers`` (with their measures) and ``survey`` (the recent series of their measures, with
    London's, and the current targets of these measures and boroughs) read by the caller, none
    with ``action_counts`` too ({(borough_id, driver_id): {Status: n}}, as ``_action_counts``;
    with ``with_actions``, and ``action_lists``, its listing).

    ``importance`` maps driver slugs to importance shares (from the key-driver analysis) and
    fills the weighted gap score; ``with_actions`` also lists the actions (for one borough);
    ``as_at`` (a date): the survey quarters ended by then and the actions' statuses then.
    ``measure_gaps``: a dict the caller keeps for ``survey`` (the same series and targets each
    time), filled here with each borough's and driver's MeasureGaps as they are first needed
    and read from it after (they depend on the survey alone); the values are shared.
    """
    if not scope_for(user).read_all:
        return {}
    if boroughs is None:
        boroughs = list(Borough.objects.visible_to(user).filter(is_synthetic=False))
    drivers = drivers if drivers is not None else mps_drivers()
    borough_ids = [b.pk for b in boroughs]
    measure_ids = {m.pk for d in drivers for m in d.measures.all() if m.unit != "qualitative"}
    if survey is None:
        survey = (
            _recent_readings(user, measure_ids, borough_ids if len(borough_ids) <= 5 else None, as_at=as_at),
            _current_targets(measure_ids, borough_ids, on=as_at),
        )
    series, targets = survey
    if action_counts is not None and (action_lists is not None or not with_actions):
        counts, listed = action_counts, action_lists or {}
    else:
        actions = Action.objects.visible_to(user).filter(objective__plan__borough_id__in=borough_ids)
        counts, listed = _action_counts(
            actions.with_status(as_at), [d.pk for d in drivers], with_actions=with_actions
        )
    return {
        borough.pk: [
            DriverGap(
                borough=borough,
                driver=driver,
                measures=_kept_measure_gaps(measure_gaps, driver, borough, series, targets),
                counts=counts.get((borough.pk, driver.pk), {}),
                actions=listed.get((borough.pk, driver.pk), []),
                importance=(importance or {}).get(driver.slug),
            )
            for driver in drivers
        ]
        for borough in boroughs
    }


def importance_weights():
    """Importance shares per driver slug from the latest kept key-driver analysis (the shipped
    synthetic sample when none is kept), and where they come from: see drivers.kept.driver_weights."""
    from drivers.kept import driver_weights

    return driver_weights()


def borough_driver_gaps(borough, user, *, as_at=None, drivers=None, survey=None, known=NOTHING_KNOWN):
    """Context of the driver-gap panel of a borough dashboard (``as_at``, ``drivers``, ``survey``:
    see driver_gaps; ``known``: its ``action_counts``, ``action_lists`` and ``weights``, when the
    caller has them)."""
    weights = known.weights or importance_weights()
    gaps = driver_gaps(
        user,
        boroughs=[borough],
        importance=weights["shares"],
        with_actions=True,
        as_at=as_at,
        drivers=drivers,
        survey=survey,
        action_counts=known.action_counts,
        action_lists=known.action_lists,
        measure_gaps=known.measure_gaps,
    )
    rows = gaps.get(borough.pk, [])
    return {"rows": rows, "blind": [r for r in rows if r.blind], "weights": weights}


NO_PLAN_FLAG = "No plan recorded: not scored"


def split_by_plan(boroughs, planned=None):
    """(the boroughs with a plan recorded, those with none), each in the given order: one query,
    none with ``planned`` (the ids of the boroughs with a plan, read by the caller). A borough with
    no plan is never scored for driver gaps: it is listed apart."""
    if planned is None:
        planned = set(
            Plan.objects.filter(borough__in=[b.pk for b in boroughs]).values_list("borough_id", flat=True)
        )
    return [b for b in boroughs if b.pk in planned], [b for b in boroughs if b.pk not in planned]


def london_driver_gaps(user, *, boroughs=None, as_at=None, known=NOTHING_KNOWN, survey=None):
    """Context of the oversight panel: for each borough with a plan its blind drivers and total
    weighted score (``rows``, most blind first); the boroughs with no plan recorded apart
    (``no_plan``, by name), never scored. ``known``: the boroughs, plans and drivers the caller
    has read (``readings.Known``); ``survey``: see ``driver_gaps``."""
    weights = known.weights or importance_weights()
    drivers = known.drivers if known.drivers is not None else mps_drivers()
    boroughs = boroughs if boroughs is not None else known.boroughs
    if boroughs is None:
        boroughs = list(Borough.objects.visible_to(user).filter(is_synthetic=False))
    boroughs, no_plan = split_by_plan(boroughs, known.planned)
    gaps = driver_gaps(
        user,
        boroughs=boroughs,
        importance=weights["shares"],
        drivers=drivers,
        as_at=as_at,
        survey=survey,
        action_counts=known.action_counts,
        measure_gaps=known.measure_gaps,
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
    no_plan = sorted(no_plan, key=lambda b: b.name) if scope_for(user).read_all else []
    return {"rows": rows, "drivers": drivers, "weights": weights, "no_plan": no_plan}
