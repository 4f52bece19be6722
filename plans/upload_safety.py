"""Checks run on an uploaded file *before* any parser touches it.

Shared by every importer (survey measures, plans): a file is refused, with a clear message,
when it is of the wrong type, too large, a zip bomb (too many members, too much uncompressed
data, or an absurd compression ratio) or has too many rows. Workbooks are then opened with
openpyxl in read-only mode, which is safe against XML entity expansion only when defusedxml is
installed: ``open_workbook`` asserts it.

Every check raises ``UploadRejected`` (a ValueError) whose message can be shown to the user.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ZIP_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBER_BYTES = 60 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024

XLSX = "xlsx"
CSV = "csv"
_ZIP_MAGIC = b"PK\x03\x04"


class UploadRejected(ValueError):
    """The file was refused before parsing; the message says why and what is expected."""


@dataclass(frozen=True)
class SafeUpload:
    """An upload that passed the checks: its name, kind ("xlsx" or "csv") and bytes."""

    name: str
    kind: str
    data: bytes


def read_upload(file, *, kinds=(XLSX, CSV), max_bytes=MAX_UPLOAD_BYTES):
    """Read an uploaded file (Django UploadedFile, open binary file or path) and check it.

    Returns a SafeUpload. The kind comes from the content, not only the name: a workbook must
    be a zip, a CSV must be UTF-8 text.
    """
    name, data = _read_bytes(file, max_bytes)
    lower = name.lower()
    if lower.endswith(".xlsx") and XLSX in kinds:
        kind = XLSX
    elif lower.endswith(".csv") and CSV in kinds:
        kind = CSV
    else:
        wanted = " or ".join(f".{k}" for k in kinds)
        raise UploadRejected(f"'{name}' is not a file this import reads: upload a {wanted} file.")
    if kind == XLSX:
        check_zip(data, name)
    else:
        if data.startswith(_ZIP_MAGIC):
            raise UploadRejected(f"'{name}' is a workbook or zip file, not CSV text: save it as .xlsx.")
        decode_csv(data, name)
    return SafeUpload(name=name, kind=kind, data=data)


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


def check_zip(data, name="workbook"):
    """Refuse a workbook that is not a zip, or whose members would expand too far."""
    if not data.startswith(_ZIP_MAGIC):
        raise UploadRejected(f"'{name}' is not an Excel workbook (.xlsx): it is not a zip file.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRejected(f"'{name}' is damaged or not an Excel workbook ({exc}).") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadRejected(f"'{name}' has {len(members)} parts; a workbook has far fewer. Refused.")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            raise UploadRejected(
                f"'{name}' would expand to more than {MAX_MEMBER_BYTES // 1048576} MB. Refused."
            )
        big = member.file_size > RATIO_CHECK_FROM_BYTES  # small parts may compress far, harmlessly
        if big and member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
            raise UploadRejected(f"'{name}' is compressed suspiciously far (a zip bomb?). Refused.")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UploadRejected(
            f"'{name}' would expand to more than {MAX_UNCOMPRESSED_BYTES // 1048576} MB. Refused."
        )
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UploadRejected(f"'{name}' is a zip file but not an Excel workbook (.xlsx).")


def decode_csv(data, name="file"):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRejected(f"'{name}' is not UTF-8 text: save the CSV as 'CSV UTF-8'.") from None


def csv_rows(upload, *, max_rows=MAX_ROWS):
    """The CSV's rows (lists of strings, header first), refused beyond ``max_rows`` data rows."""
    text = decode_csv(upload.data, upload.name)
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
            if len(rows) > max_rows + 1:
                raise UploadRejected(
                    f"'{upload.name}' has more than {max_rows:,} rows; split it and import each part."
                )
    except csv.Error as exc:
        raise UploadRejected(f"'{upload.name}' is not a readable CSV file ({exc}).") from None
    return rows


def open_workbook(upload):
    """Open a checked workbook with openpyxl, read-only, values only (defusedxml required)."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        raise RuntimeError("defusedxml is not installed: refusing to parse untrusted workbooks.")
    try:
        return openpyxl.load_workbook(io.BytesIO(upload.data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UploadRejected(f"'{upload.name}' could not be read as an Excel workbook ({exc}).") from None


def sheet_rows(upload, sheet, *, max_rows=MAX_ROWS):
    """All rows of a read-only worksheet as tuples of cell objects, refused beyond ``max_rows``.

    The sheet's declared dimension is ignored (``reset_dimensions``) so that a file that
    under-declares its size cannot hide rows.
    """
    sheet.reset_dimensions()
    rows = []
    for row in sheet.iter_rows():
        rows.append(row)
        if len(rows) > max_rows + 1:
            raise UploadRejected(
                f"Sheet '{sheet.title}' of '{upload.name}' has more than {max_rows:,} rows; "
                "split it and import each part."
            )
    return rows
