"""Checks run on an uploaded file *before* any parser touches it, and the budgets while it is read.

The only file-safety check of every importer (survey measures, plans): a file is refused, with a
clear message, when it is of the wrong type (an old .xls/.doc, a macro-enabled workbook, a zip
that is no Office file), too large, a zip bomb (too many members, too much uncompressed data or
XML, an absurd compression ratio), or, while it is read, holds more cells or rows with data than
the budgets allow. Zip members never unpack beyond their declared size (``zipfile`` stops there
and checks the CRC), so the declared sizes bound the XML a parser will see.

XML is parsed only by ``iter_xml`` (lxml, no DTD, no entities, no network; a document type
declaration is refused) or by openpyxl with defusedxml (``open_workbook`` asserts it). Messages
name the file and the part, never a library's internals.

Every check raises ``UploadRejected`` (a ValueError) whose message can be shown to the user.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # rows with data, per file
MAX_CELLS = 250_000  # cells with data (a value or a fill), per file: 20,000 rows of 12 columns
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBER_BYTES = 60 * 1024 * 1024
MAX_XML_BYTES = 48 * 1024 * 1024  # all XML parts together, as declared in the zip
# A Word document is parsed whole (python-docx keeps its tree), so its XML is bounded tighter.
MAX_DOCX_XML_BYTES = 12 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024

XLSX = "xlsx"
DOCX = "docx"
CSV = "csv"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_MACRO_NAMES = (".xlsm", ".xltm", ".xlsb", ".docm", ".dotm")
_KIND_PART = {XLSX: "xl/workbook.xml", DOCX: "word/document.xml"}
_KIND_LABEL = {XLSX: "an Excel workbook (.xlsx)", DOCX: "a Word document (.docx)", CSV: "a CSV file"}


class UploadRejected(ValueError):
    """The file was refused; the message says why and what is expected."""


@dataclass(frozen=True)
class SafeUpload:
    """An upload that passed the checks: its name, kind ("xlsx", "docx" or "csv") and bytes."""

    name: str
    kind: str
    data: bytes


def read_upload(file, *, kinds=(XLSX, CSV), max_bytes=MAX_UPLOAD_BYTES):
    """Read an uploaded file (Django UploadedFile, open binary file or path) and check it.

    Returns a SafeUpload. The kind comes from the content, not only the name: a workbook must
    be a zip holding a workbook part, a CSV must be UTF-8 text.
    """
    name, data = _read_bytes(file, max_bytes)
    return check_upload(name, data, kinds=kinds, max_bytes=max_bytes)


def check_upload(name, data, *, kinds=(XLSX, CSV), max_bytes=MAX_UPLOAD_BYTES):
    """Check bytes already read under ``name``; returns a SafeUpload or raises UploadRejected."""
    name = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    if len(data) > max_bytes:
        raise UploadRejected(_too_big(name, len(data), max_bytes))
    if not data:
        raise UploadRejected(f"'{name}' is empty.")
    kind = _kind(name, data, kinds)
    if kind == CSV:
        decode_csv(data, name)
    else:
        check_zip(data, name, kind=kind)
    return SafeUpload(name=name, kind=kind, data=data)


def _wanted(kinds):
    return " or ".join(f".{k}" for k in kinds)


def _kind(name, data, kinds):
    lower = name.lower()
    if lower.endswith(_MACRO_NAMES):
        raise UploadRejected(
            f"'{name}' is a macro-enabled file: macros are never accepted. Save it as an Excel "
            "Workbook (.xlsx) or Word Document (.docx) and upload that."
        )
    if data.startswith(_OLE_MAGIC):
        if lower.endswith((".doc", ".dot")):
            raise UploadRejected(
                f"'{name}' is an old Word 97–2003 document (.doc): open it in Word and save it as .docx."
            )
        raise UploadRejected(
            f"'{name}' is an old Excel 97–2003 (.xls) or Word (.doc) file: save it as an Excel "
            "Workbook (.xlsx) or a Word Document (.docx)."
        )
    if data.startswith(_ZIP_MAGIC):
        for kind in (XLSX, DOCX):
            if kind in kinds and (lower.endswith(f".{kind}") or _has_part(data, _KIND_PART[kind])):
                return kind
        if CSV in kinds and lower.endswith(".csv"):
            raise UploadRejected(f"'{name}' is a workbook or zip file, not CSV text: save it as .xlsx.")
        raise UploadRejected(
            f"'{name}' is a zip file but not a file this import reads: upload a {_wanted(kinds)} file."
        )
    if CSV in kinds and lower.endswith(".csv"):
        return CSV
    labels = " or ".join(_KIND_LABEL[k] for k in kinds)
    if XLSX in kinds and lower.endswith(".xlsx"):
        raise UploadRejected(f"'{name}' is not an Excel workbook (.xlsx): the file does not start like one.")
    raise UploadRejected(f"'{name}' is not a file this import reads: upload {labels}.")


def _has_part(data, part):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _read_bytes(file, max_bytes):
    if isinstance(file, (str, bytes)) or hasattr(file, "__fspath__"):
        from pathlib import Path

        path = Path(file)
        if not path.is_file():
            raise UploadRejected(f"No such file: {path}")
        if path.stat().st_size > max_bytes:
            raise UploadRejected(_too_big(path.name, path.stat().st_size, max_bytes))
        return path.name, path.read_bytes()
    name = getattr(file, "name", "upload") or "upload"
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise UploadRejected(_too_big(name, size, max_bytes))
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRejected(_too_big(name, len(data), max_bytes))
    if not data:
        raise UploadRejected(f"'{name}' is empty.")
    return name, data


def _too_big(name, size, limit):
    return f"'{name}' is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB."


def check_zip(data, name="workbook", *, kind=XLSX):
    """Refuse an Office file that is not a zip, carries macros, or would expand too far."""
    label = _KIND_LABEL[kind]
    if not data.startswith(_ZIP_MAGIC):
        raise UploadRejected(f"'{name}' is not {label}: it is not a zip file.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRejected(f"'{name}' is damaged or truncated and cannot be opened as {label}.") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadRejected(f"'{name}' has {len(members)} parts; an Office file has far fewer. Refused.")
    total = xml = 0
    for member in members:
        total += member.file_size
        if member.filename.lower().endswith((".xml", ".rels", ".vml")):
            xml += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            raise UploadRejected(
                f"'{name}' would expand to more than {MAX_MEMBER_BYTES // 1048576} MB (a zip bomb?). Refused."
            )
        big = member.file_size > RATIO_CHECK_FROM_BYTES  # small parts may compress far, harmlessly
        if big and member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
            raise UploadRejected(f"'{name}' is compressed suspiciously far (a zip bomb?). Refused.")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UploadRejected(
            f"'{name}' would expand to more than {MAX_UNCOMPRESSED_BYTES // 1048576} MB "
            "(a zip bomb?). Refused."
        )
    limit = MAX_DOCX_XML_BYTES if kind == DOCX else MAX_XML_BYTES
    if xml > limit:
        raise UploadRejected(
            f"'{name}' holds {xml / 1048576:.0f} MB of XML; the limit is {limit // 1048576} MB. "
            "Remove unused rows and formatting, or split the file."
        )
    names = {m.filename for m in members}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRejected(
            f"'{name}' carries macros (a VBA project): macros are never accepted. Save it as a file "
            "without macros (Excel Workbook .xlsx, Word Document .docx) and upload that."
        )
    if "[Content_Types].xml" not in names or _KIND_PART[kind] not in names:
        raise UploadRejected(f"'{name}' is a zip file but not {label}.")


def iter_xml(archive, part, tags, *, name="file", drop=None):
    """Stream the elements named ``tags`` (Clark names) of one zip part, each once, at its end.

    ``drop`` (a function of a chunk of bytes that ends at a ``>``) may remove, before parsing,
    elements that cannot matter (a sheet's formatted empty rows), so that their number costs
    no parsing.

    lxml with no DTD loading, no entity resolution and no network; a part that declares a
    document type is refused, and malformed XML is refused with a message naming the part (not
    the parser's). The caller must not keep the elements: each is cleared after it is handled.
    """
    from lxml import etree

    with archive.open(part) as handle:
        head = handle.read(2048)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise UploadRejected(f"'{name}' is refused: its part {part} declares a document type.")
        stream = _Rewound(head, handle, drop)
        parser = etree.iterparse(
            stream,
            events=("end",),
            tag=tags,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        try:
            for _event, element in parser:
                yield element
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError:
            raise UploadRejected(f"'{name}' is damaged: its part {part} is not well-formed XML.") from None
        except zipfile.BadZipFile:
            raise UploadRejected(f"'{name}' is damaged: its part {part} does not unpack.") from None


class _Rewound(io.RawIOBase):
    """A read-only stream of ``head`` then the rest of ``handle``, in chunks cut after a ``>``
    and passed through ``drop`` when given."""

    def __init__(self, head, handle, drop=None):
        self._pending, self._handle, self._drop = head, handle, drop

    def readable(self):
        return True

    def read(self, size=-1):
        out = b""
        while not out:
            more = self._handle.read(max(size, 1 << 16))
            chunk = self._pending + more
            if not more:  # the end: whatever is left, as it is
                self._pending = b""
                return self._drop(chunk) if self._drop and chunk else chunk
            cut = chunk.rfind(b">") + 1
            if cut == 0:
                self._pending = chunk
                continue
            out, self._pending = chunk[:cut], chunk[cut:]
            if self._drop:
                out = self._drop(out)
        return out


class CellBudget:
    """Counts the cells and rows with data of one file; raises UploadRejected past a limit."""

    def __init__(self, name, *, max_cells=MAX_CELLS, max_rows=MAX_ROWS, header_rows=0):
        self.name, self.max_cells, self.max_rows = name, max_cells, max_rows
        self.header_rows = header_rows  # rows allowed on top of max_rows (a heading row)
        self.cells = self.rows = 0

    def check_count(self, cells):
        """Refuse at once when a quick count (before parsing) already passes the cell budget."""
        if cells > self.max_cells:
            self._too_many_cells()

    def _too_many_cells(self):
        raise UploadRejected(
            f"'{self.name}' has more than {self.max_cells:,} cells with data; split it and import each part."
        )

    def add_row(self, cells):
        """Count one row with data holding ``cells`` cells with data."""
        self.rows += 1
        self.cells += cells
        if self.rows > self.max_rows + self.header_rows:
            raise UploadRejected(
                f"'{self.name}' has more than {self.max_rows:,} rows with data; "
                "split it and import each part."
            )
        if self.cells > self.max_cells:
            self._too_many_cells()


def decode_csv(data, name="file"):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRejected(f"'{name}' is not UTF-8 text: save the CSV as 'CSV UTF-8'.") from None


def count_csv_cells(text, delimiter=",", name="file"):
    """The number of non-empty fields of a CSV text, counted at the csv module's speed (a quick
    first pass, so that a file over the cell budget is refused before any work per cell)."""
    try:
        return sum(
            len(row) - row.count("") for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        )
    except csv.Error:
        raise UploadRejected(f"'{name}' is not a readable CSV file (a quote is not closed?).") from None


def count_xml_values(archive, part):
    """The number of cell values (``</v>`` and ``</is>`` end tags) in a sheet part, counted on the
    unpacked bytes without parsing: a quick first pass against the cell budget."""
    count, tail = 0, b""
    with archive.open(part) as handle:
        while chunk := handle.read(1 << 20):
            block = tail + chunk
            count += block.count(b"</v>") + block.count(b"</is>")
            tail = block[-4:]
            count -= tail.count(b"</v>") + tail.count(b"</is>")  # counted again with the next block
    return count + tail.count(b"</v>") + tail.count(b"</is>")


def sniff_delimiter(text):
    """The separator of a CSV text: ``,``, ``;`` or tab, whichever splits its first line most."""
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count) if first else ","


def csv_rows(upload, *, max_rows=MAX_ROWS, delimiter=","):
    """The CSV's rows with data (lists of strings, header first); refused beyond ``max_rows`` of them.

    Rows whose every field is blank are not rows (a spreadsheet saves formatted empty rows as
    ",,,,"). Cells count against the cell budget.
    """
    text = decode_csv(upload.data, upload.name)
    budget = CellBudget(upload.name, max_rows=max_rows, header_rows=1)
    budget.check_count(count_csv_cells(text, delimiter, upload.name))
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            filled = sum(1 for value in row if value.strip())
            if filled:
                budget.add_row(filled)
                rows.append(row)
    except csv.Error:
        raise UploadRejected(
            f"'{upload.name}' is not a readable CSV file (a quote is not closed?)."
        ) from None
    return rows


def open_workbook(upload):
    """Open a checked workbook with openpyxl, read-only, values only (defusedxml required)."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        raise RuntimeError("defusedxml is not installed: refusing to parse untrusted workbooks.")
    try:
        return openpyxl.load_workbook(io.BytesIO(upload.data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any failure to open an untrusted file is a refusal
        raise UploadRejected(f"'{upload.name}' could not be read as an Excel workbook.") from None


def sheet_rows(upload, sheet, *, max_rows=MAX_ROWS):
    """The rows with data of a read-only worksheet, as tuples of cell objects.

    Formatted empty rows are not rows: only rows with a value count towards ``max_rows`` and
    the cell budget. The sheet's declared dimension is ignored (``reset_dimensions``) so that a
    file that under-declares its size cannot hide rows. Each cell keeps its ``row`` number.
    """
    sheet.reset_dimensions()
    budget = CellBudget(upload.name, max_rows=max_rows, header_rows=1)
    rows = []
    try:
        part = str(getattr(sheet, "_worksheet_path", "") or "").lstrip("/")
        with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
            if part in archive.namelist():
                budget.check_count(count_xml_values(archive, part))
        for row in sheet.iter_rows():
            filled = sum(1 for c in row if getattr(c, "value", None) not in (None, ""))
            if filled:
                budget.add_row(filled)
                rows.append(row)
    except UploadRejected as exc:
        raise UploadRejected(f"Sheet '{sheet.title}': {exc}") from None
    except Exception:  # noqa: BLE001 - a malformed sheet of an untrusted file is a refusal
        raise UploadRejected(
            f"Sheet '{sheet.title}' of '{upload.name}' is damaged and cannot be read."
        ) from None
    return rows
