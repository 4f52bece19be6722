"""Target arithmetic: the trajectory from baseline to target, the gap of a reading to it, the trend
between two readings."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..models import MeasureReading, Target


def latest_reading(measure, borough):
    """(period_end, value) of the borough's latest reading of the measure, or (None, None)."""
    row = (
        MeasureReading.objects.filter(measure=measure, borough=borough)
        .order_by("-period_end")
        .values_list("period_end", "value")
        .first()
    )
    return row or (None, None)


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
