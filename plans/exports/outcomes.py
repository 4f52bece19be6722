"""The survey sheets: Driver gaps and Measures (figures from plans.outcomes)."""

from ..choices import STATUS_ORDER
from ..models import Borough
from ..outcomes import DRIVER_GAP_COLUMNS, driver_gap_rows, measure_rows
from .sheet import Column


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


# Kinds of the "Driver gaps" columns that are not text (plans.outcomes.DRIVER_GAP_COLUMNS).
DRIVER_GAP_KINDS = {
    "Measures below London": "int",
    "Measures off target": "int",
    "Shortfall (points)": "number",
    "Actions": "int",
    **{s.label: "int" for s in STATUS_ORDER},
    "Importance share": "share",
    "Weighted gap score": "number",
}


def write_driver_gaps(ctx):
    """Sheet writer of the Excel export (plans.exports.SHEETS): the "Driver gaps" sheet, one row
    per borough and driver (the weighted gap score once each, so a pivot table sums it once)."""
    widths = {"Measures": 40, "Flag": 40}
    columns = [
        Column(title, kind, widths.get(title, 22 if kind == "text" else 12))
        for title in DRIVER_GAP_COLUMNS
        for kind in [DRIVER_GAP_KINDS.get(title, "text")]
    ]
    sheet = ctx.sheet("Driver gaps", columns)
    for row in driver_gap_rows(ctx.user, boroughs=export_boroughs(ctx.filterset, ctx.user)):
        sheet.write(row)
    return sheet.close()


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


def write_measures(ctx):
    """Sheet writer of the Excel export (plans.exports.SHEETS): the "Measures" sheet, one row per
    borough in the export's scope and survey measure: latest, London, trend, target and gaps."""
    columns = [Column(title, kind, width) for title, kind, width in MEASURE_COLUMNS]
    sheet = ctx.sheet("Measures", columns)
    # A measure counted rather than a share of respondents is written as a plain number.
    counted = sheet.writers_for([c.kind if c.kind != "percent" else "number" for c in columns])
    for row in measure_rows(ctx.user, boroughs=export_boroughs(ctx.filterset, ctx.user)):
        sheet.write(row["values"], writers=None if row["unit"] == "percent" else counted)
    return sheet.close()
