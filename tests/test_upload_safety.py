"""The one file-safety check of the importers: budgets while reading, macros, hostile XML.

Speed and memory are measured by ``make bench`` (bench/upload_bench.py), never here; these tests
check that each kind of file is refused with a clear message and nothing written, and that the
readers count only rows with data.
"""

import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.imports import import_plan
from plans.upload_safety import (
    MAX_CELLS,
    SafeUpload,
    UploadRejected,
    check_upload,
    csv_rows,
    open_workbook,
    sheet_rows,
)
from tests.test_import_plan import _valid, checksum

CASES = Path(__file__).parent / "cases"
INTERNALS = ("lxml", "XMLSyntaxError", "Traceback", "line 1", "column", "etree", "defusedxml", "expat")


def rezip(data, extra=None, replace=None):
    """The zip ``data`` with parts added (``extra``) or replaced (``replace``: {name: bytes})."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return target.getvalue()


def refused(southwark, administrator, data, name="plan.xlsx"):
    before = checksum()
    report = import_plan(
        borough=southwark, workbook_file=data, user=administrator, dry_run=False, filename=name
    )
    assert not report.applied and report.rejected, report.problems
    assert checksum() == before
    return report.rejected


def test_a_macro_enabled_workbook_is_refused_by_name_and_by_its_vba_part(southwark, administrator):
    message = refused(southwark, administrator, _valid(), name="plan.xlsm")
    assert "macro-enabled" in message and ".xlsx" in message
    carrying = rezip(_valid(), extra={"xl/vbaProject.bin": b"\0" * 512})
    message = refused(southwark, administrator, carrying)
    assert "macros" in message and "VBA" in message


def test_the_survey_importer_refuses_macros_through_the_same_check():
    with pytest.raises(UploadRejected, match="macro"):
        check_upload("measures.xlsm", _valid())


@pytest.mark.parametrize(
    "sheet",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<worksheet>&b;</worksheet>",
        b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><worksheet/>',
        b"<worksheet><sheetData><row><c><v>1</v></row></sheetData>",
    ],
    ids=["entity expansion", "external entity", "malformed"],
)
def test_hostile_xml_is_refused_without_library_internals(southwark, administrator, sheet):
    data = rezip(_valid(), replace={"xl/worksheets/sheet1.xml": sheet})
    message = refused(southwark, administrator, data)
    assert "xl/worksheets/sheet1.xml" in message
    assert not any(word in message for word in INTERNALS), message


def test_a_file_over_the_cell_budget_is_refused_before_it_is_parsed(southwark, administrator):
    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    ws = book.add_worksheet("Plan")
    columns = 20
    for r in range(MAX_CELLS // columns + 2):
        for c in range(columns):
            ws.write_number(r, c, c)
    book.close()
    message = refused(southwark, administrator, target.getvalue())
    assert f"more than {MAX_CELLS:,} cells with data" in message


def test_readers_count_only_rows_with_data():
    path = CASES / "05-formatted-empty-rows/plan_rows_formatted_to_25000.xlsx"
    upload = SafeUpload(path.name, "xlsx", path.read_bytes())
    workbook = open_workbook(upload)
    rows = sheet_rows(upload, workbook.worksheets[0], max_rows=10)
    assert [row[0].value for row in rows] == ["Pillar", "More Trust", "More Trust", "More Trust"]
    text = "borough,value\n" + ",\n" * 30 + "Southwark,60\n" + " , \n" * 30
    assert csv_rows(SafeUpload("m.csv", "csv", text.encode()), max_rows=2) == [
        ["borough", "value"],
        ["Southwark", "60"],
    ]


def test_the_upload_page_names_the_refusal(client_as, southwark):
    from django.urls import reverse

    response = client_as("southwark_editor").post(
        reverse("borough-import", args=["southwark"]),
        {"workbook": SimpleUploadedFile("plan.xlsm", _valid())},
    )
    assert response.status_code == 400 and b"macro-enabled" in response.content
