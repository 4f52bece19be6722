"""Excel and CSV exports of actions, filtered by the one ActionFilterSet and scoped to the user.

The workbook is built by an ordered list of sheet writers (``workbook.SHEETS``); each takes the
``ExportContext`` and adds one worksheet. ``sheet`` holds the columns, the streaming sheet and
the escaping; one module per sheet family: ``actions`` (Summary, Actions, Driver coverage),
``history`` (Status history), ``outcomes`` (Driver gaps, Measures), ``force`` (Force plan,
Milestones); ``workbook`` puts them together (and the About sheet, the CSV and the log);
``scope`` says what a page's export covers (its scope and filters, never its sort or page) and
names that scope in the file name and the About sheet.

Writer: XlsxWriter in ``constant_memory`` mode (rows are flushed to a temporary file as they are
written, so memory does not grow with the status history), through ``StreamingWorksheet``, which
escapes each distinct text once and lets the status history share its repeated texts (bounded).
It measured faster than openpyxl's write-only mode on a synthetic London (see ``bench/``).

Safety (formula injection): user text is only ever written with ``write_string`` (never
``write()``), text that a spreadsheet could take for a formula (starting with ``= + - @``, tab,
CR, LF or NUL) also gets Excel's quote prefix, control characters that are illegal in XML are
stripped, and in CSV such a field is prefixed with ``'``. Querysets are read with
``values_list(...).iterator(chunk_size=...)``: no per-row queries.
"""

from .actions import ExportContext, iter_action_rows
from .sheet import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Column,
    StreamingWorksheet,
    csv_text,
    safe_text,
    user_label,
)
from .workbook import SHEETS, export_filename, export_xlsx_file, iter_csv, log_export, write_workbook

__all__ = [
    "CSV_CONTENT_TYPE",
    "SHEETS",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ExportContext",
    "StreamingWorksheet",
    "csv_text",
    "export_filename",
    "export_xlsx_file",
    "iter_action_rows",
    "iter_csv",
    "log_export",
    "safe_text",
    "user_label",
    "write_workbook",
]
