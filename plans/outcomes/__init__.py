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
- a borough with no plan recorded is never scored: it is listed apart.
- a driver is *below* when any of its measures is below London or off target; it is *blind*
  when it is below and the borough's plan has no action serving it, or only Red ones.
- *weighted gap score*: the driver's importance share (key-driver analysis) × its shortfall in
  percentage points (the largest of: points below London, points below the target trajectory).

Layers: ``loading`` (the shipped targets), ``readings`` (queries), ``targets`` (arithmetic),
``headline`` and ``gaps`` (figures, the selectors), ``charts`` (SVG geometry), ``panels`` (the
dashboards' context), ``rows`` (the workbook's survey sheets, written by plans.exports.outcomes).
Setting a target is plans.services.targets.
"""

from .gaps import (
    NO_PLAN_FLAG,
    DriverGap,
    MeasureGap,
    borough_driver_gaps,
    driver_gaps,
    importance_weights,
    london_driver_gaps,
)
from .headline import HeadlineCell, HeadlineRow, VsLondon, oversight_measures, sort_headline_rows
from .loading import load_targets
from .panels import (
    MeasurePanel,
    borough_measures,
    borough_panel,
    measure_panel,
    measures_by_borough,
    oversight_panel,
)
from .readings import Known, applicable_target
from .rows import DRIVER_GAP_COLUMNS, driver_gap_rows, measure_rows
from .targets import TargetGap, Trend, latest_reading, target_gap, trajectory_value, trend

__all__ = [
    "DRIVER_GAP_COLUMNS",
    "NO_PLAN_FLAG",
    "DriverGap",
    "HeadlineCell",
    "HeadlineRow",
    "Known",
    "MeasureGap",
    "MeasurePanel",
    "TargetGap",
    "Trend",
    "VsLondon",
    "applicable_target",
    "borough_driver_gaps",
    "borough_measures",
    "borough_panel",
    "driver_gap_rows",
    "driver_gaps",
    "importance_weights",
    "latest_reading",
    "load_targets",
    "london_driver_gaps",
    "measure_panel",
    "measure_rows",
    "measures_by_borough",
    "oversight_measures",
    "oversight_panel",
    "sort_headline_rows",
    "target_gap",
    "trajectory_value",
    "trend",
]
