"""Rows of the survey sheets of the workbook (Driver gaps, Measures): plain values."""

from ..choices import STATUS_ORDER
from ..models import Borough
from ..querysets import scope_for
from .gaps import NO_PLAN_FLAG, driver_gaps, importance_weights, split_by_plan
from .panels import measures_by_borough

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


def _no_plan_row(borough):
    """The Driver gaps row of a borough with no plan recorded: named and flagged, never scored."""
    row = [None] * len(DRIVER_GAP_COLUMNS)
    for title in ("Driver", "Measure", "Off target"):
        row[DRIVER_GAP_COLUMNS.index(title)] = ""
    row[0] = borough.name
    row[DRIVER_GAP_COLUMNS.index("Flag")] = NO_PLAN_FLAG
    return row


def driver_gap_rows(user, *, boroughs=None):
    """Rows of the "Driver gaps" sheet: one per borough with a plan, driver and measure (plain
    values); then one row per borough with no plan recorded, flagged so and never scored."""
    if not scope_for(user).read_all:
        return []
    weights = importance_weights()
    if boroughs is None:
        boroughs = list(Borough.objects.visible_to(user).filter(is_synthetic=False))
    boroughs, no_plan = split_by_plan(boroughs)
    gaps = driver_gaps(user, boroughs=boroughs, importance=weights["shares"])
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
    return rows + [_no_plan_row(borough) for borough in no_plan]


def _f(value):
    return None if value is None else float(value)


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
