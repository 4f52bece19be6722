"""Import survey measure readings (MOPAC Public Attitude Survey) per borough and for London.

Two layouts are read, as CSV or as an Excel workbook (.xlsx):

(a) a plain long table, one reading a row, with the columns
    ``borough``  — borough name as official sources write it (see ``boroughs``), ONS code
                   (E09…), or "London" / "MPS" for the London figure;
    ``period``   — the last day of the quarter (a date, 2023-03-31 or 31/03/2023), a quarter
                   of the UK financial year as publications write it ("Q4 2022-23",
                   "Q4 2022/23", "2022-23 Q4", "Q4 22/23"), a calendar quarter ("Q1 2023",
                   "Jan-Mar 2023") or the quarter's last month ("Mar-23");
    ``measure``  — the measure's name ("Good job local"; MOPAC's labels are accepted too);
    ``value``    — the share agreeing, in percent (0–100) or as a proportion (0–1).
(b) MOPAC's published layout: the ``Borough`` sheet of its trust-and-confidence dashboard
    workbook (or a CSV export of it), columns ``Date, Survey, Borough, Measure, Proportion, MPS``,
    ``MPS`` being the London figure for the same quarter and measure.

Whether a file holds proportions or percentages is decided over the whole file: proportions are
converted (and the preview says so), a mix of both is refused. A CSV's separator (``,`` ``;`` or
tab) and decimal commas are detected. Invisible characters are removed before matching. An
unknown borough or measure is an error, never skipped. The import is all or nothing: every row
is checked first, and if any row is wrong nothing is written and a row-by-row report (sheet,
row, column, problem, expected) is returned. Importing the same figures again changes nothing;
a changed figure for an existing quarter is updated in place, and one that moves by more than
10 points is flagged in the preview and written only when accepted.
"""

from .boroughs import BoroughNames
from .cells import parse_period
from .reader import MEASURE_ALIASES
from .results import LARGE_MOVE_POINTS, Change, MeasuresImportResult, RowError
from .service import can_import_measures, import_measures

__all__ = [
    "LARGE_MOVE_POINTS",
    "MEASURE_ALIASES",
    "BoroughNames",
    "Change",
    "MeasuresImportResult",
    "RowError",
    "can_import_measures",
    "import_measures",
    "parse_period",
]
