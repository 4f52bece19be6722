"""Plan import: round trip of the Southwark plan, tolerant layouts, all-or-nothing on bad files."""

import hashlib
import io
import re
import zipfile

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import QueryDict
from django.urls import reverse
from openpyxl.styles import PatternFill

from plans import imports
from plans.choices import RAG, UpdateSource
from plans.exports import ExportContext, write_workbook
from plans.filtersets import ActionFilterSet
from plans.imports import import_plan
from plans.models import Action, Objective, Owner, Plan, StatusUpdate

HEADERS = ["Pillar", "Objective", "Action", "Owners", "Drivers", "RAG"]


def southwark_export(user):
    data = QueryDict(mutable=True)
    data["borough"] = "southwark"
    ctx = ExportContext(filterset=ActionFilterSet(data, user=user), user=user)
    target = io.BytesIO()
    write_workbook(ctx, target)
    return target.getvalue()


def workbook(rows, headers=HEADERS, title="Plan", fills=None):
    """A small workbook made with openpyxl (fills: {(row, col): hex})."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    if headers:
        ws.append(headers)
    for row in rows:
        ws.append(row)
    for (r, c), colour in (fills or {}).items():
        ws.cell(row=r, column=c).fill = PatternFill("solid", fgColor=colour)
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


def plan_state(borough):
    """What a plan says, independent of ids: objectives, actions with owners, drivers and RAG."""
    actions = Action.objects.filter(objective__plan__borough=borough).prefetch_related("owners", "drivers")
    return {
        "objectives": sorted(
            (o.pillar.name, o.number, o.title)
            for o in Objective.objects.filter(plan__borough=borough).select_related("pillar")
        ),
        "actions": sorted(
            (
                a.objective.pillar.name,
                a.objective.number,
                a.position,
                a.text,
                tuple(sorted(o.key for o in a.owners.all())),
                tuple(sorted(d.slug for d in a.drivers.all())),
                a.rag,
                a.completed,
            )
            for a in actions.select_related("objective__pillar")
        ),
        "owner labels": sorted(
            o.label for o in Owner.objects.filter(actions__objective__plan__borough=borough).distinct()
        ),
    }


def checksum():
    """Row counts and a digest of the plan tables: equal before and after means nothing was written."""
    parts = []
    for model, fields in (
        (Plan, ("pk", "slug", "title")),
        (Objective, ("pk", "plan_id", "pillar_id", "number", "title")),
        (Action, ("pk", "objective_id", "position", "text", "rag", "completed", "version", "due_date")),
        (Owner, ("pk", "borough_id", "key", "label")),
        (StatusUpdate, ("pk", "action_id", "to_rag", "commentary")),
        (Action.owners.through, ("action_id", "owner_id")),
        (Action.drivers.through, ("action_id", "driver_id")),
    ):
        rows = list(model.objects.order_by(*fields[:2]).values_list(*fields))
        parts.append(f"{model.__name__}:{len(rows)}:{rows!r}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest(), [p.split(":")[1] for p in parts]


# --- round trip -------------------------------------------------------------------------------


def test_southwark_exported_then_imported_into_an_empty_borough_reproduces_the_plan(
    southwark, southwark_plan, barnet, administrator
):
    data = southwark_export(administrator)
    preview = import_plan(
        borough=barnet, workbook_file=data, user=administrator, dry_run=True, filename="sw.xlsx"
    )
    assert preview.ok, [str(p) for p in preview.problems]
    assert not Plan.objects.filter(borough=barnet).exists(), "a dry run writes nothing"
    assert sum(1 for c in preview.created if c.kind == "action") == 61
    report = import_plan(
        borough=barnet, workbook_file=data, user=administrator, dry_run=False, filename="sw.xlsx"
    )
    assert report.applied and report.ok
    assert plan_state(barnet) == plan_state(southwark)
    rags = list(Action.objects.filter(objective__plan__borough=barnet).values_list("rag", flat=True))
    assert (rags.count("green"), rags.count("amber"), rags.count("red"), rags.count("not_rated")) == (
        39,
        17,
        4,
        1,
    )
    first = StatusUpdate.objects.filter(action__objective__plan__borough=barnet)
    assert first.count() == 61 and set(first.values_list("source", flat=True)) == {UpdateSource.IMPORT}

    before = checksum()
    again = import_plan(
        borough=barnet, workbook_file=data, user=administrator, dry_run=False, filename="sw.xlsx"
    )
    assert again.ok and not again.created and not again.changed and len(again.unchanged) == 61
    assert checksum() == before, "re-importing the same workbook changes nothing and duplicates nothing"


def test_reimport_updates_in_place_and_a_rag_change_is_a_status_update_by_the_importer(
    barnet, administrator, southwark_editor
):
    data = southwark_export(administrator)
    import_plan(borough=barnet, workbook_file=data, user=administrator, dry_run=False)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["Actions"]
    header = [c.value for c in ws[1]]
    rag_col, text_col = header.index("RAG") + 1, header.index("Action") + 1
    changed_text = ws.cell(row=2, column=text_col).value
    was = ws.cell(row=2, column=rag_col).value
    ws.cell(row=2, column=rag_col).value = "RED" if was != "Red" else "green"
    edited = io.BytesIO()
    book.save(edited)
    actions_before = Action.objects.count()
    report = import_plan(borough=barnet, workbook_file=edited.getvalue(), user=administrator, dry_run=False)
    assert report.ok and len(report.changed) == 1 and len(report.unchanged) == 60
    assert Action.objects.count() == actions_before
    action = Action.objects.get(objective__plan__borough=barnet, text=changed_text)
    update = action.updates.order_by("-version").first()
    assert update.author == administrator and update.source == UpdateSource.IMPORT
    assert (
        update.from_rag == RAG(was.lower().replace(" ", "_"))
        and update.to_rag == action.rag != update.from_rag
    )
    assert action.version == 2


# --- tolerant layouts ------------------------------------------------------------------------


def test_headings_as_rows_rag_in_any_case_and_as_fill_colour_owners_in_one_cell(barnet, administrator):
    rows = [
        ["More Trust:", None, None, None],
        ["1. Engage with communities with lower trust", None, None, None],
        [None, "Ward panel meetings in each sector", "Supt Brockway and Chief Inspector Barnes", "GREEN"],
        [None, "Community contact sessions", "Chief Sup Adjei-Addoh", None],
        ["2. Improve communication", None, None, None],
        [None, "Monthly newsletter", "Comms Team", "amber"],
        ["Higher Standards", None, None, None],
        ["1. Visible leadership", None, None, None],
        [None, "Leaders visible across all sites", "Chief Supt Adjei-Addoh", ""],
    ]
    data = workbook(rows, headers=["", "Action", "Action owner", "RAG Rating"], fills={(5, 4): "C00000"})
    report = import_plan(borough=barnet, workbook_file=data, user=administrator, dry_run=False)
    assert report.ok, [str(p) for p in report.problems]
    state = {a[3]: a for a in plan_state(barnet)["actions"]}
    assert state["Ward panel meetings in each sector"][:2] == ("More Trust", 1)
    assert state["Ward panel meetings in each sector"][4] == ("ci:barnes", "supt:brockway")
    assert state["Ward panel meetings in each sector"][6] == "green"
    assert state["Community contact sessions"][6] == "red", "a red fill with no word is Red"
    assert state["Monthly newsletter"][:2] == ("More Trust", 2) and state["Monthly newsletter"][6] == "amber"
    assert state["Leaders visible across all sites"][:2] == ("Higher Standards", 1)
    assert state["Leaders visible across all sites"][6] == "not_rated"
    assert Owner.objects.filter(borough=barnet, key="chief supt:adjei-addoh").count() == 1


def test_the_southwark_document_layout_with_objective_header_rows(barnet, administrator):
    rows = [
        ["Less Crime:"],
        [1, "Target repeat offenders", "Action owner", "RAG Rating"],
        [None, "Arrest days for outstanding suspects", "DCI Smith", "Green"],
        [None, "Do it right the first time", "TCET", "Amber"],
        [None, "with as this does a disservice to victims", None, None],
        [2, "Visible policing", "Action owner", "RAG Rating"],
        [None, "Hotspot patrols", "Town Centre Team", "red"],
    ]
    report = import_plan(
        borough=barnet, workbook_file=workbook(rows, headers=None), user=administrator, dry_run=False
    )
    assert report.ok, [str(p) for p in report.problems]
    texts = {a[3]: a for a in plan_state(barnet)["actions"]}
    assert "Do it right the first time with as this does a disservice to victims" in texts, (
        "page break joined"
    )
    assert texts["Hotspot patrols"][:2] == ("Less Crime", 2) and texts["Hotspot patrols"][6] == "red"
    assert dict((o[1], o[2]) for o in plan_state(barnet)["objectives"]) == {
        1: "Target repeat offenders",
        2: "Visible policing",
    }


def test_merged_pillar_and_objective_cells_fill_down(barnet, administrator):
    rows = [
        ["Less Crime", "1. Target repeat offenders", "Arrest days", "DCI Smith", "effectiveness", "Green"],
        [
            None,
            None,
            "Civil orders for repeat victims",
            "DI Jones",
            "Police effectiveness; accountability",
            "Red",
        ],
    ]
    report = import_plan(borough=barnet, workbook_file=workbook(rows), user=administrator, dry_run=False)
    assert report.ok, [str(p) for p in report.problems]
    state = plan_state(barnet)["actions"]
    assert {(a[0], a[1], a[3]) for a in state} == {
        ("Less Crime", 1, "Arrest days"),
        ("Less Crime", 1, "Civil orders for repeat victims"),
    }
    assert next(a for a in state if a[3].startswith("Civil"))[5] == ("accountability", "effectiveness")
    # a driver's name is read before a slug: "effectiveness" is Stanko & Bradford's "Effectiveness"
    assert next(a for a in state if a[3] == "Arrest days")[5] == ("sb-effectiveness",)


def test_the_downloadable_template_is_documented_and_imports(client_as, barnet, administrator):
    response = client_as("southwark_editor").get(reverse("import-template"))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    data = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Plan", "Instructions", "Reference"]
    assert [c.value for c in book["Plan"][1]][:6] == [
        "Pillar",
        "Objective",
        "Action",
        "Owners",
        "Drivers",
        "RAG",
    ]
    instructions = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    assert "All or nothing" in instructions and "20,000 rows" in instructions
    reference = {(r[0], r[2]) for r in book["Reference"].iter_rows(min_row=2, values_only=True)}
    assert ("Driver", "accountability") in reference and ("Pillar", "more-trust") in reference
    report = import_plan(borough=barnet, workbook_file=data, user=administrator, dry_run=True)
    assert report.ok and sum(1 for c in report.created if c.kind == "action") == 2


# --- bad files: a clear error and nothing written --------------------------------------------


def _valid():
    return workbook([["More Trust", "1. Engage", "Ward panels", "Supt Brockway", "accountability", "Green"]])


def _zip_bomb():
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (60 * 1024 * 1024) + b"/>")
    return target.getvalue()


def _many_members():
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(200 + 1):
            archive.writestr(f"xl/media/{n}.bin", b"x")
    return target.getvalue()


def _huge_sheet():
    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    ws = book.add_worksheet("Plan")
    for c, name in enumerate(HEADERS):
        ws.write_string(0, c, name)
    for r in range(1, imports.MAX_ROWS + 1):
        ws.write_string(r, 0, "More Trust")
        ws.write_string(r, 2, f"Action {r}")
    book.close()
    return target.getvalue()


def _lying_dimension():
    """A sheet that declares A1:F2 but holds more than 20,000 rows."""
    data = _huge_sheet()
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[A-Z0-9:]+"/>', b'<dimension ref="A1:F2"/>', content)
                assert b'<dimension ref="A1:F2"/>' in content
            archive.writestr(item, content)
    return target.getvalue()


def _formula():
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEADERS)
    ws.append(["More Trust", "1. Engage", "Ward panels", "Supt Brockway", "", '=IF(1,"Green","Red")'])
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


BAD_FILES = {
    "wrong type (PDF)": (lambda: b"%PDF-1.7\n" + b"0" * 2000, "not an Excel workbook"),
    "old .xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "Excel 97"),
    "zip that is no workbook": (
        lambda: (lambda b: (zipfile.ZipFile(b, "w").writestr("a.txt", "hello"), b.getvalue())[1])(
            io.BytesIO()
        ),
        "not an Excel workbook",
    ),
    "truncated zip": (lambda: _valid()[: len(_valid()) // 2], "damaged or truncated"),
    "over 10 MB": (lambda: b"PK\x03\x04" + b"\0" * (imports.MAX_BYTES + 1), "the limit is 10 MB"),
    "zip bomb": (_zip_bomb, "zip bomb"),
    "too many parts": (_many_members, "parts"),
    "huge sheet": (_huge_sheet, "more than 20,000 rows"),
    "sheet hiding its rows behind its dimension": (_lying_dimension, "more than 20,000 rows"),
    "missing columns": (
        lambda: workbook(
            [["More Trust", "1. Engage", "Ward panels"]], headers=["Pillar", "Objective", "Action"]
        ),
        "Missing column(s): Owners, RAG",
    ),
    "no headings at all": (
        lambda: workbook([["just", "some", "cells"]], headers=None),
        "No row of column headings",
    ),
    "bad RAG word": (
        lambda: workbook([["More Trust", "1. Engage", "Ward panels", "Supt Brockway", "", "Purple"]]),
        "'Purple' is not a RAG rating",
    ),
    "unknown borough": (
        lambda: workbook(
            [["Gotham", "More Trust", "1. Engage", "Ward panels", "Supt Brockway", "", "Green"]],
            headers=["Borough", *HEADERS],
        ),
        "Unknown borough 'Gotham'",
    ),
    "two boroughs": (
        lambda: workbook(
            [
                ["Lambeth", "More Trust", "1. Engage", "Ward panels", "Supt Brockway", "", "Green"],
                ["Southwark", "More Trust", "1. Engage", "Newsletter", "Supt Brockway", "", "Green"],
            ],
            headers=["Borough", *HEADERS],
        ),
        "several boroughs",
    ),
    "unknown driver": (
        lambda: workbook(
            [["More Trust", "1. Engage", "Ward panels", "Supt Brockway", "Good vibes", "Green"]]
        ),
        "Unknown driver 'Good vibes'",
    ),
    "unknown pillar": (
        lambda: workbook([["Faster Cars", "1. Engage", "Ward panels", "Supt Brockway", "", "Green"]]),
        "Unknown pillar 'Faster Cars'",
    ),
    "duplicate rows": (
        lambda: workbook(
            [
                ["More Trust", "1. Engage", "Ward panels", "Supt Brockway", "", "Green"],
                ["More Trust", "1. Engage", "Ward  PANELS", "Supt Brockway", "", "Amber"],
            ]
        ),
        "Duplicate of Plan row 2",
    ),
    "formula": (_formula, "A formula"),
    "bad date": (
        lambda: workbook(
            [["More Trust", "1. Engage", "Ward panels", "Supt Brockway", "", "Green", "soon"]],
            headers=[*HEADERS, "Due date"],
        ),
        "'soon' is not a date",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_gives_a_clear_error_and_leaves_the_database_unchanged(southwark, administrator, name):
    make, message = BAD_FILES[name]
    data = make()
    before = checksum()
    report = import_plan(
        borough=southwark, workbook_file=data, user=administrator, dry_run=False, filename="bad.xlsx"
    )
    assert not report.ok and not report.applied
    text = report.rejected + " ".join(str(p) for p in report.problems)
    assert message in text, text
    assert checksum() == before


def test_problems_are_reported_row_by_row_with_sheet_column_and_what_was_expected(southwark, administrator):
    data = workbook(
        [
            ["More Trust", "1. Engage", "Ward panels", "Supt Brockway", "", "Green"],
            ["More Trust", "1. Engage", "Newsletter", "Comms Team", "nonsense", "Blurple"],
            ["More Trust", "1. Engage", "Surgeries", "Comms Team", "", "Red"],
        ]
    )
    report = import_plan(borough=southwark, workbook_file=data, user=administrator, dry_run=False)
    found = {(p.sheet, p.row, p.column) for p in report.problems}
    assert found == {("Plan", 3, "Drivers"), ("Plan", 3, "RAG")}
    rag = next(p for p in report.problems if p.column == "RAG")
    assert "Red, Amber, Green" in rag.expected
    assert not Action.objects.filter(text="Surgeries").exists(), (
        "valid rows are not saved when another is wrong"
    )


def _with_a_retired_objective(barnet, administrator):
    """Barnet's plan, imported: More Trust 1 (two actions) and More Trust 2, whose one action
    and then the objective itself are taken out of the plan."""
    from plans.services.objectives import objective_retire
    from plans.services.plan_editing import action_retire

    rows = [
        ["More Trust", "1. Engage with communities", "Ward panels", "Supt Brockway", "", "Green"],
        ["More Trust", "1. Engage with communities", "Surgeries", "Comms Team", "", "Amber"],
        ["More Trust", "2. Improve communication", "Monthly newsletter", "Comms Team", "", "Red"],
    ]
    report = import_plan(borough=barnet, workbook_file=workbook(rows), user=administrator, dry_run=False)
    assert report.ok, [str(p) for p in report.problems]
    retired = Objective.objects.get(plan__borough=barnet, number=2)
    action_retire(user=administrator, action=retired.actions.get())
    objective_retire(user=administrator, objective=retired)
    return rows, Objective.objects.get(pk=retired.pk)


def test_a_row_naming_a_retired_objectives_number_is_a_problem_and_nothing_is_written(barnet, administrator):
    """Every row that names it is told, with the place of the row."""
    rows, retired = _with_a_retired_objective(barnet, administrator)
    before = checksum()
    again = workbook(
        [
            *rows[:2],
            ["More Trust", "2. Improve communication", "Podcast", "Comms Team", "", "Red"],
            ["More Trust", "2. Improve communication", "Newsletter", "Comms Team", "", "Amber"],
        ]
    )
    for dry_run in (True, False):
        report = import_plan(borough=barnet, workbook_file=again, user=administrator, dry_run=dry_run)
        found = [(p.sheet, p.row, p.column) for p in report.problems]
        assert found == [("Plan", 4, "Objective"), ("Plan", 5, "Objective")]
        problem = str(report.problems[0])
        assert "More Trust 2 (Improve communication) was taken out of the plan on" in problem
        assert "its number is not used again" in problem and "or a new number" in problem
    assert checksum() == before
    assert not retired.actions.filter(text="Podcast").exists()


def test_a_retired_objectives_title_takes_a_new_objective_not_the_retired_one(barnet, administrator):
    rows, retired = _with_a_retired_objective(barnet, administrator)
    unnumbered = [[pillar, objective.split(". ", 1)[1], *rest] for pillar, objective, *rest in rows[:2]]
    again = workbook(
        [*unnumbered, ["More Trust", "Improve communication", "Podcast", "Comms Team", "", "Red"]]
    )
    preview = import_plan(borough=barnet, workbook_file=again, user=administrator, dry_run=True)
    assert preview.ok, [str(p) for p in preview.problems]
    assert [c.label for c in preview.created if c.kind == "objective"] == [
        "More Trust 3. Improve communication"
    ]
    report = import_plan(borough=barnet, workbook_file=again, user=administrator, dry_run=False)
    assert report.ok and report.applied
    podcast = Action.objects.get(objective__plan__borough=barnet, text="Podcast")
    assert podcast.objective_id != retired.pk
    assert (podcast.objective.number, podcast.objective.title, podcast.objective.retired_at) == (
        3,
        "Improve communication",
        None,
    )
    assert not retired.actions.live().exists()


def test_a_heading_row_without_its_number_is_named_in_the_preview_not_lost_unseen(barnet, administrator):
    """In a layout of heading rows an objective is a numbered heading; a heading without its
    number is neither a heading nor an action: the preview says it was left out, and where."""
    rows = [
        ["More Trust:", None, None, None],
        ["1. Engage with communities", None, None, None],
        [None, "Ward panels", "Supt Brockway", "Green"],
        ["Improve communication", None, None, None],
        [None, "Podcast", "Comms Team", "Red"],
    ]
    data = workbook(rows, headers=["", "Action", "Action owner", "RAG Rating"])
    report = import_plan(borough=barnet, workbook_file=data, user=administrator, dry_run=True)
    assert report.ok, [str(p) for p in report.problems]
    left = [note for note in report.notes if "left out" in note]
    assert len(left) == 1 and left[0].startswith("Plan row 5") and "“Improve communication”" in left[0]


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["lambeth.editor", "mopac.oversight", "analyst"])
def test_only_the_boroughs_editors_and_administrators_may_import(southwark, username):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    before = checksum()
    with pytest.raises(PermissionDenied):
        import_plan(borough=southwark, workbook_file=_valid(), user=user, dry_run=False)
    assert checksum() == before


def test_the_import_command_previews_imports_and_fails_clearly(barnet, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(_valid())
    before = checksum()
    out = io.StringIO()
    call_command("import_plan", str(path), "--borough", "barnet", "--dry-run", "--user", "admin", stdout=out)
    assert "Dry run, nothing written" in out.getvalue() and checksum() == before
    call_command("import_plan", str(path), "--borough", "barnet", stdout=io.StringIO())
    assert Action.objects.filter(objective__plan__borough=barnet, text="Ward panels").exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(BAD_FILES["bad RAG word"][0]())
    err = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("import_plan", str(bad), "--borough", "barnet", stderr=err)
    assert "Plan row 2 RAG" in err.getvalue()
    with pytest.raises(CommandError, match="only import plans into your own borough"):
        call_command("import_plan", str(path), "--borough", "southwark", "--user", "lambeth.editor")
    with pytest.raises(CommandError, match="No borough"):
        call_command("import_plan", str(path), "--borough", "atlantis")


# --- the upload page --------------------------------------------------------------------------


def test_upload_preview_confirm_imports_once(client_as, barnet, administrator):
    client = client_as("administrator")
    url = reverse("borough-import", args=["barnet"])
    data = southwark_export(administrator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"workbook": SimpleUploadedFile("southwark.xlsx", data)})
    assert response.status_code == 200
    assert b"Preview: nothing has been saved yet" in response.content and b"To be created" in response.content
    assert not Plan.objects.filter(borough=barnet).exists()
    token = response.context["confirm_form"].initial["token"]
    assert (
        client_as("southwark_editor")
        .post(reverse("borough-import", args=["barnet"]), {"token": token})
        .status_code
        == 403
    )
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert Action.objects.filter(objective__plan__borough=barnet).count() == 61
    before = checksum()
    replay = client.post(url, {"token": token})
    assert replay.status_code == 400 and b"expired" in replay.content
    assert checksum() == before


def test_upload_of_a_bad_file_shows_the_row_by_row_report(client_as, southwark):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = checksum()
    response = client_as("southwark_editor").post(
        reverse("borough-import", args=["southwark"]),
        {"workbook": SimpleUploadedFile("plan.xlsx", BAD_FILES["bad RAG word"][0]())},
    )
    assert response.status_code == 400
    assert b"Nothing was imported" in response.content and b"Blurple" not in response.content
    assert b"&#x27;Purple&#x27; is not a RAG rating" in response.content
    assert checksum() == before


def test_an_editor_cannot_import_into_another_borough(client_as, southwark):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = checksum()
    for role in ("lambeth_editor", "oversight", "analyst"):
        response = client_as(role).post(
            reverse("borough-import", args=["southwark"]),
            {"workbook": SimpleUploadedFile("plan.xlsx", _valid())},
        )
        assert response.status_code == 403
    assert checksum() == before


def test_every_import_is_logged_with_who_where_which_file_and_the_outcome(barnet, administrator, caplog):
    data = southwark_export(administrator)
    with caplog.at_level("INFO", logger="trustplan.security"):
        import_plan(borough=barnet, workbook_file=data, user=administrator, dry_run=True, filename="s.xlsx")
        import_plan(borough=barnet, workbook_file=data, user=administrator, dry_run=False, filename="s.xlsx")
        import_plan(
            borough=barnet,
            workbook_file=b"not a workbook",
            user=administrator,
            dry_run=False,
            filename="junk.xlsx",
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "trustplan.security"]
    imports = [line for line in lines if line.startswith("plan import")]
    assert [line.split(":")[0] for line in imports] == [
        "plan import dry-run",
        "plan import applied",
        "plan import refused",
    ]
    assert all(f"user={administrator}" in line and "borough=barnet" in line for line in imports)
    assert "file=s.xlsx" in imports[1] and "created=" in imports[1]
    assert "file=junk.xlsx" in imports[2] and "rejected=" in imports[2]
