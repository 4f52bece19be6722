"""A page's Excel and CSV buttons download that page's actions (issue 17 item 1), in a browser."""

import csv
import io

import openpyxl
import pytest

from plans.models import Action

pytestmark = pytest.mark.browser


def test_the_borough_dashboards_excel_button_downloads_its_amber_actions(
    page, login, live_server, artifacts, tmp_path
):
    login(page, "mopac.oversight")
    page.goto(f"{live_server.url}/boroughs/southwark/?rag=amber")
    buttons = page.locator("[data-export-buttons]")
    assert buttons.is_visible()
    buttons.screenshot(path=str(artifacts / "export-buttons.png"))
    page.screenshot(path=str(artifacts / "export-borough-dashboard.png"), full_page=True)
    with page.expect_download() as info:
        buttons.get_by_role("link", name="Excel workbook").click()
    download = info.value
    assert download.suggested_filename.startswith("OFFICIAL-trustplan-actions-southwark-rag-amber-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = openpyxl.load_workbook(path)
    header, *rows = list(workbook["Actions"].iter_rows(values_only=True))
    amber = Action.objects.filter(objective__plan__borough__slug="southwark", rag="amber", completed=False)
    assert len(rows) == amber.count() > 0
    assert {r[header.index("Borough")] for r in rows} == {"Southwark"}
    assert {r[header.index("RAG")] for r in rows} == {"Amber"}
    about = {r[0]: r[1] for r in workbook["About"].iter_rows(values_only=True)}
    assert about["Scope"] == "Borough: Southwark" and about["Protective marking"] == "OFFICIAL"


def test_the_oversight_csv_button_ignores_the_sort(page, login, live_server, artifacts, tmp_path):
    login(page, "analyst")
    page.goto(f"{live_server.url}/oversight/?sort=-red")
    page.screenshot(path=str(artifacts / "export-oversight.png"))
    headline = page.locator("#london-title").inner_text()
    with page.expect_download() as info:
        page.locator("[data-export-buttons]").get_by_role("link", name="CSV").click()
    download = info.value
    assert "-trustplan-actions-london-" in download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert headline.startswith(f"London: {len(rows)} action")
    for address, name in (
        ("/actions/?rag=red", "export-action-list.png"),
        ("/force/", "export-force.png"),
        ("/boroughs/southwark/review/", "export-review.png"),
    ):
        if "review" in address:
            login(page, "southwark.editor")
        page.goto(f"{live_server.url}{address}")
        assert page.locator("[data-export-buttons]").is_visible()
        page.screenshot(path=str(artifacts / name))


def test_the_reviews_stale_box_narrows_its_export_too(page, login, live_server):
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/boroughs/southwark/review/")
    excel = page.locator("a[data-export='xlsx']")
    assert "stale" not in excel.get_attribute("href")
    page.get_by_label("Show stale actions only").check()
    assert "stale=true" in excel.get_attribute("href") and "borough=southwark" in excel.get_attribute("href")
    page.get_by_label("Show stale actions only").uncheck()
    assert "stale" not in excel.get_attribute("href")
