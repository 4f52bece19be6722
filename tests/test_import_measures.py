"""Importing survey measures: both layouts, errors row by row, all or nothing, idempotence,
files refused before parsing, and the upload page's preview → confirm flow."""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from plans.measures_import import import_measures, parse_period
from plans.models import MeasureReading

pytestmark = pytest.mark.django_db

Q1 = dt.date(2023, 6, 30)  # after the last shipped quarter (March 2023): new readings
Q2 = dt.date(2023, 9, 30)


def csv_file(text, name="measures.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, *, sheet="Borough", name="PAS_T&Cdashboard.xlsx", extra_sheet=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes" if extra_sheet else sheet
    if extra_sheet:
        ws.append(["MOPAC trust and confidence dashboard"])
        ws = wb.create_sheet(sheet)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def reading(measure, borough_slug, period):
    qs = MeasureReading.objects.filter(measure__name=measure, period_end=period)
    qs = qs.filter(borough__isnull=True) if borough_slug is None else qs.filter(borough__slug=borough_slug)
    return qs.values_list("value", flat=True).first()


LONG = (
    "borough,period,measure,value\n"
    "Southwark,2023-06-30,Good job local,51.5\n"
    "E09000022,30/06/2023,Trust MPS,66\n"  # Lambeth by ONS code, dd/mm/yyyy
    "London,Q1 2023-24,Good job local,49\n"  # quarter label
    "MPS,2023-06-30,Trust MPS,70.25\n"
)


def test_long_table_csv_is_imported_by_name_code_and_london(analyst_user):
    result = import_measures(file=csv_file(LONG), user=analyst_user, dry_run=False)
    assert result.ok, result.errors
    assert result.layout == "Long table"
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert reading("Good job local", "southwark", Q1) == Decimal("51.50")
    assert reading("Trust MPS", "lambeth", Q1) == Decimal("66.00")
    assert reading("Good job local", None, Q1) == Decimal("49.00")
    assert reading("Trust MPS", None, Q1) == Decimal("70.25")
    row = MeasureReading.objects.get(measure__name="Good job local", borough__slug="southwark", period_end=Q1)
    assert row.imported_by == analyst_user and "measures.csv" in row.source


def test_reimport_is_idempotent_and_a_changed_figure_is_updated_in_place(analyst_user):
    import_measures(file=csv_file(LONG), user=analyst_user, dry_run=False)
    ids = set(MeasureReading.objects.filter(period_end=Q1).values_list("pk", flat=True))
    again = import_measures(file=csv_file(LONG), user=analyst_user, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = import_measures(
        file=csv_file(
            LONG.replace("Southwark,2023-06-30,Good job local,51.5", "Southwark,2023-06-30,Good job local,53")
        ),
        user=analyst_user,
        dry_run=False,
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    assert reading("Good job local", "southwark", Q1) == Decimal("53.00")
    assert set(MeasureReading.objects.filter(period_end=Q1).values_list("pk", flat=True)) == ids


def test_dry_run_writes_nothing(analyst_user):
    before = MeasureReading.objects.count()
    result = import_measures(file=csv_file(LONG), user=analyst_user, dry_run=True)
    assert result.ok and result.created == 4
    assert MeasureReading.objects.count() == before


MOPAC_HEADER = ["Date", "Survey", "Borough", "Measure", "Proportion", "MPS"]


def test_mopac_borough_sheet_with_real_and_text_dates_and_aliases(analyst_user):
    rows = [
        MOPAC_HEADER,
        [dt.datetime(2023, 6, 30), "PAS", "Southwark", '"Good Job" local', 0.512, 0.497],
        ["30/06/2023", "PAS", "Lambeth", '"Good Job" local', 0.455, 0.497],
        ["30/09/2023", "PAS", "Southwark", "Trust MPS", 0.6649, 0.7012],
        [dt.datetime(2023, 9, 30), "PAS", "Kingston Upon Thames", "Listen to concerns", 0.6, 0.62],
    ]
    result = import_measures(file=xlsx_file(rows), user=analyst_user, dry_run=False)
    assert result.ok, [str(e) for e in result.errors]
    assert result.layout.startswith("MOPAC")
    assert reading("Good job local", "southwark", Q1) == Decimal("51.20")
    assert reading("Good job local", "lambeth", Q1) == Decimal("45.50")
    assert reading("Good job local", None, Q1) == Decimal("49.70")  # MPS column → London, once
    assert reading("Trust MPS", "southwark", Q2) == Decimal("66.49")
    assert reading("Trust MPS", None, Q2) == Decimal("70.12")
    assert reading("Listen to concerns", "kingston-upon-thames", Q2) == Decimal("60.00")
    assert result.created == 7


def test_mopac_layout_as_csv_export(analyst_user):
    text = "Date,Survey,Borough,Measure,Proportion,MPS\n30/06/2023,PAS,Southwark,Informed local,0.3,0.31\n"
    result = import_measures(file=csv_file(text), user=analyst_user, dry_run=False)
    assert result.ok and result.layout.startswith("MOPAC")
    assert reading("Informed local", "southwark", Q1) == Decimal("30.00")
    assert reading("Informed local", None, Q1) == Decimal("31.00")


def test_every_bad_row_is_reported_and_nothing_is_written(analyst_user):
    rows = [
        MOPAC_HEADER,
        [dt.datetime(2023, 6, 30), "PAS", "Southwark", '"Good Job" local', 0.51, 0.49],  # fine
        [dt.datetime(2023, 6, 30), "PAS", "Gotham", '"Good Job" local', 0.51, 0.49],
        [dt.datetime(2023, 6, 30), "PAS", "Lambeth", "Happiness index", 0.51, 0.49],
        [dt.datetime(2023, 6, 15), "PAS", "Lambeth", "Trust MPS", 0.51, 0.49],
        [dt.datetime(2023, 6, 30), "PAS", "Lambeth", "Trust MPS", 1.7, 0.49],
        [dt.datetime(2023, 6, 30), "PAS", "Camden", "Trust MPS", "=B2*2", 0.49],
        [dt.datetime(2023, 6, 30), "SAS", "Camden", "Informed local", 0.4, 0.4],
    ]
    before = MeasureReading.objects.count()
    result = import_measures(file=xlsx_file(rows), user=analyst_user, dry_run=False)
    assert not result.ok
    found = {(e.sheet, e.row, e.column) for e in result.errors}
    assert found == {
        ("Borough", 3, "Borough"),
        ("Borough", 4, "Measure"),
        ("Borough", 5, "Date"),
        ("Borough", 6, "Proportion"),
        ("Borough", 7, "Proportion"),
        ("Borough", 8, "Survey"),
    }
    by_row = {e.row: e for e in result.errors}
    assert "Gotham" in by_row[3].problem and "ONS code" in by_row[3].expected
    assert "Happiness index" in by_row[4].problem
    assert "last day of a quarter" in by_row[5].problem
    assert "mixes proportions and percentages" in by_row[6].problem  # 1.7 among proportions
    assert "formula" in by_row[7].problem.lower()
    assert MeasureReading.objects.count() == before
    assert reading("Good job local", "southwark", Q1) is None  # the good row was not written either


def test_conflicting_figures_for_one_quarter_are_an_error(analyst_user):
    text = (
        "borough,period,measure,value\nSouthwark,2023-06-30,Trust MPS,60\nSouthwark,30/06/2023,Trust MPS,61\n"
    )
    result = import_measures(file=csv_file(text), user=analyst_user, dry_run=False)
    assert [(e.row, e.column) for e in result.errors] == [(3, "value")]
    assert reading("Trust MPS", "southwark", Q1) is None


def test_missing_columns_are_named(analyst_user):
    result = import_measures(
        file=csv_file("borough,when,measure\nSouthwark,x,y\n"), user=analyst_user, dry_run=True
    )
    assert {e.column for e in result.errors} == {"period", "value"}


def test_wrong_type_is_refused_before_parsing(analyst_user):
    result = import_measures(file=csv_file("hello", name="notes.txt"), user=analyst_user, dry_run=True)
    assert not result.ok and "not a file this import reads" in result.errors[0].problem
    fake = SimpleUploadedFile("measures.xlsx", b"borough,period\n")
    result = import_measures(file=fake, user=analyst_user, dry_run=True)
    assert "not an Excel workbook" in result.errors[0].problem


def test_oversized_file_is_refused(analyst_user, settings):
    big = SimpleUploadedFile("big.csv", b"a" * (10 * 1024 * 1024 + 1))
    result = import_measures(file=big, user=analyst_user, dry_run=True)
    assert "limit is 10 MB" in result.errors[0].problem


def test_zip_bomb_is_refused(analyst_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (50 * 1024 * 1024) + b">")
    result = import_measures(
        file=SimpleUploadedFile("bomb.xlsx", buffer.getvalue()), user=analyst_user, dry_run=True
    )
    assert not result.ok and "zip bomb" in result.errors[0].problem


def test_too_many_rows_are_refused(analyst_user):
    text = "borough,period,measure,value\n" + "Southwark,2023-06-30,Trust MPS,60\n" * 20_001
    result = import_measures(file=csv_file(text), user=analyst_user, dry_run=True)
    assert "more than 20,000 rows" in result.errors[0].problem


def test_workbook_that_hides_rows_behind_its_dimension_is_still_counted(analyst_user):
    """A sheet declaring A1:F2 while holding more rows: every row is read (reset_dimensions)."""
    rows = [MOPAC_HEADER] + [
        [dt.datetime(2023, 6, 30), "PAS", name, "Trust MPS", 0.6, 0.7]
        for name in ("Southwark", "Lambeth", "Camden")
    ]
    upload = xlsx_file(rows, extra_sheet=False)
    data = io.BytesIO(upload.read())
    out = io.BytesIO()
    replaced = False
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:F2"/>', content
                )
                replaced = replaced or count == 1
            dst.writestr(item, content)
    assert replaced
    result = import_measures(
        file=SimpleUploadedFile("hidden.xlsx", out.getvalue()), user=analyst_user, dry_run=True
    )
    assert result.ok and result.created == 4  # three boroughs and London


def test_parse_period_accepts_the_documented_forms():
    assert parse_period("2023-03-31") == dt.date(2023, 3, 31)
    assert parse_period("31/03/2023") == dt.date(2023, 3, 31)
    assert parse_period("Q4 2022-23") == dt.date(2023, 3, 31)
    assert parse_period("2022-23 Q1") == dt.date(2022, 6, 30)
    assert parse_period("spring") is None


def test_only_analysts_and_administrators_may_import(oversight_user, southwark_editor, administrator):
    for user in (oversight_user, southwark_editor):
        with pytest.raises(PermissionDenied):
            import_measures(file=csv_file(LONG), user=user, dry_run=True)
    assert import_measures(file=csv_file(LONG), user=administrator, dry_run=True).ok


def test_command_imports_and_fails_cleanly(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(LONG, encoding="utf-8")
    call_command("import_measures", str(good))
    assert reading("Trust MPS", "lambeth", Q1) == Decimal("66.00")
    bad = tmp_path / "bad.csv"
    bad.write_text("borough,period,measure,value\nAtlantis,2023-09-30,Trust MPS,60\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_measures", str(bad))
    assert "Unknown borough 'Atlantis'" in capsys.readouterr().err


def test_upload_page_previews_then_confirms(client_as):
    client = client_as("analyst")
    before = MeasureReading.objects.count()
    response = client.post("/measures/import/", {"file": csv_file(LONG)})
    assert response.status_code == 200
    assert (
        b"Check before importing" in response.content and b"4 new readings would be added" in response.content
    )
    assert MeasureReading.objects.count() == before
    token = response.context["confirm_form"].initial["token"]
    response = client.post("/measures/import/", {"token": token})
    assert response.status_code == 302
    assert MeasureReading.objects.count() == before + 4
    again = client.post("/measures/import/", {"token": token})  # the preview is used up
    assert again.status_code == 400 and MeasureReading.objects.count() == before + 4


def test_upload_page_shows_row_errors(client_as):
    text = "borough,period,measure,value\nAtlantis,2023-06-30,Trust MPS,60\n"
    response = client_as("administrator").post("/measures/import/", {"file": csv_file(text)})
    assert response.status_code == 400
    assert b"nothing was imported" in response.content and b"Unknown borough" in response.content


def test_upload_page_is_refused_to_other_roles(client_as):
    for role in ("oversight", "southwark_editor"):
        assert client_as(role).get("/measures/import/").status_code == 403
        assert client_as(role).post("/measures/import/", {"file": csv_file(LONG)}).status_code == 403
    assert reading("Trust MPS", "lambeth", Q1) is None
