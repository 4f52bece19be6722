"""The pieces every sheet is made of: columns, the streaming sheet writer, cell escaping.

Safety (formula injection): user text is only ever written with ``write_string`` (never
``write()``), text that a spreadsheet could take for a formula (starting with ``= + - @``, tab,
CR, LF or NUL) also gets Excel's quote prefix, control characters that are illegal in XML are
stripped, and in CSV such a field is prefixed with ``'``.

Writer: XlsxWriter in ``constant_memory`` mode (rows are flushed to a temporary file as they are
written, so memory does not grow with the status history), through ``StreamingWorksheet``, which
escapes each distinct text once and lets the status history share its repeated texts (bounded).
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
import xlsxwriter.worksheet
from django.utils import timezone

from ..choices import STATUS_STYLE, Status

CHUNK = 2000


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


SPOOL_BYTES = 8 * 1024 * 1024


EXCEL_CELL_LIMIT = 32767


RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


RAG_LABELS = {value: label for value, label in Status.choices}


@functools.lru_cache(maxsize=8192)
def safe_text(value):
    """(text, risky): text with illegal control characters removed and capped to one cell;
    ``risky`` when a spreadsheet could read it as a formula (decided before stripping)."""
    text = str(value)
    risky = text.startswith(RISKY_START)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text[:EXCEL_CELL_LIMIT], risky


def csv_text(value):
    """A CSV field that no spreadsheet will evaluate: risky text gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (dt.date, int, float)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    text, risky = safe_text(value)
    return "'" + text if risky else text


def objective_label(number, title):
    """An objective as every sheet writes it: ``"3. Title"`` (its number within the pillar, which
    the Pillar column names beside it), the form the plan import reads back."""
    return f"{number}. {title}"


def local_naive(value):
    """Excel has no time zones: datetimes are written as London local time."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` says how its cells are stored. Percentages are stored one way on every
    sheet, as fractions with a % number format: ``percent`` takes a value in percent (48.3, as
    survey figures are kept) and stores 0.483; ``share`` takes a fraction (0.483) as it is."""

    header: str
    kind: str = "text"  # text | wrap | int | number | percent | share | points | date | datetime | bool | rag
    width: float = 14


class Sheet:
    """One worksheet written row by row: typed cells, frozen header row, autofilter, widths."""

    def __init__(self, ctx, name, columns):
        self.ctx = ctx
        self.name = name
        self.columns = columns
        self.ws = ctx.workbook.add_worksheet(name)
        self.row = 1
        fmt = ctx.formats
        for index, column in enumerate(columns):
            self.ws.set_column(index, index, column.width)
            self.ws.write_string(0, index, column.header, fmt["header"])
        self.ws.freeze_panes(1, 0)
        self.cell_writers = [self._writer(column.kind) for column in columns]

    def _writer(self, kind):
        ws, fmt = self.ws, self.ctx.formats
        text_format = fmt["wrap"] if kind == "wrap" else None

        def text(r, c, v):
            value, risky = safe_text(v)
            ws.write_string(
                r, c, value, fmt["quoted_wrap" if kind == "wrap" else "quoted"] if risky else text_format
            )

        def rag(r, c, v):
            ws.write_string(r, c, RAG_LABELS.get(v, str(v)), fmt[f"rag_{v}"] if v in RAG_LABELS else None)

        return {
            "text": text,
            "wrap": text,
            "int": lambda r, c, v: ws.write_number(r, c, v),
            "number": lambda r, c, v: ws.write_number(r, c, float(v), fmt["number"]),
            # a share given in percent (48.3) is stored as Excel's percentage (0.483, shown 48.3%)
            "percent": lambda r, c, v: ws.write_number(r, c, float(Decimal(v) / 100), fmt["percent"]),
            "share": lambda r, c, v: ws.write_number(r, c, float(v), fmt["percent"]),
            "points": lambda r, c, v: ws.write_number(r, c, float(v), fmt["points"]),
            "date": lambda r, c, v: ws.write_datetime(r, c, v, fmt["date"]),
            "datetime": lambda r, c, v: ws.write_datetime(r, c, v, fmt["datetime"]),
            "bool": lambda r, c, v: ws.write_boolean(r, c, v),
            "rag": rag,
        }[kind]

    def writers_for(self, kinds):
        """Cell writers for other kinds than the columns' own (pass to ``write`` for one row)."""
        return [self._writer(kind) for kind in kinds]

    def write(self, values, writers=None):
        r = self.row
        for c, (write, value) in enumerate(zip(writers or self.cell_writers, values, strict=True)):
            if value is not None and value != "":
                write(r, c, value)
        self.row = r + 1

    def close(self):
        self.ws.autofilter(0, 0, max(self.row - 1, 0), len(self.columns) - 1)
        self.ctx.row_counts[self.name] = self.row - 1
        return self.row - 1


def _formats(workbook):
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#e8e8e8", "bottom": 1, "text_wrap": True}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "quoted": workbook.add_format({"quote_prefix": True}),
        "quoted_wrap": workbook.add_format({"quote_prefix": True, "text_wrap": True, "valign": "top"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "number": workbook.add_format({"num_format": "0.0#"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "points": workbook.add_format({"num_format": "+0.0;-0.0;0.0"}),
        "gap": workbook.add_format({"bg_color": "#fde2c4", "font_color": "#7a3b00"}),
    }
    for status in Status:
        style = STATUS_STYLE[status]
        formats[f"rag_{status.value}"] = workbook.add_format(
            {"bg_color": style["bg"], "font_color": style["fg"], "bold": True}
        )
    return formats


def user_label(user):
    if user is None or not getattr(user, "pk", None):
        return "manage.py (administrator scope)"
    full = user.get_full_name()
    return f"{user.get_username()} ({full})" if full else user.get_username()


class SharedIndex(str):
    """A string cell's number in the workbook's shared strings, where XlsxWriter expects text."""


class StreamingWorksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's constant-memory worksheet, with the costs of its inner loop cut down.

    In constant-memory mode every string cell is written inline and escaped (control
    characters, then XML) each time, yet a status history repeats its boroughs, pillars, action
    texts and authors on every row: the escaped form of up to ``REMEMBER`` distinct strings is
    kept (memory stays bounded whatever the number of rows). Cell attributes (a cell reference
    such as ``B7`` and a style number) need no escaping. Row data goes to a write-only temporary
    file: XlsxWriter's read-write one resets a text decoder on every write. Written with
    ``write_string``, the XML is XlsxWriter's own byte for byte (``tests/test_exports.py``
    compares them); ``write_shared_string`` also stores repeated texts once, as XlsxWriter does
    outside constant-memory mode.
    """

    REMEMBER = 20_000
    SHARE_AT_MOST = 50_000

    def __init__(self):
        super().__init__()
        self._controls = {}
        self._escaped = {}

    def _initialize(self, init_data):
        super()._initialize(init_data)
        if self.constant_memory:
            self.row_data_fh.close()
            self.row_data_fh = self.fh = open(self.row_data_filename, "w", encoding="utf-8")  # noqa: SIM115

    def _opt_reopen(self):
        # Before the sheet is assembled: the row data is read back, so reopen it readable.
        if self.constant_memory and not self.row_data_fh_closed and not self.row_data_fh.readable():
            self.row_data_fh.close()
            self.row_data_fh_closed = True
        super()._opt_reopen()

    def write_shared_string(self, row, col, string, cell_format=None):
        """``write_string`` for text that may repeat down the sheet: stored once in the
        workbook's shared strings (as XlsxWriter does outside constant-memory mode) and referred
        to by each cell. Once ``SHARE_AT_MOST`` distinct texts are shared, a new text is written
        inline, so memory stays bounded whatever the number of rows."""
        table = self.str_table
        if not self.constant_memory or (
            table.unique_count >= self.SHARE_AT_MOST and string not in table.string_table
        ):
            return self._write_string(row, col, string, cell_format)
        string = string[: self.xls_strmax]
        return self._write_string(row, col, SharedIndex(table._get_shared_string_index(string)), cell_format)

    def _escape_control_characters(self, data):
        if type(data) is SharedIndex:
            return data
        return self._remembered(self._controls, data, super()._escape_control_characters)

    def _escape_data(self, data):
        return self._remembered(self._escaped, data, super()._escape_data)

    def _remembered(self, cache, data, escape):
        found = cache.get(data)
        if found is None:
            found = escape(data)
            if len(cache) < self.REMEMBER:
                cache[data] = found
        return found

    def _cell_attributes(self, attributes):
        return "".join(
            f' {key}="{value}"'
            if key == "r" or type(value) is int
            else f' {key}="{self._escape_attributes(value)}"'
            for key, value in attributes
        )

    def _xml_number_element(self, number, attributes=()):
        self.fh.write(f"<c{self._cell_attributes(attributes)}><v>{number:.16G}</v></c>")

    def _xml_inline_string(self, string, preserve, attributes=()):
        if type(string) is SharedIndex:
            self.fh.write(f'<c{self._cell_attributes(attributes)} t="s"><v>{string}</v></c>')
            return
        space = ' xml:space="preserve"' if preserve else ""
        text = self._escape_data(string)
        self.fh.write(
            f'<c{self._cell_attributes(attributes)} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        )
