""" "Where plans are blind" scores only boroughs with a plan recorded: the others are listed apart
("no plan recorded"), on the oversight page and in the export's Driver gaps sheet."""

import io

import openpyxl
import pytest

from plans.models import Borough, Plan
from plans.outcomes import NO_PLAN_FLAG, driver_gap_rows, london_driver_gaps

pytestmark = pytest.mark.django_db


def _without_plan(user):
    boroughs = Borough.objects.visible_to(user).filter(is_synthetic=False)
    return sorted(b.name for b in boroughs.filter(plans__isnull=True))


def test_oversight_panel_lists_boroughs_without_a_plan_apart(oversight_user):
    gaps = london_driver_gaps(oversight_user)
    scored = {row["borough"].name for row in gaps["rows"]}
    apart = [b.name for b in gaps["no_plan"]]
    assert apart == _without_plan(oversight_user) and len(apart) > 20  # the seed has Southwark's plan
    assert not scored & set(apart)
    planned = Plan.objects.filter(borough__isnull=False, borough__is_synthetic=False)
    assert scored == {p.borough.name for p in planned}


def test_the_oversight_page_shows_them_apart_unscored(client_as, oversight_user):
    html = client_as("oversight").get("/oversight/").text
    panel = html.split('id="london-gaps-title"', 1)[1].split("</section>", 1)[0]
    table, apart = panel.split('id="gaps-no-plan"', 1)
    names = _without_plan(oversight_user)
    assert all(f">{name}</a></th>" not in table for name in names)  # no scored row for them
    assert f"No plan recorded ({len(names)} boroughs)" in apart and names[0] in apart


def test_export_rows_flag_boroughs_without_a_plan_and_never_score_them(analyst_user):
    rows = driver_gap_rows(analyst_user)
    flagged = [r for r in rows if r[-3] == NO_PLAN_FLAG]
    assert sorted(r[0] for r in flagged) == _without_plan(analyst_user)
    assert all(r[-1] is None and r[-2] is None and r[1] == "" for r in flagged)
    assert rows[-len(flagged) :] == flagged  # after every scored row
    planned = {
        p.borough.name for p in Plan.objects.filter(borough__isnull=False, borough__is_synthetic=False)
    }
    assert {r[0] for r in rows if r[-3] != NO_PLAN_FLAG} == planned


def test_the_driver_gaps_sheet_lists_them_apart(client_as, analyst_user):
    response = client_as("analyst").get("/export/actions.xlsx")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True)["Driver gaps"]
    rows = list(sheet.iter_rows(values_only=True))
    flag = rows[0].index("Flag")
    apart = [row for row in rows[1:] if row[flag] == NO_PLAN_FLAG]
    assert sorted(row[0] for row in apart) == _without_plan(analyst_user)
    score = rows[0].index("Weighted gap score")
    assert all(row[score] is None for row in apart)
