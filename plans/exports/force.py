"""The force-wide plan's sheets: Force plan and Milestones (rows from plans.force)."""

from ..force import force_plan_rows, milestone_rows
from .sheet import Column

FORCE_PLAN_HEADERS = [
    "Theme",
    "Trust Test dimension",
    "Source plan",
    "Strand",
    "Activity",
    "Lead",
    "Status",
    "Latest commentary",
    "Contributing boroughs",
    "Contributing borough actions",
]


MILESTONE_HEADERS = [
    "Period",
    "Starts",
    "Ends",
    "Milestone",
    "Lead",
    "Met-led or external",
    "Status",
    "Completed on",
]


def write_force_plan(ctx):
    """Sheet writer of the Excel export (plans.exports.SHEETS): the "Force plan" sheet."""
    rows = force_plan_rows(ctx.user)
    if not rows:
        return 0
    widths = {"Activity": 60, "Latest commentary": 50, "Theme": 30}
    kinds = {"Contributing borough actions": "int"}
    columns = [
        Column(title, kinds.get(title, "wrap" if title in widths else "text"), widths.get(title, 18))
        for title in FORCE_PLAN_HEADERS
    ]
    sheet = ctx.sheet("Force plan", columns)
    for row in rows:
        sheet.write(row)
    return sheet.close()


def write_force_milestones(ctx):
    """Sheet writer of the Excel export: the force plan's "Milestones", status as at the export date."""
    rows = milestone_rows(ctx.user, ctx.as_at)
    if not rows:
        return 0
    kinds = {"Starts": "date", "Ends": "date", "Completed on": "date", "Milestone": "wrap", "Lead": "wrap"}
    widths = {"Milestone": 60, "Lead": 30, "Starts": 12, "Ends": 12, "Completed on": 12}
    columns = [Column(title, kinds.get(title, "text"), widths.get(title, 16)) for title in MILESTONE_HEADERS]
    sheet = ctx.sheet("Milestones", columns)
    for row in rows:
        sheet.write(row)
    return sheet.close()
