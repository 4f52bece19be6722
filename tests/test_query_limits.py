"""A whole number too large for any id in a filter is a 400 with a message, on pages, exports,
the API and the admin, never a 500 (issue 16, item 6)."""

import pytest
from django.test import Client

from tests.api_helpers import token_client

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
PAGES = [
    "/oversight/?owner={}",
    "/oversight/?objective={}",
    "/actions/?owner={}",
    "/actions/?objective={}&rag=red",
    "/boroughs/southwark/?owner={}",
    "/force/?objective={}",
    "/export/actions.csv?owner={}",
    "/export/actions.xlsx?objective={}",
    "/admin/plans/action/?owners__id__exact={}",
    "/admin/plans/action/?objective__plan__borough__bcu__id__exact={}",
    "/admin/plans/owner/?borough__id__exact=-{}",
]


@pytest.mark.parametrize("template", PAGES)
def test_a_huge_id_on_a_page_export_or_admin_is_a_400_with_a_message(client_as, template):
    response = client_as("administrator").get(template.format(HUGE))
    assert response.status_code == 400
    text = response.content.decode()
    assert "too large a number" in text
    assert "Traceback" not in text


@pytest.mark.parametrize("query", [f"owner={HUGE}", f"objective={HUGE}", f"action={HUGE}", f"plan=1{HUGE}.0"])
def test_a_huge_id_in_the_api_is_a_400_naming_the_filter(world, query):
    client = token_client("analyst")
    for path in ("/api/v1/actions/", "/api/v1/status-updates/", "/api/v1/objectives/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert query.split("=")[0] in response.json()


def test_a_long_number_is_still_a_search_term(client_as):
    response = client_as("administrator").get(f"/admin/plans/action/?q={HUGE}")
    assert response.status_code == 200


def test_ids_within_range_are_left_to_the_filters(client_as):
    from plans.models import Owner

    client = client_as("southwark_editor")
    assert client.get(f"/actions/?owner={Owner.objects.first().pk}").status_code == 200
    response = client.get(f"/actions/?owner={2**63 - 1}")  # no such owner: the filter's own answer
    assert "too large a number" not in response.content.decode()


def test_a_huge_id_is_refused_for_anonymous_requests_too():
    response = Client().get(f"/oversight/?owner={HUGE}")
    assert response.status_code == 400  # refused before anything is looked up
