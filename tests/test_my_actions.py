"""My actions: users link themselves to the owners they are (own borough only); the review and
the action list filter by owner, have a "mine" shortcut and list my actions first."""

import pytest
from django.core.exceptions import ValidationError

from plans.models import Owner
from plans.my_owners import claimable_owners, link_owners

pytestmark = pytest.mark.django_db


def kent():
    return Owner.objects.get(borough__slug="southwark", key="ci:kent")


def test_an_editor_links_themselves_to_an_owner_of_their_borough_on_their_profile(
    client_as, southwark_editor
):
    client = client_as("southwark_editor")
    assert "The owners you are" in client.get("/accounts/profile/").text
    response = client.post("/accounts/owners/", {"owners": [kent().pk]})
    assert response.status_code == 302
    assert kent().user == southwark_editor
    client.post("/accounts/owners/", {})
    assert kent().user is None


def test_another_boroughs_owner_cannot_be_claimed(client_as, lambeth_editor):
    response = client_as("lambeth_editor").post("/accounts/owners/", {"owners": [kent().pk]})
    assert response.status_code == 400
    assert kent().user is None
    with pytest.raises(ValidationError, match="Nothing was saved"):
        link_owners(user=lambeth_editor, owner_ids=[kent().pk])
    assert not claimable_owners(lambeth_editor).filter(borough__slug="southwark").exists()


def test_the_action_list_puts_my_actions_first_and_filters_mine(client_as, southwark_editor):
    owner = kent()
    owner.user = southwark_editor
    owner.save()
    mine = set(owner.actions.values_list("pk", flat=True))
    client = client_as("southwark_editor")
    listed = [a.pk for a in client.get("/actions/?borough=southwark").context["page"].object_list]
    assert set(listed[: len(mine)]) == mine
    only = [a.pk for a in client.get("/actions/?mine=1").context["page"].object_list]
    assert set(only) == mine
    by_owner = client.get(f"/actions/?owner={owner.pk}")
    assert {a.pk for a in by_owner.context["page"].object_list} == mine
    assert 'name="owner"' in by_owner.text


def test_the_review_filters_by_owner_and_mine(client_as, southwark_editor):
    owner = kent()
    mine = set(owner.actions.values_list("pk", flat=True))
    client = client_as("southwark_editor")

    def shown(query):
        groups = client.get(f"/boroughs/southwark/review/{query}").context["groups"]
        return {row.action.pk for g in groups for o in g.objectives for row in o.rows}

    assert shown(f"?owner={owner.pk}") == mine
    assert shown("?mine=1") == set()
    owner.user = southwark_editor
    owner.save()
    assert shown("?mine=1") == mine
    assert len(shown("")) == 61
