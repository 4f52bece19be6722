"""The London-wide oversight dashboard: rows by BCU, sorting, drill-down, heatmap, pillars."""

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from plans import dashboards
from plans.dashboards import changes as dashboard_changes
from plans.dashboards import london as dashboard_london
from plans.models import Action, Plan
from plans.quarters import Quarter
from plans.synthetic import make_synthetic

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


# --- compare-to: which actions moved, on a hand-made history ------------------------------------
@pytest.fixture
def moves_history(world, administrator):
    """A plan for a borough without one, with a history well before any other plan's:

    day 0: A amber, B green, C amber; day 20: compare date; day 40: A → green (up), B → red
    (down), C → red; day 50: D added (new, not a move); day 60: C → amber (back where it was).
    """
    from plans.choices import RAG, UpdateSource
    from plans.models import Borough, Objective, Pillar
    from plans.services import apply_status_update, record_initial_status

    borough = Borough.objects.filter(plans__isnull=True).order_by("slug").first()
    plan = Plan.objects.create(slug=f"{borough.slug}-moves", borough=borough, title="Moves plan")
    objective = Objective.objects.create(
        plan=plan, pillar=Pillar.objects.get(slug="more-trust"), number=1, title="O"
    )
    start = timezone.localdate() - dt.timedelta(days=400)
    day = {n: start + dt.timedelta(days=n) for n in (0, 20, 40, 50, 60)}

    def at(n):
        return timezone.make_aware(dt.datetime.combine(day[n], dt.time(10)))

    actions = {}

    def add(key, position, rag, n):
        action = Action.objects.create(objective=objective, position=position, text=f"Moves action {key}")
        record_initial_status(
            action=action,
            rag=rag,
            commentary="Start",
            author_name="Test",
            at=at(n),
            source=UpdateSource.IMPORT,
        )
        actions[key] = action

    def update(key, n, rag):
        action = Action.objects.get(pk=actions[key].pk)
        apply_status_update(
            action=action,
            user=administrator,
            seen_version=action.version,
            at=at(n),
            rag=rag,
            commentary="Reviewed at the monthly meeting with partners.",
        )

    add("A", 1, RAG.AMBER, 0)
    add("B", 2, RAG.GREEN, 0)
    add("C", 3, RAG.AMBER, 0)
    update("A", 40, RAG.GREEN)
    update("B", 40, RAG.RED)
    update("C", 40, RAG.RED)
    add("D", 4, RAG.NOT_RATED, 50)
    update("C", 60, RAG.AMBER)
    return {"borough": borough, "plan": plan, "day": day, "actions": actions}


def test_compare_lists_the_moved_actions_and_nothing_else(client_as, moves_history):
    from plans.choices import Status

    borough, actions, day = moves_history["borough"], moves_history["actions"], moves_history["day"]
    compare = day[20].isoformat()
    response = client_as("oversight").get(f"/oversight/?compare={compare}")
    assert response.status_code == 200
    changes = response.context["changes"]
    # every other plan's history starts after the comparison date: its actions are new, not moves
    got = {m.text: (m.borough.slug, m.before, m.after, m.direction) for m in changes["moves"]}
    assert got == {
        "Moves action A": (borough.slug, Status.AMBER, Status.GREEN, "up"),
        "Moves action B": (borough.slug, Status.GREEN, Status.RED, "down"),
    }
    assert (changes["total"], changes["up"], changes["down"], changes["hidden"]) == (2, 1, 1, 0)
    text = response.text
    section = text[text.index('id="changes"') :].split("</section>")[0]
    assert f"Changes since {day[20].day} {day[20]:%B %Y}" in section
    for key in ("A", "B"):
        assert f'href="/actions/{actions[key].pk}/"' in section
    for key in ("C", "D"):
        assert f'href="/actions/{actions[key].pk}/"' not in section
    assert section.count("↑ up") == 1 and section.count("↓ down") == 1
    # the borough's ↑/↓ numbers link to its dashboard with the same comparison date
    row = _row(response, borough.slug)
    assert (row.moved_up, row.moved_down) == (1, 1)
    link = f"/boroughs/{borough.slug}/?compare={compare}#moves"
    assert f'href="{link}"' in text
    dashboard = client_as("oversight").get(link)
    assert dashboard.status_code == 200
    assert {m.action.text: m.direction for m in dashboard.context["moves"]} == {
        "Moves action A": "up",
        "Moves action B": "down",
        "Moves action D": "new",
    }


def test_compare_with_as_at_lists_the_moves_up_to_that_day(client_as, moves_history):
    day = moves_history["day"]
    slug = moves_history["borough"].slug
    response = client_as("oversight").get(f"/oversight/?compare={day[0]}&as_at={day[50]}&borough={slug}")
    assert response.status_code == 200
    got = {m.text: m.direction for m in response.context["changes"]["moves"]}
    # C was amber at day 0 and red at day 50
    assert got == {"Moves action A": "up", "Moves action B": "down", "Moves action C": "down"}
    row = _row(response, slug)
    assert f"/boroughs/{slug}/?as_at={day[50]}&amp;compare={day[0]}#moves" in response.text
    assert (row.moved_up, row.moved_down) == (1, 2)


def test_the_list_of_changes_is_capped_with_a_link_to_all(client_as, moves_history, monkeypatch):
    monkeypatch.setattr(dashboard_changes, "CHANGES_LIMIT", 1)
    compare = moves_history["day"][20].isoformat()
    client = client_as("oversight")
    response = client.get(f"/oversight/?compare={compare}")
    changes = response.context["changes"]
    assert (len(changes["moves"]), changes["total"], changes["hidden"]) == (1, 2, 1)
    assert "Showing the first 1 of 2 changes" in response.text
    assert f'href="?compare={compare}&amp;changes=all#changes"' in response.text
    everything = client.get(f"/oversight/?compare={compare}&changes=all")
    assert len(everything.context["changes"]["moves"]) == 2
    assert "Showing the first" not in everything.text


def test_no_changes_section_without_a_comparison_date(client_as, moves_history):
    response = client_as("oversight").get("/oversight/")
    assert response.context["changes"] is None
    assert "Changes since" not in response.text


def test_boroughs_come_a_page_at_a_time_with_totals_over_all_of_them(client_as, monkeypatch):
    make_synthetic(boroughs=32, months=2, seed=4, actions_per_plan=3)
    everyone = client_as("oversight").get("/oversight/?sort=name").context
    all_rows = everyone["rows"]
    assert len(all_rows) == everyone["borough_page"].paginator.count >= 32  # London fits on one page
    assert not everyone["borough_page"].has_other_pages()
    monkeypatch.setattr(dashboard_london, "BOROUGHS_PER_PAGE", 10)
    client = client_as("oversight")
    pages = [client.get(f"/oversight/?sort=name&page={n}") for n in (1, 2, 3, 4)]
    assert all(p.status_code == 200 for p in pages)
    shown = [r.borough.slug for p in pages for r in p.context["rows"]]
    assert shown == [r.borough.slug for r in all_rows]  # the same order, each borough once
    second = pages[1]
    assert [r.borough.slug for r in second.context["rows"]] == shown[10:20]
    assert second.context["london"].total == everyone["london"].total  # the London row counts all
    assert second.context["driver_gaps"] == everyone["driver_gaps"]
    assert len(second.context["rows"][0].drivers) == len(second.context["drivers"])  # heatmap cells
    html = second.text
    assert f"Boroughs 11–20 of {len(all_rows)}" in html
    assert 'href="?sort=name&amp;page=1#boroughs" rel="prev"' in html
    assert 'href="?sort=name&amp;page=3#heatmap" rel="next"' in html
    assert f"in {len(all_rows)} borough plans" in html
    sorted_link = second.context["sort_links"]["red"]["query"]
    assert "page" not in parse_qs(sorted_link)  # a new sort starts again at the first page
    beyond = client.get("/oversight/?sort=name&page=999")  # past the end: the last page
    assert [r.borough.slug for r in beyond.context["rows"]] == shown[30:]
    assert client.get("/oversight/?page=x").context["borough_page"].number == 1


def test_each_heatmap_cell_is_written_with_its_link_label_and_class(client_as, southwark_plan):
    response = client_as("oversight").get("/oversight/")
    row = _row(response, "southwark")
    html = response.text
    for driver, cell in zip(response.context["drivers"], row.drivers, strict=True):
        total = cell.total
        expected = (
            f'<td class="heat {cell.css}"><a href="/actions/?borough=southwark&amp;driver={driver.slug}">'
            f'<span class="visually-hidden">Southwark: </span>'
        )
        assert f'<span class="visually-hidden">, {total} action{"" if total == 1 else "s"}</span>' in html
        assert expected in html, driver.slug


def test_a_heatmap_cell_escapes_what_it_is_given():
    from plans.templatetags.trustplan import heat_cell

    counts = dashboards.Counts(total=3, red=1, amber=1, green=1)
    cell = dashboards.Cell(counts=counts, state=dashboards.coverage_state(counts), url='a=1&b="><x>')
    html = heat_cell(cell, '<script>alert("x")</script>', "/actions/")
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;: </span>" in html
    assert 'href="/actions/?a=1&amp;b=&quot;&gt;&lt;x&gt;"' in html
    assert '<span class="heat-mix" aria-hidden="true">✖1 ▲1 ●1</span>' in html
    empty = heat_cell(dashboards.Cell(counts=None, state=dashboards.GAP), "Barnet", "/actions/")
    assert "Barnet: </span>" in empty and ", 0 actions</span>" in empty and "heat-mix" not in empty
