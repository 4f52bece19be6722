"""Dashboard figures: plain functions over the page's scoped, filtered ActionFilterSet.

Layers: ``counts`` (Counts per status, stale, overdue, grouped in SQL), ``links`` (drill-down
query strings, status cells), ``moves`` (what moved between two dates), ``trend`` (the monthly
trend from the status history), ``coverage`` (driver coverage cells), ``frame`` (what every
panel of a page shares, read from its FilterSet), ``london`` (the oversight dashboard) and ``borough``
(each dashboard as one named step per panel), ``changes`` (the oversight list of moved actions) and ``panels``
(the panels taken from outcomes, the force plan and the reporting cycle; the pages' entry
points ``oversight_page`` and ``borough_page``).
"""

from .borough import borough_dashboard
from .changes import CHANGES_LIMIT, changes_in_view
from .counts import (
    ON_TRACK,
    STATUSES,
    Counts,
    group_counts,
    review_intervals,
    state_annotations,
    statuses_by_action,
    total_counts,
)
from .coverage import AT_RISK, CONFIDENCE_FRAMEWORK, COVERED, GAP, Cell, confidence_drivers, coverage_state
from .frame import Frame
from .links import FILTER_KEYS, base_query, drill, status_cells, with_as_at
from .london import BOROUGHS_PER_PAGE, SORT_KEYS, BcuGroup, BoroughRow, oversight, parse_sort
from .moves import MOVE_ORDER, Move, moves_between, moves_since
from .panels import borough_page, oversight_page
from .trend import TREND_MONTHS, month_ends, monthly_trend

__all__ = [
    "AT_RISK",
    "BOROUGHS_PER_PAGE",
    "CHANGES_LIMIT",
    "CONFIDENCE_FRAMEWORK",
    "COVERED",
    "FILTER_KEYS",
    "GAP",
    "MOVE_ORDER",
    "ON_TRACK",
    "SORT_KEYS",
    "STATUSES",
    "TREND_MONTHS",
    "BcuGroup",
    "BoroughRow",
    "Cell",
    "Counts",
    "Frame",
    "Move",
    "base_query",
    "borough_dashboard",
    "borough_page",
    "changes_in_view",
    "confidence_drivers",
    "coverage_state",
    "drill",
    "group_counts",
    "month_ends",
    "monthly_trend",
    "moves_between",
    "moves_since",
    "oversight",
    "oversight_page",
    "parse_sort",
    "review_intervals",
    "state_annotations",
    "status_cells",
    "statuses_by_action",
    "total_counts",
    "with_as_at",
]
