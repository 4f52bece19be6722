"""Export from a page exports that page (issue 17 item 1): each dashboard and list has its own
Excel and CSV buttons carrying exactly its scope and filters, and the export's rows are the rows
the page counts."""

import csv
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.http import QueryDict

from plans.exports.scope import page_export_query
from plans.models import Action, Owner

PRESENTATION = ("sort", "page", "compare", "nu_sort", "changes")


def export_links(response):
    """{"xlsx": href, "csv": href} of the page's export buttons."""
    html = response.content.decode()
    found = dict(re.findall(r'href="([^"]+)" data-export="(xlsx|csv)"', html))
    return {kind: unescape(href) for href, kind in found.items()}


def csv_rows(client, href):
    response = client.get(href)
    assert response.status_code == 200, response.content[:300]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text))), response


def _oversight_total(context):
    return context["london"]["total"] if isinstance(context["london"], dict) else context["london"].total


def _southwark_review_rows(context):
    return context["shown_count"]


@pytest.fixture
def mine(southwark_editor, southwark_plan):
    """The Southwark editor is the owner of two of the plan's owners' actions."""
    owners = list(Owner.objects.filter(actions__objective__plan=southwark_plan).distinct().order_by("pk")[:2])
    Owner.objects.filter(pk__in=[o.pk for o in owners]).update(user=southwark_editor)
    return Action.objects.filter(owners__in=owners).distinct().count()


# (role, page address, the count the page shows, from its context)
PAGES = {
    "oversight, sorted": ("oversight", "/oversight/?sort=-red", _oversight_total),
    "oversight, amber, sorted and paged": (
        "oversight",
        "/oversight/?rag=amber&sort=-red&page=1&compare=2025-01-01",
        _oversight_total,
    ),
    "oversight, a BCU": ("analyst", "/oversight/?bcu=central-south&stale=false", _oversight_total),
    "borough dashboard, amber": (
        "oversight",
        "/boroughs/southwark/?rag=amber",
        lambda c: c["totals"]["total"] if isinstance(c["totals"], dict) else c["totals"].total,
    ),
    "borough dashboard, a pillar, another borough in the address": (
        "analyst",
        "/boroughs/southwark/?pillar=less-crime&borough=lambeth&nu_sort=age",
        lambda c: c["totals"]["total"] if isinstance(c["totals"], dict) else c["totals"].total,
    ),
    "action list, red and amber, page 2": (
        "oversight",
        "/actions/?rag=red&rag=amber&page=2",
        lambda c: c["page"].paginator.count,
    ),
    "action list, a borough": ("analyst", "/actions/?borough=lambeth", lambda c: c["page"].paginator.count),
    "action list, only mine": ("southwark_editor", "/actions/?mine=1", lambda c: c["page"].paginator.count),
    "force plan, as at a day (milestones only)": (
        "analyst",
        "/force/?as_at=2022-02-15",
        lambda c: len(c["activities"]),
    ),
    "monthly review": ("southwark_editor", "/boroughs/southwark/review/", _southwark_review_rows),
    "monthly review, mine": (
        "southwark_editor",
        "/boroughs/southwark/review/?mine=1",
        _southwark_review_rows,
    ),
}


@pytest.mark.parametrize("case", list(PAGES))
def test_a_pages_export_has_the_rows_the_page_counts(client_as, mine, case):
    role, address, counted = PAGES[case]
    client = client_as(role)
    page = client.get(address)
    assert page.status_code == 200
    links = export_links(page)
    assert set(links) == {"xlsx", "csv"}, "each page has its Excel and CSV buttons"
    query = parse_qs(urlsplit(links["csv"]).query)
    assert not set(query) & set(PRESENTATION), f"presentation parameters passed as filters: {query}"
    assert urlsplit(links["xlsx"]).query == urlsplit(links["csv"]).query
    rows, _ = csv_rows(client, links["csv"])
    expected = counted(page.context)
    assert expected > 0, "a case that counts nothing proves nothing"
    assert len(rows) == expected
    if "/boroughs/southwark/" in address:
        assert {r["Borough"] for r in rows} == {"Southwark"}, "a borough page exports its borough"
    if address.startswith("/force/"):
        assert {r["Borough"] for r in rows} == {"Force-wide"} and "as_at" not in links["csv"]


def test_the_borough_dashboards_export_names_its_scope_in_the_file_and_about_sheet(client_as):
    client = client_as("oversight")
    links = export_links(client.get("/boroughs/southwark/?rag=amber"))
    response = client.get(links["xlsx"])
    assert response.status_code == 200
    assert re.search(
        r'filename="OFFICIAL-trustplan-actions-southwark-rag-amber-\d{8}-\d{4}\.xlsx"',
        response["Content-Disposition"],
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Scope"] == "Borough: Southwark"
    assert about["Filter: Borough"] == "Southwark" and about["Filter: RAG"] == "Amber"
    assert about["Protective marking"] == "OFFICIAL"
    amber = Action.objects.filter(objective__plan__borough__slug="southwark", rag="amber", completed=False)
    assert about["Rows: Actions"] == amber.count()
    assert {r[0] for r in workbook["Actions"].iter_rows(min_row=2, values_only=True)} == {"Southwark"}


def test_the_oversight_export_is_londons_borough_plans_and_says_so(client_as):
    client = client_as("analyst")
    links = export_links(client.get("/oversight/?sort=-red"))
    assert "scope=boroughs" in links["xlsx"] and "sort" not in links["xlsx"]
    response = client.get(links["xlsx"])
    assert "-trustplan-actions-london-" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Scope"].startswith("Every borough plan you may read (London)")
    assert about["Filters"].startswith("none")
    assert "Force-wide" not in {r[0] for r in workbook["Actions"].iter_rows(min_row=2, values_only=True)}


def test_page_export_query_keeps_filters_and_drops_presentation():
    params = QueryDict("rag=amber&sort=-red&page=3&compare=2025-01-01&borough=lambeth&stale=1&changes=all")
    oversight = page_export_query("oversight", params)
    assert oversight.urlencode() == "borough=lambeth&rag=amber&stale=true&scope=boroughs"
    borough = page_export_query("borough-dashboard", params, borough_slug="southwark")
    assert borough.urlencode() == "borough=southwark&rag=amber&stale=true"
    review = page_export_query(
        "borough-review", QueryDict("stale=1&owner=4&mine=1&rag=red"), borough_slug="x"
    )
    assert review.urlencode() == "borough=x&stale=true&owner=4&mine=1"
    assert page_export_query("force-plan", params).urlencode() == "scope=force"
    assert page_export_query("challenge-list", params) is None


@pytest.mark.parametrize(
    ("query", "named"),
    [("?scope=everything", "scope:"), ("?mine=yes", "mine:"), ("?scope=force&rag=purple", "RAG:")],
)
def test_a_bad_scope_is_refused_with_its_name(client_as, query, named):
    response = client_as("analyst").get("/export/actions.csv" + query)
    assert response.status_code == 400 and named in response.content.decode()


def test_the_menu_has_no_export_link_that_cannot_know_the_page(client_as):
    html = client_as("analyst").get("/boroughs/southwark/?rag=amber").content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    assert "/export/" not in nav


@pytest.mark.parametrize(
    "role, query",
    [
        ("administrator", "?scope=force"),
        ("administrator", "?scope=boroughs"),
        ("southwark_editor", "?mine=1"),
    ],
)
def test_the_status_history_covers_the_scope_of_the_actions(client_as, mine, role, query):
    """``scope`` and ``mine`` narrow the Status history as they narrow the Actions sheet (the
    history took every plan the user reads), retired actions of that scope included."""
    from plans.models import StatusUpdate

    response = client_as(role).get("/export/actions.xlsx" + query)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheets = {name: list(book[name].iter_rows(values_only=True)) for name in ("Actions", "Status history")}
    ids = {name: {row[rows[0].index("Action ID")] for row in rows[1:]} for name, rows in sheets.items()}
    assert ids["Status history"] and ids["Status history"] <= ids["Actions"]
    assert len(sheets["Status history"]) - 1 == StatusUpdate.objects.filter(action__in=ids["Actions"]).count()
