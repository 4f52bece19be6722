"""A plan import walked in the browser: upload, read the preview, confirm, see the plan."""

import io

import pytest
from django.http import QueryDict

from plans.exports import ExportContext, write_workbook
from plans.filtersets import ActionFilterSet
from plans.models import Action, Plan

pytestmark = pytest.mark.browser


def southwark_workbook(tmp_path):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    data = QueryDict(mutable=True)
    data["borough"] = "southwark"
    target = io.BytesIO()
    write_workbook(ExportContext(filterset=ActionFilterSet(data, user=admin), user=admin), target)
    path = tmp_path / "southwark-plan.xlsx"
    path.write_bytes(target.getvalue())
    return path


def test_administrator_uploads_previews_and_confirms_a_plan(page, login, live_server, artifacts, tmp_path):
    path = southwark_workbook(tmp_path)
    login(page, "admin")
    page.goto(f"{live_server.url}/boroughs/barnet/import/")
    assert page.get_by_text("Barnet has no plan yet: the import creates it.").is_visible()
    page.get_by_label("Plan file (.xlsx, .docx or .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_role("heading", name="Preview: nothing has been saved yet").is_visible()
    assert page.get_by_role("heading", name="To be created (").first.is_visible()
    assert not Plan.objects.filter(borough__slug="barnet").exists()
    page.screenshot(path=str(artifacts / "plan-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Import: create 61 actions, change 0 in Barnet's plan").click()
    assert page.get_by_text("was imported into Barnet's plan").is_visible()
    assert Action.objects.filter(objective__plan__borough__slug="barnet").count() == 61


def test_editor_sees_the_row_by_row_report_for_a_bad_workbook(page, login, live_server, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Plan"
    ws.append(["Pillar", "Objective", "Action", "Owners", "Drivers", "RAG"])
    ws.append(["More Trust", "1. Engage", "Ward panels", "Supt Brockway", "", "Purple"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    before = Action.objects.count()
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/boroughs/southwark/import/")
    page.get_by_label("Plan file (.xlsx, .docx or .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_role("heading", name="Nothing was imported").is_visible()
    row = page.get_by_role("row").filter(has_text="'Purple' is not a RAG rating")
    assert row.get_by_role("cell", name="RAG", exact=True).is_visible()
    assert Action.objects.count() == before


def test_a_word_plan_reimport_lists_what_it_would_lose_above_the_confirm_button(
    page, login, live_server, artifacts, tmp_path
):
    from tests.docx_plans import docx_of

    header = ["1", "Engage with hard to reach communities", "Action owner", "RAG Rating"]
    lost = (
        "Specific engagement officer for each protected characteristic who are able to flex-across "
        "to support each other's work"
    )
    path = tmp_path / "southwark.docx"
    path.write_bytes(docx_of(["More Trust:", [header, ["", lost, "Inspector Honeyball", "Not rated"]]]))
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/boroughs/southwark/import/")
    page.get_by_label("Plan file (.xlsx, .docx or .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    losses = page.get_by_role("alert").filter(has_text="This import would lose information (1)")
    assert losses.is_visible() and losses.get_by_text("status Red → Not rated").is_visible()
    page.screenshot(path=str(artifacts / "plan-import-losses.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(artifacts / "plan-import-losses-320.png"), full_page=True)
    button = page.get_by_role(
        "button", name="Import: create 0 actions, change 1, and accept 1 loss listed above"
    )
    assert button.is_visible()
