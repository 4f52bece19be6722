"""The protective marking (Government Security Classification) on every page, print and export:
configurable (PROTECTIVE_MARKING, default OFFICIAL), in the header and footer of each."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from tests.access_matrix import ROWS, World

pytestmark = pytest.mark.django_db

XLSX = reverse("export-actions-xlsx")
CSV = reverse("export-actions-csv")
SENSITIVE = "OFFICIAL-SENSITIVE"


def markings(html):
    """The markings of the page's header and footer bands, in order."""
    return re.findall(
        r'<p class="protective-marking protective-marking-(top|bottom)">'
        r'<span class="visually-hidden">Protective marking: </span>([^<]+)</p>',
        html,
    )


def test_the_default_marking_is_official(settings):
    assert settings.PROTECTIVE_MARKING == "OFFICIAL"


@pytest.mark.parametrize("role", ["anonymous", "southwark_editor", "oversight", "analyst", "administrator"])
def test_every_page_a_role_reads_has_the_marking_at_top_and_bottom(client_as, settings, role):
    settings.PROTECTIVE_MARKING = SENSITIVE
    client, world, checked = client_as(role), World(), 0
    for row in ROWS:
        if row.name.startswith(("api:", "admin:", "public")) or row.json or row.expected("GET", role) != 200:
            continue  # the public pages show what a commander published: released, so unmarked
        url = reverse(row.name, args=row.args(world) if row.args else []) + row.query
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        assert markings(html) == [("top", SENSITIVE), ("bottom", SENSITIVE)], url
        assert 'data-marking-page="official-sensitive"' in html or "swagger" in html, url
        checked += 1
    assert checked >= (1 if role == "anonymous" else 5)


def test_the_admin_carries_the_marking_too(client_as, settings):
    settings.PROTECTIVE_MARKING = SENSITIVE
    html = client_as("administrator").get(reverse("admin:plans_plan_changelist")).content.decode()
    assert markings(html) == [("top", SENSITIVE), ("bottom", SENSITIVE)]


def test_print_names_the_page_box_that_prints_the_marking_on_every_sheet():
    css = Path("static/css/print.css").read_text()
    from django.conf import settings

    for marking in settings.PROTECTIVE_MARKINGS:
        name = marking.lower().replace(" ", "-")
        assert f'body[data-marking-page="{name}"] {{ page: {name}; }}' in css
        block = re.search(rf"@page {name} {{(.*)}}\n", css).group(1)
        assert block.count(f'content: "{marking}"') == 2  # top and bottom margin boxes
        assert "@top-center" in block and "@bottom-center" in block


def test_the_workbook_carries_the_marking_on_its_about_sheet_and_every_sheets_header_and_footer(
    client_as, settings
):
    settings.PROTECTIVE_MARKING = SENSITIVE
    response = client_as("analyst").get(XLSX + "?borough=southwark")
    assert f'filename="{SENSITIVE}-trustplan-actions-' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    about = list(workbook["About"].iter_rows(values_only=True))
    assert about[1] == ("Protective marking", SENSITIVE)  # first row after the headings
    for worksheet in workbook.worksheets:
        assert worksheet.oddHeader.center.text == SENSITIVE, worksheet.title
        assert worksheet.oddFooter.center.text == SENSITIVE, worksheet.title
    assert workbook.custom_doc_props["Protective marking"].value == SENSITIVE


def test_the_csv_names_the_marking_in_its_file_name_and_keeps_its_rows_plain(client_as, settings):
    settings.PROTECTIVE_MARKING = SENSITIVE
    response = client_as("analyst").get(CSV + "?borough=southwark")
    assert f'filename="{SENSITIVE}-trustplan-actions-' in response["Content-Disposition"]
    first_line = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert SENSITIVE not in first_line  # the first row is the column headings, for machines


def test_the_plan_template_workbook_is_marked(client_as):
    response = client_as("southwark_editor").get(reverse("import-template"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content or [response.content])))
    assert all(ws.oddHeader.center.text == "OFFICIAL" for ws in workbook.worksheets)


@pytest.mark.parametrize(
    ("value", "ok"), [("official-sensitive", True), ("SECRET", True), ("RESTRICTED", False)]
)
def test_the_setting_accepts_only_a_government_security_classification(value, ok):
    env = {
        **os.environ,
        "PROTECTIVE_MARKING": value,
        "DJANGO_SETTINGS_MODULE": "trustplan.settings",
        "DEBUG": "1",
    }
    result = subprocess.run(  # noqa: S603 — our own interpreter and settings module
        [sys.executable, "-c", "from django.conf import settings; print(settings.PROTECTIVE_MARKING)"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if ok:
        assert result.returncode == 0 and result.stdout.strip() == value.upper(), result.stderr
    else:
        assert result.returncode != 0 and "PROTECTIVE_MARKING must be one of" in result.stderr
