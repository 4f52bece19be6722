"""Read an .xlsx workbook as a person sees it in Excel, streaming, into the row stream.

The sheet XML is streamed with ``upload_safety.iter_xml`` (lxml, no DTD or entities); each row is
turned into ``RawCell`` objects at once and only rows with data are kept, counted against the
cell and row budgets (``upload_safety.CellBudget``), so a sheet formatted down to row 1,048,576
costs time in proportion to its XML (itself bounded) and no memory. What a person sees decides:

- sheets hidden in Excel (``state="hidden"``/``"veryHidden"``) and the product's own export
  sheets (Summary, Status history, …) are not read (a note says so);
- a merged cell's value and fill apply to every row the merge spans (the first column of the
  range), as the block looks in Excel;
- numbers formatted as dates are dates (1900 and 1904 date systems);
- a formula is flagged (never evaluated), with its text for the message.
"""

import datetime as dt
import io
import re
import zipfile

from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ..upload_safety import CellBudget, UploadRejected, count_xml_values, iter_xml
from .stream import EMPTY, RawCell, Sheet, StreamRow

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
SKIP_SHEETS = {
    "summary",
    "status history",
    "driver coverage",
    "driver gaps",
    "about",
    "instructions",
    "reference",
    "force plan",
    "milestones",
}
_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def column_index(letters):
    """0-based index of a column's letters: "A" -> 0, "AA" -> 26."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


class _Styles:
    """The fill colour and date-ness of each cell style index (styles.xml ``cellXfs``)."""

    def __init__(self, archive, name):
        self.formats, self.fills, self.xfs = {}, [], []
        if "xl/styles.xml" not in archive.namelist():
            return
        tags = (MAIN + "numFmt", MAIN + "fills", MAIN + "cellXfs")
        for element in iter_xml(archive, "xl/styles.xml", tags, name=name):
            if element.tag == MAIN + "numFmt":
                self.formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif element.tag == MAIN + "fills":
                self.fills = [_fill_colour(fill) for fill in element]
            else:
                self.xfs = [(int(x.get("numFmtId", "0")), int(x.get("fillId", "0"))) for x in element]
        self._cache = {}

    def style(self, index):
        """(colour, is_date) of a style index."""
        found = self._cache.get(index) if self.xfs else ("", False)
        if found is None:
            fmt, fill = self.xfs[index] if 0 <= index < len(self.xfs) else (0, 0)
            code = self.formats.get(fmt) or BUILTIN_FORMATS.get(fmt, "General")
            colour = self.fills[fill] if 0 <= fill < len(self.fills) else ""
            found = self._cache[index] = (colour, is_date_format(code))
        return found


def _fill_colour(fill):
    pattern = fill.find(MAIN + "patternFill")
    if pattern is None or pattern.get("patternType") != "solid":
        return ""
    colour = pattern.find(MAIN + "fgColor")
    if colour is None:
        return ""
    if colour.get("rgb") and len(colour.get("rgb")) >= 6:
        return colour.get("rgb")[-6:].upper()
    indexed = colour.get("indexed")
    if indexed is not None and indexed.isdigit() and int(indexed) < len(COLOR_INDEX) - 2:
        return COLOR_INDEX[int(indexed)][-6:].upper()
    return "theme"


def _text_of(element):
    """The text of a shared or inline string: its runs joined, phonetic runs left out."""
    if element is None:
        return ""
    parts = []
    for t in element.iter(MAIN + "t"):
        if t.getparent().tag != MAIN + "rPh":
            parts.append(t.text or "")
    return "".join(parts)


def _workbook(archive, name):
    """[(title, part, state)] of the worksheets in tab order, and the date epoch."""
    targets = {}
    for rel in iter_xml(archive, "xl/_rels/workbook.xml.rels", (PKG_REL + "Relationship",), name=name):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    sheets, epoch = [], CALENDAR_WINDOWS_1900
    for element in iter_xml(archive, "xl/workbook.xml", (MAIN + "sheet", MAIN + "workbookPr"), name=name):
        if element.tag == MAIN + "workbookPr":
            if element.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
            continue
        part = targets.get(element.get(REL + "id"), "")
        sheets.append((element.get("name", ""), part, element.get("state", "visible")))
    return sheets, epoch


def _shared_strings(archive, name, budget):
    part = "xl/sharedStrings.xml"
    if part not in archive.namelist():
        return []
    strings = []
    for si in iter_xml(archive, part, (MAIN + "si",), name=name):
        strings.append(_text_of(si))
        if len(strings) > budget.max_cells:
            raise UploadRejected(f"'{name}' has more than {budget.max_cells:,} distinct texts. Refused.")
    return strings


def read_xlsx(data, name):
    """Read a checked workbook's visible sheets. Returns (sheets, notes, rows with data read).

    Raises UploadRejected for a damaged part or a budget passed.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRejected(f"'{name}' is damaged or truncated and cannot be opened.") from None
    budget = CellBudget(name)
    notes = []
    with archive:
        titles, epoch = _workbook(archive, name)
        parts = [part for _title, part, state in titles if state == "visible" and part in archive.namelist()]
        budget.check_count(sum(count_xml_values(archive, part) for part in parts))
        styles = _Styles(archive, name)
        strings = _shared_strings(archive, name, budget)
        sheets = []
        for title, part, state in titles:
            if state != "visible":
                notes.append(f"Sheet '{title}' is hidden in Excel: it was not read.")
                continue
            if title.strip().lower() in SKIP_SHEETS or part not in archive.namelist():
                continue
            reader = _SheetReader(title, styles, strings, epoch, budget)
            tags = (MAIN + "row", MAIN + "mergeCell")
            for element in iter_xml(archive, part, tags, name=name, drop=drop_empty_rows):
                reader.take(element)
            sheets.append(reader.finish())
    return sheets, notes, budget.rows


class _SheetReader:
    def __init__(self, title, styles, strings, epoch, budget):
        self.sheet = Sheet(title)
        self.styles, self.strings, self.epoch, self.budget = styles, strings, epoch, budget
        self.merges = []
        self.last_row = 0

    def take(self, element):
        if element.tag == MAIN + "mergeCell":
            self.merges.append(element.get("ref", ""))
            return
        number = int(element.get("r") or self.last_row + 1)
        self.last_row = number
        cells = {}
        column = -1
        for c in element.iter(MAIN + "c"):
            ref = _REF.match(c.get("r") or "")
            column = column_index(ref.group(1)) if ref else column + 1
            cell = self._cell(c)
            if cell is not None:
                cells[column] = cell
        if cells:
            self.budget.add_row(len(cells))
            row = [EMPTY] * (max(cells) + 1)
            for index, cell in cells.items():
                row[index] = cell
            self.sheet.rows.append(StreamRow(number, self.sheet.name, number, row))

    def _cell(self, c):
        kind = c.get("t", "n")
        colour, is_date = self.styles.style(int(c.get("s", "0")))
        formula = c.find(MAIN + "f")
        v = c.find(MAIN + "v")
        raw = v.text if v is not None else None
        if formula is not None:
            return RawCell(f"={formula.text or ''}", formula=True, colour=colour)
        if kind == "s" and raw is not None:
            index = int(raw)
            value = self.strings[index] if 0 <= index < len(self.strings) else ""
        elif kind == "inlineStr":
            value = _text_of(c.find(MAIN + "is"))
        elif kind == "b":
            value = raw == "1"
        elif kind == "d" and raw:
            value = dt.datetime.fromisoformat(raw.rstrip("Z"))
        elif kind == "n" and raw:
            number = float(raw)
            value = int(number) if number.is_integer() and not is_date else number
            if is_date:
                value = from_excel(number, self.epoch)
        else:
            value = raw
        if (value is None or value == "") and not colour:
            return None
        return RawCell(value, colour=colour)

    def finish(self):
        """Apply merged ranges to the rows kept, then return the sheet."""
        rows = {row.number: row for row in self.sheet.rows}
        for ref in self.merges:
            corners = _REF.findall(ref)
            if len(corners) != 2:
                continue
            (c1, r1), (_c2, r2) = corners
            top, column = rows.get(int(r1)), column_index(c1)
            if top is None or column >= len(top.cells) or top.cells[column] is EMPTY:
                continue
            for number in range(int(r1) + 1, int(r2) + 1):
                row = rows.get(number)
                if row is not None:
                    if column >= len(row.cells):
                        row.cells.extend([EMPTY] * (column + 1 - len(row.cells)))
                    row.cells[column] = top.cells[column]
        return self.sheet


_EMPTY_ROW = re.compile(rb"<row\b[^>]*/>|<row\b[^>]*>(?:<c\b[^>]*/>)*</row>")


def drop_empty_rows(chunk):
    """Remove rows with no cell content before parsing: ``<row r="9" s="1"/>`` and rows of
    self-closed cells only. A self-closed cell has no value; its fill is lost only where the row
    holds nothing else, and such a row is never an action."""
    return _EMPTY_ROW.sub(b"", chunk)
