"""The force-wide plan: the Met's strategic programme of work on trust.

Loads the reviewed fixture (``fixtures/force-plan.yaml``, authored from the Met's January 2022
audit panel paper) and answers the questions the force page, the borough dashboard and the
export ask: the theme × Trust Test matrix, the milestone timetable as at a date, and which
borough actions deliver which force activities. Every selector runs a fixed number of queries.

Layers: ``loading`` (the fixture into the database), ``figures`` (the selectors), ``charts`` (the
timeline's SVG geometry), ``rows`` (the workbook's force sheets, written by plans.exports.force).
Linking a borough action to force activities is plans.services.force_links.
"""

from .charts import timeline_chart
from .figures import (
    DIMENSIONS,
    FORCE_PLAN_SLUG,
    SEVERITY,
    Cell,
    ThemeRow,
    TimelineEntry,
    borough_force_support,
    contributions_by_borough,
    force_activities,
    force_matrix,
    get_force_plan,
    heat_class,
    milestone_counts,
    milestone_state,
    milestone_timeline,
    status_totals,
)
from .loading import FORCE_PLAN_FIXTURE, link_demo_contributions, load_force_plan, read_fixture
from .rows import force_plan_rows, milestone_rows

__all__ = [
    "DIMENSIONS",
    "FORCE_PLAN_FIXTURE",
    "FORCE_PLAN_SLUG",
    "SEVERITY",
    "Cell",
    "ThemeRow",
    "TimelineEntry",
    "borough_force_support",
    "contributions_by_borough",
    "force_activities",
    "force_matrix",
    "force_plan_rows",
    "get_force_plan",
    "heat_class",
    "link_demo_contributions",
    "load_force_plan",
    "milestone_counts",
    "milestone_rows",
    "milestone_state",
    "milestone_timeline",
    "read_fixture",
    "status_totals",
    "timeline_chart",
]
