"""The survey files of ../shared/cases/ (copied into tests/cases/), each asserting the right value,
and other files of the same kinds: proportions, separators and decimal commas, quarter labels,
formatted empty rows, and published figures that an import would move by tens of points."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from plans.measures_import import import_measures
from plans.models import MeasureReading

pytestmark = pytest.mark.django_db

CASES = Path(__file__).resolve().parent / "cases"
MARCH_2023 = dt.date(2023, 3, 31)  # last shipped quarter: Southwark Trust MPS 65, Good job local 50
DEC_2023 = dt.date(2023, 12, 31)


def held(measure, borough_slug, period):
    qs = MeasureReading.objects.filter(measure__name=measure, period_end=period)
    qs = qs.filter(borough__isnull=True) if borough_slug is None else qs.filter(borough__slug=borough_slug)
    return qs.values_list("value", flat=True).first()


def text_file(text, name="measures.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def import_case(name, user, *, dry_run):
    return import_measures(file=CASES / name, user=user, dry_run=dry_run)


# --- 02: proportions ---


def test_a_file_of_proportions_is_converted_and_says_so(analyst_user):
    result = import_case("02-long-table-proportions/pas_long_proportions.csv", analyst_user, dry_run=False)
    assert result.ok, result.errors
    assert held("Trust MPS", "southwark", DEC_2023) == Decimal("71.00")
    assert held("Trust MPS", "lambeth", DEC_2023) == Decimal("69.00")
    assert held("Good job local", "southwark", DEC_2023) == Decimal("70.00")
    assert held("Trust MPS", None, DEC_2023) == Decimal("72.00")
    assert any("proportions (0–1) and converted" in note for note in result.notes)


def test_proportions_over_a_published_quarter_keep_65_and_flag_the_large_move(analyst_user):
    path = CASES / "02-long-table-proportions/pas_long_proportions_existing_quarter.csv"
    preview = import_measures(file=path, user=analyst_user, dry_run=True)
    assert preview.ok and preview.unchanged == 1 and preview.updated == 1
    # 0.65 is the published 65; 0.62 would move Good job local from 50 to 62: flagged
    assert [(c.measure.name, c.old_value, c.value) for c in preview.large_moves] == [
        ("Good job local", Decimal("50.00"), Decimal("62.00"))
    ]
    refused = import_measures(file=path, user=analyst_user, dry_run=False)
    assert not refused.ok and "more than 10 points" in refused.errors[0].problem
    assert held("Trust MPS", "southwark", MARCH_2023) == Decimal("65.00")
    assert held("Good job local", "southwark", MARCH_2023) == Decimal("50.00")  # nothing written
    accepted = import_measures(file=path, user=analyst_user, dry_run=False, accept_large_moves=True)
    assert accepted.ok and held("Good job local", "southwark", MARCH_2023) == Decimal("62.00")
    assert held("Trust MPS", "southwark", MARCH_2023) == Decimal("65.00")


@pytest.mark.parametrize(
    "values",
    [("0.65", "70"), ("65", "0.7", "71", "72"), ("0,65", "70%")],
    ids=["one-each", "one-proportion-among-percentages", "percent-sign"],
)
def test_a_mix_of_proportions_and_percentages_is_refused_naming_the_rows(analyst_user, values):
    rows = [f'Southwark,Q{i + 1} 2023-24,Trust MPS,"{v}"' for i, v in enumerate(values)]
    before = MeasureReading.objects.count()
    result = import_measures(
        file=text_file("borough,period,measure,value\n" + "\n".join(rows)), user=analyst_user, dry_run=False
    )
    assert not result.ok and MeasureReading.objects.count() == before
    assert all(
        "mixes proportions and percentages" in e.problem and e.column == "value" for e in result.errors
    )
    proportion_rows = [i + 2 for i, v in enumerate(values) if Decimal(v.replace(",", ".").rstrip("%")) < 1]
    assert {e.row for e in result.errors} <= set(range(2, len(values) + 2))
    assert {e.row for e in result.errors} == set(proportion_rows) or len(proportion_rows) > len(values) / 2


def test_a_percentage_file_that_would_move_a_published_figure_is_flagged_by_the_command(tmp_path, capsys):
    path = tmp_path / "typo.csv"
    path.write_text("borough,period,measure,value\nSouthwark,Q4 2022-23,Trust MPS,6.5\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_measures", str(path))
    assert "65.00% → 6.50%" in capsys.readouterr().err
    assert held("Trust MPS", "southwark", MARCH_2023) == Decimal("65.00")
    call_command("import_measures", str(path), "--dry-run")
    assert "more than 10 points" in capsys.readouterr().out


def test_a_mopac_export_holding_percentages_is_read_as_percentages_and_says_so(analyst_user):
    text = "Date,Survey,Borough,Measure,Proportion,MPS\n31/12/2023,PAS,Southwark,Trust MPS,71,72\n"
    result = import_measures(file=text_file(text), user=analyst_user, dry_run=False)
    assert result.ok, result.errors
    assert held("Trust MPS", "southwark", DEC_2023) == Decimal("71.00")
    assert any("hold percentages" in note for note in result.notes)


# --- 06: separators and decimal commas ---


def test_semicolon_long_table_with_decimal_comma(analyst_user):
    result = import_case("06-semicolon-csv/pas_long_semicolon.csv", analyst_user, dry_run=False)
    assert result.ok, result.errors
    assert held("Trust MPS", "southwark", DEC_2023) == Decimal("71.50")
    assert held("Trust MPS", "lambeth", DEC_2023) == Decimal("69.00")
    assert any("semicolon" in n for n in result.notes) and any("Decimal commas" in n for n in result.notes)


def test_semicolon_mopac_export_with_decimal_comma_proportions(analyst_user):
    result = import_case("06-semicolon-csv/pas_mopac_semicolon.csv", analyst_user, dry_run=False)
    assert result.ok, result.errors
    assert result.layout.startswith("MOPAC")
    assert held("Trust MPS", "southwark", DEC_2023) == Decimal("71.00")
    assert held("Trust MPS", None, DEC_2023) == Decimal("72.00")


@pytest.mark.parametrize(
    "text",
    [
        "borough\tperiod\tmeasure\tvalue\nSouthwark\t31/12/2023\tTrust MPS\t71,5\n",
        "sep=;\nborough;period;measure;value\nSouthwark;31/12/2023;Trust MPS;71,5\n",
        'borough,period,measure,value\nSouthwark,31/12/2023,Trust MPS,"71,5"\n',
        "\ufeffBorough ; Period ; Measure ; Value\r\nSouthwark ; 31/12/2023 ; Trust MPS ; 71,50 %\r\n",
        "borough;period;measure;value\nSouthwark;31/12/2023;Trust MPS;0,715\n",
    ],
    ids=["tab", "excel-sep-line", "quoted-comma", "bom-crlf-spaces", "proportion-comma"],
)
def test_other_separators_and_decimal_marks(analyst_user, text):
    result = import_measures(file=text_file(text), user=analyst_user, dry_run=False)
    assert result.ok, result.errors
    assert held("Trust MPS", "southwark", DEC_2023) == Decimal("71.50")


# --- 12: quarter labels ---


def test_quarter_labels_as_publications_write_them(analyst_user):
    result = import_case("12-fy-quarter-labels/pas_long_quarter_labels.csv", analyst_user, dry_run=True)
    # The only refusal: Hounslow's impossible "Q4 2022-25" (row 15)
    assert [(e.row, e.column) for e in result.errors] == [(15, "period")]
    assert "2022-25 is not one" in result.errors[0].problem
    lines = (CASES / "12-fy-quarter-labels/pas_long_quarter_labels.csv").read_text().splitlines()
    without = "\n".join(line for line in lines if "2022-25" not in line)
    result = import_measures(file=text_file(without), user=analyst_user, dry_run=True)
    assert result.ok, result.errors
    assert len(result.readings) == 14 and {c.period_end for c in result.readings} == {MARCH_2023}
    assert any("calendar quarter" in n for n in result.notes)  # "Q1 2023" said how it was read


def test_impossible_financial_years_are_row_errors_and_write_nothing(analyst_user):
    before = MeasureReading.objects.count()
    path = CASES / "12-fy-quarter-labels/pas_long_inconsistent_fy.csv"
    result = import_measures(file=path, user=analyst_user, dry_run=False)
    assert [(e.row, e.column) for e in result.errors] == [(2, "period"), (3, "period")]
    assert "Q4 2022-25" in result.errors[0].problem and "Q3 2023-22" in result.errors[1].problem
    assert MeasureReading.objects.count() == before


# --- 05: formatted empty rows (the survey workbook) ---


def test_survey_workbook_formatted_down_to_row_25000_imports(analyst_user):
    """Needs upload_safety's sheet_rows to count only rows with data (fixed on another branch)."""
    path = CASES / "05-formatted-empty-rows/measures_rows_formatted_to_25000.xlsx"
    result = import_measures(file=path, user=analyst_user, dry_run=False)
    assert result.ok, result.errors
    assert held("Trust MPS", "southwark", DEC_2023) == Decimal("71.00")
    assert held("Trust MPS", "lambeth", DEC_2023) == Decimal("69.00")


def test_csv_blank_rows_do_not_count_towards_the_row_limit(analyst_user):
    text = "borough,period,measure,value\nSouthwark,31/12/2023,Trust MPS,71\n" + ",,,\n" * 25_000
    result = import_measures(file=text_file(text), user=analyst_user, dry_run=False)
    assert result.ok, result.errors
    assert held("Trust MPS", "southwark", DEC_2023) == Decimal("71.00")


# --- the page ---


def test_preview_page_says_how_the_file_was_read_and_needs_the_large_moves_accepted(client_as):
    client = client_as("analyst")
    path = CASES / "02-long-table-proportions/pas_long_proportions_existing_quarter.csv"
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post("/measures/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "converted to percentages" in body and 'id="large-moves"' in body
    assert "50.00% → 62.00%" in body and "1 of them moving by more than 10 points" in body
    token = response.context["confirm_form"].initial["token"]
    response = client.post("/measures/import/", {"token": token})
    assert response.status_code == 400 and "Tick the box" in response.content.decode()
    assert held("Good job local", "southwark", MARCH_2023) == Decimal("50.00")
    response = client.post("/measures/import/", {"token": token, "accept_large_moves": "on"})
    assert response.status_code == 302
    assert held("Good job local", "southwark", MARCH_2023) == Decimal("62.00")
    assert held("Trust MPS", "southwark", MARCH_2023) == Decimal("65.00")
