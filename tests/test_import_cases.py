"""Plan workbooks as people really make them (tests/cases/, from the shared real-world cases).

Each case file is imported as a user would; the test asserts the value a person reading the file
in Excel expects. Each fix covers its kind, so every case has a sibling test built here with a
variation of the same kind (another invisible character, another merged column, a hidden sheet…).
"""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from plans.choices import RAG
from plans.imports import import_plan
from plans.models import Action

CASES = Path(__file__).parent / "cases"


def run(borough, user, data, *, dry_run=False, name="plan.xlsx", **kwargs):
    if isinstance(data, Path):
        name, data = data.name, data.read_bytes()
    return import_plan(
        borough=borough, workbook_file=data, user=user, dry_run=dry_run, filename=name, **kwargs
    )


def actions(borough):
    """{text: (rag, completed, due date, owner labels)} of the borough's plan."""
    return {
        a.text: (a.rag, a.completed, a.due_date, sorted(o.label for o in a.owners.all()))
        for a in Action.objects.filter(objective__plan__borough=borough).prefetch_related("owners")
    }


def book(rows, *, title="Plan", merges=(), hidden=None, fills=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    for ref, colour in (fills or {}).items():
        ws[ref].fill = PatternFill("solid", fgColor=colour)
    if hidden:
        other = wb.create_sheet(hidden[0])
        for row in hidden[1]:
            other.append(row)
        other.sheet_state = "hidden"
    target = io.BytesIO()
    wb.save(target)
    return target.getvalue()


HEAD = ["Pillar", "Objective", "Action", "Owners", "RAG"]


# --- 03: RAG "Complete" against a Complete column saying "No" --------------------------------


def test_03_rag_complete_with_complete_no_is_a_row_error_naming_both_cells(barnet, administrator):
    report = run(
        barnet, administrator, CASES / "03-rag-complete-vs-complete-no/plan_rag_complete_but_complete_no.xlsx"
    )
    assert not report.applied and not Action.objects.filter(objective__plan__borough=barnet).exists()
    assert [(p.sheet, p.row) for p in report.problems] == [("Plan", 2)]
    assert "F2" in report.problems[0].problem and "H2" in report.problems[0].problem


def test_03_without_a_complete_column_complete_means_complete(barnet, administrator):
    report = run(
        barnet, administrator, CASES / "03-rag-complete-vs-complete-no/control_no_complete_column.xlsx"
    )
    assert report.applied, report.problems
    assert actions(barnet)["Open day at the station"][:2] == (RAG.GREEN, True)


def test_03_kind_a_blank_complete_cell_does_not_undo_complete(barnet, administrator):
    data = book(
        [[*HEAD, "Complete"], ["More Trust", "1. Engage", "Open day", "Supt Example", "Completed", None]]
    )
    assert run(barnet, administrator, data).applied
    assert actions(barnet)["Open day"][1] is True


# --- 04: a month and year as due date ----------------------------------------------------------


def test_04_a_month_alone_means_its_last_day_and_the_preview_says_so(barnet, administrator):
    report = run(barnet, administrator, CASES / "04-due-month-year/plan_due_month_year.xlsx")
    assert report.applied, report.problems
    due = {text: values[2] for text, values in actions(barnet).items()}
    assert due == {
        "Weapons sweeps with council wardens": dt.date(2026, 11, 30),
        "Town centre team re-established": dt.date(2027, 3, 31),
        "Knife arch at stations": dt.date(2026, 11, 30),
    }
    assert sum("the month's last day" in note for note in report.notes) == 2


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Feb 2028", dt.date(2028, 2, 29)),
        ("September 2026", dt.date(2026, 9, 30)),
        ("Sept 2026", dt.date(2026, 9, 30)),
    ],
)
def test_04_kind_other_month_spellings(barnet, administrator, text, expected):
    data = book(
        [[*HEAD, "Due date"], ["More Trust", "1. Engage", "Ward panels", "CI Example", "Green", text]]
    )
    assert run(barnet, administrator, data).applied
    assert actions(barnet)["Ward panels"][2] == expected


# --- 05: formatted empty rows are not rows -----------------------------------------------------


@pytest.mark.parametrize("name", ["plan_rows_formatted_to_25000.xlsx", "plan_rows_formatted_to_1048576.xlsx"])
def test_05_formatted_empty_rows_are_not_rows(barnet, administrator, name):
    report = run(barnet, administrator, CASES / "05-formatted-empty-rows" / name)
    assert report.applied, report.rejected or report.problems
    assert report.rows_read == 4
    assert {t: v[0] for t, v in actions(barnet).items()} == {
        "Ward panel meetings": RAG.GREEN,
        "Community contact sessions": RAG.AMBER,
        "Stalls at community events": RAG.RED,
    }


# --- 07: invisible characters ------------------------------------------------------------------


def test_07_invisible_characters_are_removed_before_matching(barnet, administrator):
    report = run(barnet, administrator, CASES / "07-invisible-characters/plan_zero_width_space.xlsx")
    assert report.applied, report.problems
    assert actions(barnet) == {
        "Ward panel meetings": (RAG.GREEN, False, None, ["CI Example"]),
        "Community contact sessions": (RAG.AMBER, False, None, ["CI Example"]),
    }
    assert barnet.owners.count() == 1


def test_07_kind_other_invisible_characters_and_a_message_that_shows_them(barnet, administrator):
    data = book(
        [
            HEAD,
            ["\ufeffMore\u00a0Trust", "1. Engage", "Ward\u2060 panels", "CI\u202fExample\u200d", "\u2007red"],
            ["More Trust\u2066", "1. Engage", "Newsletter", "CI Example", "Green"],
        ]
    )
    report = run(barnet, administrator, data, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(3, "A")]
    assert "More Trust<U+2066>" in report.problems[0].problem


# --- 13: merged RAG and owner cells ------------------------------------------------------------


def test_13_a_merged_cell_applies_to_every_row_it_spans_and_reimport_loses_nothing(barnet, administrator):
    first = run(barnet, administrator, CASES / "13-merged-rag-owner-cells/first_import_unmerged.xlsx")
    assert first.applied
    before = actions(barnet)
    report = run(barnet, administrator, CASES / "13-merged-rag-owner-cells/plan_merged_rag_and_owner.xlsx")
    assert report.applied and not report.losses and not report.changed and len(report.unchanged) == 4
    assert actions(barnet) == before
    assert all(v[0] == RAG.AMBER and v[3] == ["CI Example"] for t, v in before.items() if "Publish" not in t)


def test_13_kind_merged_cells_in_an_empty_plan_and_a_merged_fill(barnet, administrator):
    data = book(
        [
            ["Pillar", "Objective", "Action", "Lead", "RAG Rating"],
            ["Less Crime", "2. Target offenders", "Locate wanted offenders", "DI Example", None],
            [None, None, "Supervise named suspects", None, None],
        ],
        merges=["A2:A3", "B2:B3", "D2:D3", "E2:E3"],
        fills={"E2": "FF0000"},
    )
    assert run(barnet, administrator, data).applied
    assert actions(barnet) == {
        "Locate wanted offenders": (RAG.RED, False, None, ["DI Example"]),
        "Supervise named suspects": (RAG.RED, False, None, ["DI Example"]),
    }


# --- 20: a Status column beside the RAG --------------------------------------------------------


def test_20_the_rag_column_is_the_rag_and_status_is_completion(barnet, administrator):
    report = run(
        barnet, administrator, CASES / "20-status-and-rag-columns/plan_status_column_before_rag.xlsx"
    )
    assert report.applied, report.problems
    assert {t: v[:2] for t, v in actions(barnet).items()} == {
        "Monthly newsletter to key contacts": (RAG.GREEN, False),
        "Local comms team trained": (RAG.GREEN, True),
        "Social media surgeries": (RAG.AMBER, False),
    }


def test_20_a_mostly_blank_status_column_keeps_red_and_amber(barnet, administrator):
    report = run(
        barnet, administrator, CASES / "20-status-and-rag-columns/plan_status_column_mostly_blank.xlsx"
    )
    assert report.applied, report.problems
    assert {t: v[:2] for t, v in actions(barnet).items()} == {
        "Monthly newsletter to key contacts": (RAG.RED, False),
        "Local comms team trained": (RAG.GREEN, True),
        "Social media surgeries": (RAG.AMBER, False),
    }


def test_20_kind_an_unknown_status_or_one_that_contradicts_complete_is_a_row_error(barnet, administrator):
    data = book(
        [
            ["Pillar", "Objective", "Action", "Owner", "Progress status", "RAG status", "Completed"],
            ["More Trust", "3. Communicate", "Newsletter", "CI Example", "Complete", "Green", "No"],
            ["More Trust", "3. Communicate", "Surgeries", "CI Example", "Amber", "Amber", None],
        ]
    )
    report = run(barnet, administrator, data)
    assert not report.applied
    assert [(p.row, p.column) for p in report.problems] == [(2, "Complete"), (3, "Status")]


def test_20_kind_a_lone_status_column_of_progress_words_is_not_taken_as_the_rag(barnet, administrator):
    data = book(
        [
            ["Pillar", "Objective", "Action", "Owner", "Status"],
            ["More Trust", "1. E", "Panels", "CI X", "In progress"],
        ]
    )
    report = run(barnet, administrator, data)
    assert not report.applied and report.problems[0].column == "RAG"


# --- the same kinds, beyond the cases -----------------------------------------------------------


def test_a_hidden_sheet_is_not_read(barnet, administrator):
    data = book(
        [HEAD, ["More Trust", "1. Engage", "Ward panels", "CI Example", "Green"]],
        hidden=("Old plan", [HEAD, ["More Trust", "1. Engage", "Withdrawn action", "CI Example", "Red"]]),
    )
    report = run(barnet, administrator, data)
    assert report.applied and list(actions(barnet)) == ["Ward panels"]
    assert any("hidden" in note for note in report.notes)


def test_typographic_quotes_dashes_and_spacing_do_not_make_a_new_action(barnet, administrator):
    straight = ["More Trust", "1. Engage", 'Officers\' visits - ward "hot spots"', "CI Example", "Amber"]
    assert run(barnet, administrator, book([HEAD, straight])).applied
    curly = ["More Trust", "1. Engage", "officers’  visits – Ward “hot spots”", "C.I. Example", "Green"]
    report = run(barnet, administrator, book([HEAD, curly]))
    assert report.applied and not report.created and len(report.changed) == 1
    assert list(actions(barnet).values())[0][0] == RAG.GREEN


# --- re-import never silently loses information ---------------------------------------------------


def test_blank_cells_leave_the_plan_alone_unless_asked_and_every_loss_is_listed(barnet, administrator):
    full = [
        [*HEAD, "Due date"],
        ["More Trust", "1. Engage", "Ward panels", "CI Example", "Amber", "30/11/2026"],
    ]
    assert run(barnet, administrator, book(full)).applied
    blank = [[*HEAD, "Due date"], ["More Trust", "1. Engage", "Ward panels", None, None, None]]
    kept = run(barnet, administrator, book(blank))
    assert kept.applied and not kept.losses and not kept.changed
    assert actions(barnet)["Ward panels"] == (RAG.AMBER, False, dt.date(2026, 11, 30), ["CI Example"])
    preview = run(barnet, administrator, book(blank), dry_run=True, clear_blanks=True)
    (loss,) = preview.losses
    assert loss.row == 2 and set(loss.details) == {
        "status Amber → Not rated",
        "due date 2026-11-30 cleared",
        "owners removed: CI Example",
    }
    assert "accept 1 loss" in preview.confirm_label()
    assert actions(barnet)["Ward panels"][0] == RAG.AMBER, "a dry run writes nothing"


def test_a_near_duplicate_action_is_listed_as_a_loss(barnet, administrator):
    assert run(
        barnet,
        administrator,
        book([HEAD, ["More Trust", "1. Engage", "Quarterly ward panel meetings", "CI X", "Green"]]),
    ).applied
    report = run(
        barnet,
        administrator,
        book([HEAD, ["More Trust", "1. Engage", "Quarterly ward panels meetings", "CI X", "Green"]]),
        dry_run=True,
    )
    assert len(report.losses) == 1 and "nearly the same" in report.losses[0].details[0]


def test_a_plan_in_a_semicolon_csv_file(barnet, administrator):
    text = (
        "Pillar;Objective;Action;Owners;RAG\n"
        "Less Crime;1. Visible policing;Weapons sweeps;CI Example;Amber\n;;;;\n"
    )
    report = run(barnet, administrator, text.encode("utf-8-sig"), name="plan.csv")
    assert report.applied, report.rejected or report.problems
    assert actions(barnet) == {"Weapons sweeps": (RAG.AMBER, False, None, ["CI Example"])}
