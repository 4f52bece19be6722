"""How a CSV file was written: its separator (``,`` ``;`` or tab) and its decimal mark.

Excel saves "CSV" with the list separator of the machine's locale: ``;`` and decimal commas
("71,5") across most of Europe, and sometimes a first line ``sep=;``. The separator is chosen
as the one that splits the header into the most known column names (then the most columns,
consistently over the first rows); the decimal comma is read in number cells whatever the
separator, and reported when seen. Applied to the text that ``upload_safety`` decoded.
"""

import csv
import io
from dataclasses import dataclass

from ..upload_safety import MAX_ROWS, UploadRejected, decode_csv
from .text import key

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
_SAMPLE_LINES = 30


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read: its rows (lists of strings, header first) and the separator used."""

    rows: list
    separator: str

    @property
    def separator_name(self):
        return SEPARATORS[self.separator]


def read_csv_table(upload, known_columns, *, max_rows=MAX_ROWS):
    """Decode ``upload`` (a SafeUpload), detect its separator, and return a CsvTable.

    ``known_columns`` is a set of header names in ``key`` form. Rows that hold nothing are not
    counted towards ``max_rows``. Raises UploadRejected for text that is not CSV, or too long.
    """
    text = decode_csv(upload.data, upload.name)
    first, _, rest = text.partition("\n")
    declared = first.strip().lower()
    if declared.startswith("sep=") and declared[4:5] in SEPARATORS:
        separator, text = declared[4:5], rest
    else:
        separator = sniff_separator(text, known_columns)
    rows = []
    counted = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
            rows.append(row)
            counted += any(cell.strip() for cell in row)
            if counted > max_rows + 1:
                raise UploadRejected(
                    f"'{upload.name}' has more than {max_rows:,} rows; split it and import each part."
                )
    except csv.Error as exc:
        raise UploadRejected(f"'{upload.name}' is not a readable CSV file ({exc}).") from None
    return CsvTable(rows=rows, separator=separator)


def sniff_separator(text, known_columns):
    """The separator that best splits the first lines: most known headers, then most columns."""
    lines = [line for line in text.splitlines()[:_SAMPLE_LINES] if line.strip()]
    if not lines:
        return ","

    def score(separator):
        try:
            rows = list(csv.reader(lines, delimiter=separator))
        except csv.Error:
            return (-1, 0, 0)
        header = {key(cell) for cell in rows[0]}
        widths = {len(row) for row in rows}
        return (len(header & known_columns), len(rows[0]) if len(widths) == 1 else 0, len(rows[0]))

    return max(SEPARATORS, key=score)
