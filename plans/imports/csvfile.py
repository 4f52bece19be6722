"""Read a plan written as a CSV file into the row stream.

UTF-8 text (a byte-order mark is fine); the separator (``,``, ``;`` or tab) is the one that
splits the first line most. Rows are named by their line in the file as a spreadsheet shows it
("row 5"), columns by letter, as Excel shows a CSV file. Rows whose every field is blank are
not rows.
"""

import csv
import io

from ..upload_safety import CellBudget, UploadRejected, count_csv_cells, decode_csv, sniff_delimiter
from .stream import RawCell, Sheet, StreamRow


def read_csv(data, name):
    """Read a checked CSV file. Returns ([Sheet], notes, rows with data read)."""
    text = decode_csv(data, name)
    delimiter = sniff_delimiter(text)
    sheet = Sheet(name)
    budget = CellBudget(name)
    budget.check_count(count_csv_cells(text, delimiter, name))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            filled = sum(1 for v in values if v.strip())
            if filled:
                budget.add_row(filled)
                sheet.rows.append(StreamRow(number, name, number, [RawCell(v) for v in values]))
    except csv.Error:
        raise UploadRejected(f"'{name}' is not a readable CSV file (a quote is not closed?).") from None
    notes = (
        [] if delimiter == "," else [f"Columns separated by '{'tab' if delimiter == chr(9) else delimiter}'."]
    )
    return [sheet], notes, budget.rows
