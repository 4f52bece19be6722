"""The analysts' workbook is consistent (issue 17 item 5), read back with openpyxl: percentages
one way on every sheet, Next steps exported, the objective written one way, numbers stored as
numbers, one Driver gaps row per borough and driver, a file name that reflects the filters."""

import io
import re
from collections import Counter

import openpyxl
import pytest
from django.urls import reverse

from plans.models import Action, StatusUpdate

XLSX = reverse("export-actions-xlsx")
NUMBER_TEXT = re.compile(r"^[-+−]?\d+(?:[.,]\d+)?%?$")


@pytest.fixture
def workbook_response(client_as, southwark_plan):
    action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
    Action.objects.filter(pk=action.pk).update(next_steps="Walk the ward with the SNT sergeant in May.")
    response = client_as("analyst").get(XLSX + "?borough=southwark&pillar=more-trust")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return response, openpyxl.load_workbook(io.BytesIO(data)), action


def table(ws):
    rows = list(ws.iter_rows())
    return [c.value for c in rows[0]], rows[1:]


def test_percentages_are_fractions_with_a_percent_format_on_every_sheet(workbook_response):
    _, workbook, _ = workbook_response
    seen = 0
    for ws in workbook.worksheets:
        header, rows = table(ws)
        shares = [i for i, h in enumerate(header) if h and (h.endswith("%") or h == "Importance share")]
        for row in rows:
            for i in shares:
                cell = row[i]
                if isinstance(cell.value, (int, float)) and "%" in cell.number_format:
                    assert -1.5 <= cell.value <= 1.5, (
                        f"{ws.title}!{cell.coordinate} = {cell.value}: not a fraction"
                    )
                    seen += 1
                elif cell.value is not None:
                    # a measure counted rather than a share of respondents (Measures sheet only)
                    assert ws.title == "Measures" and isinstance(cell.value, (int, float)), (
                        f"{ws.title}!{cell.coordinate} = {cell.value!r} ({cell.number_format}): not a %"
                    )
    assert seen > 20, "the Measures and Driver gaps sheets hold percentages"
    gaps_header, gaps = table(workbook["Driver gaps"])
    share = gaps_header.index("Importance share")
    assert any("%" in row[share].number_format for row in gaps if row[share].value is not None)


def test_next_steps_are_exported(workbook_response):
    _, workbook, action = workbook_response
    header, rows = table(workbook["Actions"])
    by_id = {row[header.index("Action ID")].value: row for row in rows}
    assert by_id[action.pk][header.index("Next steps")].value == "Walk the ward with the SNT sergeant in May."


def test_the_objective_is_written_the_same_way_on_every_sheet(workbook_response):
    _, workbook, _ = workbook_response
    a_header, actions = table(workbook["Actions"])
    objective_of = {
        row[a_header.index("Action ID")].value: row[a_header.index("Objective")].value for row in actions
    }
    h_header, history = table(workbook["Status history"])
    assert history, "the Southwark plan has a history"
    for row in history:
        written = row[h_header.index("Objective")].value
        assert written == objective_of[row[h_header.index("Action ID")].value]
        assert re.match(r"^\d+\. \S", written), written
    assert len(history) == StatusUpdate.objects.filter(action__in=list(objective_of)).count()


def test_numbers_are_stored_as_numbers(workbook_response):
    _, workbook, _ = workbook_response
    labels = {("Milestones", "Period")}  # as the plan gives it: "Dec 21", "2021", "Spring 2022"
    for ws in workbook.worksheets:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and (ws.title, header[cell.column - 1]) not in labels:
                    assert not NUMBER_TEXT.match(cell.value.strip()), (
                        f"{ws.title}!{cell.coordinate} holds the number {cell.value!r} as text"
                    )
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert isinstance(about["Rows: Actions"], int) and about["Rows: Actions"] > 0


def test_a_pivot_counts_each_gap_score_once(workbook_response):
    _, workbook, _ = workbook_response
    header, rows = table(workbook["Driver gaps"])
    pairs = Counter((row[0].value, row[1].value) for row in rows)
    assert pairs and max(pairs.values()) == 1, "one row per borough and driver"
    assert {borough for borough, _ in pairs} == {"Southwark"}
    score = header.index("Weighted gap score")
    assert any(isinstance(row[score].value, float) for row in rows)


def test_the_file_name_reflects_the_filters(workbook_response):
    response, _, _ = workbook_response
    assert re.search(
        r'filename="OFFICIAL-trustplan-actions-southwark-pillar-more-trust-\d{8}-\d{4}\.xlsx"',
        response["Content-Disposition"],
    )


def test_next_steps_that_look_like_a_formula_are_never_run(client_as, southwark_plan):
    action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
    Action.objects.filter(pk=action.pk).update(next_steps='=HYPERLINK("http://example.invalid","Click")')
    client = client_as("analyst")
    data = b"".join(client.get(XLSX + "?borough=southwark").streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(data))["Actions"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("Action ID")].value == action.pk)
    cell = row[header.index("Next steps")]
    assert cell.data_type == "s" and cell.quotePrefix, "written as text with Excel's quote prefix"
    text = b"".join(client.get(reverse("export-actions-csv") + "?borough=southwark").streaming_content)
    assert "'=HYPERLINK(" in text.decode("utf-8-sig")
