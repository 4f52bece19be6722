"""The oversight page names its scope: with a BCU filter the headline and the total row name the
BCU, not London; sorted by BCU, the borough table has a subtotal row per BCU."""

import re

import pytest

from plans.models import Borough
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.django_db


def test_with_a_bcu_filter_the_headline_names_the_bcu(client_as):
    bcu = Borough.objects.get(slug="southwark").bcu
    response = client_as("oversight").get(f"/oversight/?bcu={bcu.slug}")
    assert response.status_code == 200
    assert response.context["scope_name"] == f"{bcu.name} BCU"
    html = response.text
    assert re.search(rf'<h2 id="london-title">{re.escape(bcu.name)} BCU: \d+ action', html)
    assert '<h2 id="london-title">London:' not in html
    assert f'<th scope="row" colspan="2">{bcu.name} BCU</th>' in html  # the total row
    unfiltered = client_as("oversight").get("/oversight/")
    assert '<h2 id="london-title">London:' in unfiltered.text


def test_bcu_subtotal_rows_add_up_their_boroughs(client_as):
    make_synthetic(boroughs=12, months=2, seed=7, actions_per_plan=3)
    response = client_as("oversight").get("/oversight/")
    groups = response.context["groups"]
    assert len(groups) > 1
    for group in groups:
        for name in ("total", "red", "amber", "green", "not_rated", "complete", "stale", "overdue"):
            assert getattr(group.counts, name) == sum(getattr(r.counts, name) for r in group.rows)
        assert [c["count"] for c in group.cells] == [group.counts.count(c["status"]) for c in group.cells]
        assert f"bcu={group.bcu.slug}" in group.url and "borough=" not in group.url
    html = response.text
    assert html.count('class="bcu-subtotal"') == len(groups)
    first = groups[0]
    subtotal = html.split('class="bcu-subtotal"', 1)[1].split("</tr>", 1)[0]
    assert f"{first.bcu.name} BCU" in subtotal and f">{first.counts.total}</a>" in subtotal


def test_subtotals_count_every_borough_of_the_bcu_not_only_the_page(client_as, monkeypatch):
    from plans.dashboards import london

    make_synthetic(boroughs=12, months=2, seed=7, actions_per_plan=3)
    everything = client_as("oversight").get("/oversight/").context["groups"]
    totals = {g.bcu.pk: g.counts.total for g in everything}
    monkeypatch.setattr(london, "BOROUGHS_PER_PAGE", 3)
    paged = client_as("oversight").get("/oversight/?page=1").context["groups"]
    assert all(g.counts.total == totals[g.bcu.pk] for g in paged)
