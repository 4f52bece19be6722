"""CSV output of the API's list endpoints (``?format=csv``), safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return would be taken
as a formula by Excel: it is written with a leading apostrophe instead (SECURITY-NOTES.md).
"""

import csv
import io

from rest_framework.renderers import BaseRenderer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value as CSV text that no spreadsheet will evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def pick(data, path):
    """The value at a dotted ``path`` of serialized data; ``owners[].label`` joins a list."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        items = (data or {}).get(head[:-2]) or []
        return "; ".join(str(pick(item, rest) if rest else item) for item in items)
    value = data.get(head) if isinstance(data, dict) else None
    if rest:
        return pick(value, rest) if value is not None else None
    return value


def csv_lines(columns, rows):
    """Yield CSV text: a header line, then one line per serialized row (RFC 4180 quoting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for header, _ in columns])
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(pick(row, path)) for _, path in columns])
        yield buffer.getvalue()


class CSVRenderer(BaseRenderer):
    """Renders one object or a page as CSV. Lists are streamed by ``CSVListMixin`` instead."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        columns = getattr(view, "csv_columns", None)
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        if not columns:
            keys = list(rows[0]) if rows and isinstance(rows[0], dict) else []
            columns = [(key, key) for key in keys]
        return "".join(csv_lines(columns, rows)).encode("utf-8")
