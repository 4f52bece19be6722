"""The London-wide oversight dashboard: rows by BCU, sorting, drill-down, heatmap, pillars."""

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from plans import dashboards
from plans.models import Action, Plan
from plans.quarters import Quarter

pytestmark = pytest.mark.django_db


def _row(response, slug):
    return next(r for r in response.context["rows"] if r.borough.slug == slug)


def test_southwark_row_matches_the_seed(client_as):
    response = client_as("oversight").get("/oversight/")
    assert response.status_code == 200
    row = _row(response, "southwark")
    assert (row.counts.total, row.counts.green, row.counts.amber, row.counts.red, row.counts.not_rated) == (
        61,
        39,
        17,
        4,
        1,
    )
    cell = next(c for c in row.cells if c.get("status") == "red")
    assert cell["share"] == round(100 * 4 / 61)


def test_rows_are_grouped_by_bcu(client_as):
    response = client_as("oversight").get("/oversight/")
    groups = response.context["groups"]
    assert groups, "grouped by BCU by default"
    names = [bcu.name for bcu, _ in groups]
    assert names == sorted(names, key=str.lower)
    for bcu, members in groups:
        assert all(r.borough.bcu_id == bcu.pk for r in members)
    assert "BCU</th>" in response.text


def test_sorting_works_on_the_server_without_javascript(client_as):
    response = client_as("oversight").get("/oversight/?sort=-red")
    assert response.status_code == 200
    rows = response.context["rows"]
    shares = [r.counts.share("red") for r in rows]
    assert shares == sorted(shares, reverse=True)
    assert not response.context["groups"]
    assert 'aria-sort="descending"' in response.text
    ascending = client_as("oversight").get("/oversight/?sort=name").context["rows"]
    assert [r.borough.name for r in ascending] == sorted(r.borough.name for r in ascending)


def test_unknown_sort_is_refused_with_a_message(client_as):
    response = client_as("oversight").get("/oversight/?sort=password")
    assert response.status_code == 400
    assert "Unknown sort order" in response.text


def test_every_count_drills_down_to_the_same_number_of_actions(client_as):
    client = client_as("oversight")
    response = client.get("/oversight/")
    row = _row(response, "southwark")
    for cell in row.cells:
        listed = client.get(f"/actions/?{cell['url']}")
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == cell["count"], cell["status"]
    for url, expected in ((row.total_url, row.counts.total), (row.stale_url, row.counts.stale)):
        assert client.get(f"/actions/?{url}").context["page"].paginator.count == expected
    assert f"/actions/?{row.cells[0]['url']}".replace("&", "&amp;") in response.text


def test_heatmap_counts_actions_per_driver_and_marks_gaps(client_as, southwark_plan):
    client = client_as("oversight")
    response = client.get("/oversight/")
    drivers = response.context["drivers"]
    row = _row(response, "southwark")
    assert len(row.drivers) == len(drivers) == 8
    for driver, cell in zip(drivers, row.drivers, strict=True):
        expected = Action.objects.filter(objective__plan=southwark_plan, drivers=driver).count()
        assert cell.total == expected, driver.slug
        assert (cell.state == dashboards.GAP) == (expected == 0)
        assert parse_qs(cell.url) == {"borough": ["southwark"], "driver": [driver.slug]}
        listed = client.get(f"/actions/?{cell.url}")
        assert listed.context["page"].paginator.count == expected
    assert "○ Gap" in response.text


def test_london_summary_per_pillar(client_as):
    response = client_as("oversight").get("/oversight/")
    pillars = {p["pillar"].slug: p["counts"].total for p in response.context["pillars"]}
    for slug, total in pillars.items():
        assert (
            total
            == Action.objects.filter(
                objective__plan__borough__isnull=False, objective__pillar__slug=slug
            ).count()
        )
    assert sum(pillars.values()) == response.context["london"].total


def test_change_since_previous_quarter(client_as, southwark_plan):
    response = client_as("oversight").get("/oversight/")
    quarter = Quarter.containing(timezone.localdate()).previous()
    assert response.context["previous_quarter"] == quarter
    row = _row(response, "lambeth")
    for cell in row.cells:
        assert cell["delta"] == cell["count"] - row.previous.count(cell["status"])
    assert quarter.label in response.text


def test_as_at_rebuilds_the_oversight_figures_and_says_so(client_as):
    day = timezone.localdate() - dt.timedelta(days=1)
    response = client_as("oversight").get(f"/oversight/?as_at={day.isoformat()}")
    assert response.status_code == 200
    assert "As at the end of" in response.text
    lambeth = _row(response, "lambeth")
    assert lambeth.counts.total == Action.objects.filter(objective__plan__borough__slug="lambeth").count()


def test_compare_counts_moves_per_borough(client_as, lambeth_plan):
    from plans.choices import STATUS_RANK
    from plans.models import StatusUpdate
    from plans.querysets import end_of_day

    compare = timezone.localdate() - dt.timedelta(days=45)
    response = client_as("oversight").get(f"/oversight/?compare={compare.isoformat()}")
    assert response.status_code == 200
    up = down = 0
    for action in Action.objects.filter(objective__plan=lambeth_plan):
        then = (
            StatusUpdate.objects.filter(action=action, created_at__lt=end_of_day(compare))
            .order_by("-created_at", "-version")
            .first()
        )
        if then is None:
            continue
        diff = STATUS_RANK[action.status] - STATUS_RANK[then.to_status]
        up, down = up + (diff > 0), down + (diff < 0)
    row = _row(response, "lambeth")
    assert (row.moved_up, row.moved_down) == (up, down)
    assert up + down > 0, "the synthetic history has moves over six weeks"
    assert "Moved since" in response.text


def test_invalid_filters_show_the_reason_and_no_figures(client_as):
    response = client_as("oversight").get("/oversight/?borough=atlantis&stale=perhaps")
    assert response.status_code == 400
    assert "These filters cannot be used" in response.text
    assert "rows" not in response.context
    assert "London:" not in response.text


def test_filters_restrict_the_rows(client_as):
    response = client_as("oversight").get("/oversight/?borough=southwark&rag=red")
    rows = response.context["rows"]
    assert [r.borough.slug for r in rows] == ["southwark"]
    assert rows[0].counts.total == 4
    assert Plan.objects.filter(borough__isnull=False).count() > 1


@pytest.mark.parametrize(
    "role", ["southwark_editor", "lambeth_editor", "analyst", "administrator", "oversight"]
)
def test_every_reader_sees_the_oversight_dashboard(client_as, role):
    response = client_as(role).get("/oversight/")
    assert response.status_code == 200
    assert {r.borough.slug for r in response.context["rows"]} >= {"southwark", "lambeth"}
    # only oversight (and administrators) are offered to raise challenges
    assert response.context["may_challenge"] == (role in ("oversight", "administrator"))
