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
    page.get_by_label("Plan workbook (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the workbook").click()
    assert page.get_by_role("heading", name="Preview: nothing has been saved yet").is_visible()
    assert page.get_by_role("heading", name="To be created (").first.is_visible()
    assert not Plan.objects.filter(borough__slug="barnet").exists()
    page.screenshot(path=str(artifacts / "plan-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Import into Barnet's plan").click()
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
    page.get_by_label("Plan workbook (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the workbook").click()
    assert page.get_by_role("heading", name="Nothing was imported").is_visible()
    row = page.get_by_role("row").filter(has_text="'Purple' is not a RAG rating")
    assert row.get_by_role("cell", name="RAG", exact=True).is_visible()
    assert Action.objects.count() == before
