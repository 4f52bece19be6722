"""Admin editing, scoped to the editor's own borough; the status history read-only."""

import pytest
from django.urls import reverse

from plans.choices import RAG
from plans.models import Action, Plan, StatusUpdate

pytestmark = pytest.mark.django_db


def test_southwark_editor_reaches_the_admin_with_only_their_plan(client_as, southwark_plan, lambeth_plan):
    client = client_as("southwark_editor")
    response = client.get(reverse("admin:plans_plan_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [southwark_plan]
    assert client.get(reverse("admin:plans_plan_change", args=[southwark_plan.pk])).status_code == 200


def test_another_boroughs_plan_is_not_found_for_an_editor(client_as, lambeth_plan):
    client = client_as("southwark_editor")
    assert client.get(reverse("admin:plans_plan_change", args=[lambeth_plan.pk])).status_code == 404
    action = Action.objects.filter(objective__plan=lambeth_plan).first()
    assert client.get(reverse("admin:plans_action_change", args=[action.pk])).status_code == 404
    response = client.post(
        reverse("admin:plans_plan_change", args=[lambeth_plan.pk]), {"title": "Taken over"}
    )
    assert response.status_code == 404
    assert Plan.objects.get(pk=lambeth_plan.pk).title != "Taken over"


def test_action_list_shows_only_own_borough_with_rag_badges(client_as, southwark_plan):
    response = client_as("southwark_editor").get(reverse("admin:plans_action_changelist") + "?all=")
    assert response.status_code == 200
    boroughs = {a.objective.plan.borough.slug for a in response.context["cl"].queryset}
    assert boroughs == {"southwark"}
    assert b'class="rag rag-green"' in response.content


def test_status_change_in_admin_goes_through_the_service(client_as, southwark_plan, southwark_editor):
    action = Action.objects.filter(objective__plan=southwark_plan, rag=RAG.RED).first()
    url = reverse("admin:plans_action_change", args=[action.pk])
    form = {
        "objective": action.objective_id,
        "position": action.position,
        "text": action.text,
        "owners": [o.pk for o in action.owners.all()],
        "drivers": [d.pk for d in action.drivers.all()],
        "new_rag": "amber",
        "commentary": "Recruitment under way, two of four posts filled.",
        "seen_version": action.version,
        "due_date": "",
        "next_steps": "",
        "source_plan": "",
        "strand": "",
    }
    response = client_as("southwark_editor").post(url, form)
    assert response.status_code == 302, response.content[:3000]
    action.refresh_from_db()
    assert action.rag == RAG.AMBER
    latest = action.updates.first()
    assert (latest.author, latest.source, latest.to_rag) == (southwark_editor, "admin", RAG.AMBER)


def test_admin_status_change_without_commentary_is_refused(client_as, southwark_plan):
    action = Action.objects.filter(objective__plan=southwark_plan, rag=RAG.RED).first()
    form = {
        "objective": action.objective_id,
        "position": action.position,
        "text": action.text,
        "owners": [o.pk for o in action.owners.all()],
        "new_rag": "green",
        "commentary": "",
        "seen_version": action.version,
        "due_date": "",
        "next_steps": "",
        "source_plan": "",
        "strand": "",
    }
    response = client_as("southwark_editor").post(
        reverse("admin:plans_action_change", args=[action.pk]), form
    )
    assert response.status_code == 200
    assert b"at least a sentence" in response.content
    assert Action.objects.get(pk=action.pk).rag == RAG.RED


@pytest.mark.parametrize("role", ["southwark_editor", "administrator"])
def test_status_history_is_read_only_in_admin(client_as, southwark_plan, role):
    update = StatusUpdate.objects.filter(action__objective__plan=southwark_plan).first()
    client = client_as(role)
    change = reverse("admin:plans_statusupdate_change", args=[update.pk])
    assert client.get(change).status_code == 200  # a view-only page
    client.post(change, {"commentary": "rewritten"})
    assert (
        client.post(reverse("admin:plans_statusupdate_delete", args=[update.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:plans_statusupdate_add")).status_code == 403
    update.refresh_from_db()
    assert update.commentary != "rewritten" and StatusUpdate.objects.filter(pk=update.pk).exists()


@pytest.mark.parametrize("role", ["southwark_editor", "administrator"])
def test_status_history_cannot_be_bulk_deleted_from_the_admin_list(client_as, southwark_plan, role):
    updates = list(
        StatusUpdate.objects.filter(action__objective__plan=southwark_plan).values_list("pk", flat=True)[:3]
    )
    before = StatusUpdate.objects.count()
    client = client_as(role)
    changelist = reverse("admin:plans_statusupdate_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert b"delete_selected" not in page.content
    client.post(changelist, {"action": "delete_selected", "_selected_action": updates, "post": "yes"})
    assert StatusUpdate.objects.count() == before


def test_oversight_and_analysts_are_not_admin_staff(client_as):
    for role in ("oversight", "analyst"):
        response = client_as(role).get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
