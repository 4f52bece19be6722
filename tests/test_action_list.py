"""The filtered action list: the drill-down target of every dashboard figure."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Action
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.django_db


def test_filters_in_the_url_select_the_actions(client_as):
    response = client_as("analyst").get("/actions/?borough=southwark&rag=red")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 4
    assert {a.eff_status for a in page.object_list} == {"red"}
    assert "4 actions" in response.text


def test_list_is_paginated_and_keeps_the_filters(client_as):
    response = client_as("oversight").get("/actions/?borough=southwark")
    page = response.context["page"]
    assert page.paginator.count == 61
    assert len(page.object_list) == 50 and page.has_next()
    assert "borough=southwark&amp;page=2" in response.text
    second = client_as("oversight").get("/actions/?borough=southwark&page=2").context["page"]
    assert len(second.object_list) == 11
    assert not {a.pk for a in page.object_list} & {a.pk for a in second.object_list}


def test_pillar_and_driver_filters(client_as, southwark_plan):
    response = client_as("oversight").get(
        "/actions/?borough=southwark&pillar=less-crime&driver=effectiveness"
    )
    expected = (
        Action.objects.filter(
            objective__plan=southwark_plan,
            objective__pillar__slug="less-crime",
            drivers__slug="effectiveness",
        )
        .distinct()
        .count()
    )
    assert response.context["page"].paginator.count == expected


def test_objective_filter_from_a_drill_down_is_kept_in_the_form(client_as, southwark_plan):
    objective = southwark_plan.objectives.order_by("pk").first()
    response = client_as("oversight").get(f"/actions/?objective={objective.pk}")
    assert response.context["page"].paginator.count == objective.actions.count()
    assert f'<input type="hidden" name="objective" value="{objective.pk}">' in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("rag=purple", "purple"),
        ("as_at=1999-01-01", "Choose a date between"),
        ("stale=perhaps", "perhaps"),
        ("borough=atlantis", "atlantis"),
    ],
)
def test_invalid_filters_answer_400_with_the_reason_and_no_rows(client_as, query, message):
    response = client_as("oversight").get(f"/actions/?{query}")
    assert response.status_code == 400
    assert message in response.text
    assert "page" not in response.context
    assert "These filters cannot be used" in response.text


def test_list_queries_do_not_grow_with_the_number_of_actions(client_as, world, django_assert_max_num_queries):
    client = client_as("oversight")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count("/actions/?rag=red&rag=amber")
    make_synthetic(boroughs=10, months=4, seed=3, actions_per_plan=30)
    with django_assert_max_num_queries(small):
        large = count("/actions/?rag=red&rag=amber")
    assert small == large


def test_action_list_shows_status_with_words_not_only_colour(client_as):
    response = client_as("oversight").get("/actions/?borough=southwark&rag=red")
    assert 'class="rag rag-red"' in response.text
    assert "✖</span> Red" in response.text


def test_stale_and_overdue_default_to_any_in_the_form(client_as):
    response = client_as("oversight").get("/actions/")
    for name in ("stale", "overdue"):
        assert (
            f'<select name="{name}" id="id_{name}">\n  <option value="" selected>Any</option>'
            in response.text
        )
