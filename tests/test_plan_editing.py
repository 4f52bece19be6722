"""Plans written in the browser: an editor adds an action to their own borough's plan."""

import pytest
from django.core.exceptions import PermissionDenied

from drivers.models import Driver
from plans.models import Action, Objective, Owner
from plans.plan_editing import action_create

pytestmark = pytest.mark.django_db


def test_an_editor_adds_an_action_with_picked_and_new_owners(client_as, southwark_plan, southwark_editor):
    objective = Objective.objects.filter(plan=southwark_plan).order_by("pk").first()
    picked = Owner.objects.get(borough__slug="southwark", key="ci:kent")
    driver = Driver.objects.first()
    before = objective.actions.count()
    response = client_as("southwark_editor").post(
        "/boroughs/southwark/actions/new/",
        {
            "objective": objective.pk,
            "text": "Open a youth advisory group in each ward by the summer.",
            "owners": [picked.pk],
            "new_owners": "Supt Newfield",
            "drivers": [driver.pk],
            "due_date": "2027-06-30",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(text__startswith="Open a youth advisory group")
    assert response["Location"] == f"/actions/{action.pk}/"
    assert action.position == before + 1 and action.rag == "not_rated" and action.version == 1
    assert {o.label for o in action.owners.all()} == {picked.label, "Supt Newfield"}
    assert list(action.drivers.all()) == [driver]
    assert action.updates.get().author_name == "southwark.editor"
    assert action.history.get().history_user == southwark_editor


def test_nothing_is_written_without_text_or_owner(client_as, southwark_plan):
    objective = Objective.objects.filter(plan=southwark_plan).first()
    count = Action.objects.count()
    response = client_as("southwark_editor").post(
        "/boroughs/southwark/actions/new/", {"objective": objective.pk, "text": "   "}
    )
    assert response.status_code == 400
    assert Action.objects.count() == count


def test_another_boroughs_editor_cannot_add_by_any_route(client_as, southwark_plan, lambeth_editor):
    objective = Objective.objects.filter(plan=southwark_plan).first()
    assert client_as("lambeth_editor").get("/boroughs/southwark/actions/new/").status_code == 403
    with pytest.raises(PermissionDenied):
        action_create(user=lambeth_editor, objective=objective, text="Walk the ward.", new_owners="PC Smith")
