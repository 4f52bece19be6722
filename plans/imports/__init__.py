"""Import a borough's plan from an Excel workbook, a Word document or a CSV file.

All or nothing, with a row-by-row report and a preview. The package reads each format into one
normalised row stream (``xlsx``, ``docx``, ``csvfile`` → ``stream``), finds the layout (``layout``),
validates (``validate``), matches the existing plan and lists changes and losses (``preview``)
and writes (``write``); ``service.import_plan`` runs the steps; ``text`` holds the one text
normalisation (invisible characters, typographic quotes and dashes) other importers may share.
"""

from ..upload_safety import MAX_ROWS, MAX_UPLOAD_BYTES
from .report import Change, ImportRejected, ImportReport, Problem
from .service import FORMATS, import_plan
from .template import TEMPLATE_COLUMNS, build_template
from .validate import colour_to_rag, parse_due

MAX_BYTES = MAX_UPLOAD_BYTES

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_ROWS",
    "TEMPLATE_COLUMNS",
    "Change",
    "ImportRejected",
    "ImportReport",
    "Problem",
    "build_template",
    "colour_to_rag",
    "import_plan",
    "parse_due",
]
