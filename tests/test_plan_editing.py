"""Plans written in the browser: an editor adds an action to their own borough's plan."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from drivers.models import Driver
from plans.models import Action, Objective, Owner, PlanChange
from plans.services.objectives import objective_update
from plans.services.plan_editing import EditConflict, action_create, action_move, action_retire, action_update

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


# --- editing, reordering and retiring -------------------------------------------------------
def _action(plan, index=0):
    return (
        Action.objects.filter(objective__plan=plan)
        .select_related("objective__plan__borough", "objective__pillar")
        .order_by("objective__pillar__order", "objective__number", "position")[index]
    )


def _edit_data(action, **changes):
    data = {
        "version": action.version,
        "objective": action.objective_id,
        "text": action.text,
        "owners": [o.pk for o in action.owners.all()],
        "drivers": [d.pk for d in action.drivers.all()],
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "new_owners": "",
    }
    data.update(changes)
    return data


def test_an_edit_keeps_each_change_before_and_after_and_shows_it(client_as, southwark_plan, southwark_editor):
    action = _action(southwark_plan)
    old_text, version = action.text, action.version
    client = client_as("southwark_editor")
    response = client.post(
        f"/actions/{action.pk}/edit/",
        _edit_data(
            action, text="Hold ward panels every month.", new_owners="PC Okafor", due_date="2027-03-31"
        ),
    )
    assert response.status_code == 302 and response["Location"] == f"/actions/{action.pk}/"
    action.refresh_from_db()
    assert action.text == "Hold ward panels every month." and action.version == version + 1
    assert "PC Okafor" in {o.label for o in action.owners.all()}
    changes = {c.field: c for c in PlanChange.objects.filter(action=action)}
    assert set(changes) == {"text", "owners", "due_date"}
    assert changes["text"].before == old_text and changes["text"].after == "Hold ward panels every month."
    assert changes["text"].author == southwark_editor and changes["due_date"].after == "2027-03-31"
    assert action.history.first().history_user == southwark_editor
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "Changes to the action" in page and "Hold ward panels every month." in page
    assert old_text[:40] in page


def test_bad_input_names_the_field_and_changes_nothing(client_as, southwark_plan):
    action = _action(southwark_plan)
    before = (action.text, action.version, PlanChange.objects.count())
    client = client_as("southwark_editor")
    response = client.post(
        f"/actions/{action.pk}/edit/", _edit_data(action, text="  ", owners=[], new_owners="")
    )
    assert response.status_code == 400
    assert b"This field is required." in response.content or b"Write the action." in response.content
    response = client.post(f"/actions/{action.pk}/edit/", _edit_data(action, owners=[], new_owners=""))
    assert response.status_code == 400 and b"Name at least one owner" in response.content
    response = client.post(f"/actions/{action.pk}/edit/", _edit_data(action, due_date="1899-01-01"))
    assert (
        response.status_code == 400 and b"Enter a date between 01/01/2000 and 31/12/2100." in response.content
    )
    response = client.post(f"/actions/{action.pk}/edit/", _edit_data(action, text="\u200b\u200b\u200b"))
    assert response.status_code == 400  # zero-width spaces are no text
    response = client.post(
        f"/actions/{action.pk}/edit/", _edit_data(action, text="Normal \u202egnp.exe\u202c text")
    )
    assert response.status_code == 302  # bidirectional overrides are dropped, the text kept
    action.refresh_from_db()
    assert action.text == "Normal gnp.exe text"
    before = (action.text, action.version, PlanChange.objects.count())
    for version in (None, 10**30):  # a form without the version, or one out of range: refused, not a 500
        data = _edit_data(action, text="Changed without a version.")
        data.pop("version") if version is None else data.update(version=version)
        response = client.post(f"/actions/{action.pk}/edit/", data)
        assert response.status_code == 400
    assert b"reload the page" in client.post(f"/actions/{action.pk}/edit/", {"text": "x"}).content
    action.refresh_from_db()
    assert (action.text, action.version, PlanChange.objects.count()) == before


def test_two_editors_of_one_action_never_lose_a_change(client_as, southwark_plan, southwark_editor):
    action = _action(southwark_plan)
    seen = _edit_data(action)
    action_update(
        user=southwark_editor,
        action=action,
        seen_version=action.version,
        text="First editor's wording.",
        owners=list(action.owners.all()),
        drivers=list(action.drivers.all()),
        due_date=action.due_date,
    )
    response = client_as("southwark_commander").post(
        f"/actions/{action.pk}/edit/", {**seen, "text": "Second editor's wording."}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Changed by someone else since you opened this page" in page
    assert "First editor&#x27;s wording." in page and "Second editor&#x27;s wording." in page
    action.refresh_from_db()
    assert action.text == "First editor's wording."
    with pytest.raises(EditConflict):
        action_update(
            user=southwark_editor,
            action=action,
            seen_version=action.version - 1,
            text="Late.",
            new_owners="PC Smith",
        )


def test_reorder_swaps_two_actions_and_their_references(client_as, southwark_plan):
    first, second = _action(southwark_plan, 0), _action(southwark_plan, 1)
    assert first.objective_id == second.objective_id
    response = client_as("southwark_editor").post(f"/actions/{second.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert second.position < first.position
    assert PlanChange.objects.filter(field="position").count() == 2
    response = client_as("southwark_editor").post(f"/actions/{second.pk}/move/", {"direction": "sideways"})
    assert response.status_code == 400


def test_objectives_are_added_renamed_reordered_and_retired(client_as, southwark_plan, southwark_editor):
    client = client_as("southwark_editor")
    pillar = Objective.objects.filter(plan=southwark_plan).first().pillar
    count = Objective.objects.filter(plan=southwark_plan, pillar=pillar).count()
    response = client.post(
        "/boroughs/southwark/objectives/new/", {"pillar": pillar.pk, "title": "Listen to young people"}
    )
    assert response.status_code == 302
    new = Objective.objects.get(title="Listen to young people")
    assert new.number == count + 1
    response = client.post(f"/objectives/{new.pk}/edit/", {"seen_title": "Stale title", "title": "Other"})
    assert response.status_code == 409 and Objective.objects.get(pk=new.pk).title == "Listen to young people"
    response = client.post(
        f"/objectives/{new.pk}/edit/", {"seen_title": "Listen to young people", "title": "Hear young people"}
    )
    assert response.status_code == 302
    assert client.post(f"/objectives/{new.pk}/move/", {"direction": "up"}).status_code == 302
    assert Objective.objects.get(pk=new.pk).number == count
    assert client.post(f"/objectives/{new.pk}/retire/", {"confirm": "on"}).status_code == 302
    new.refresh_from_db()
    assert new.retired_at is not None
    busy = Objective.objects.filter(plan=southwark_plan, retired_at__isnull=True).first()
    response = client.post(f"/objectives/{busy.pk}/retire/", {"confirm": "on"})
    assert response.status_code == 400 and b"retire them or move them" in response.content
    assert Objective.objects.get(pk=busy.pk).retired_at is None


def test_a_retired_action_leaves_the_plan_but_stays_in_history(client_as, southwark_plan, southwark_editor):
    from plans.filtersets import ActionFilterSet

    action = _action(southwark_plan)
    updates = action.updates.count()
    client = client_as("southwark_editor")
    assert client.post(f"/actions/{action.pk}/retire/", {}).status_code == 400  # the box is not ticked
    assert Action.objects.get(pk=action.pk).retired_at is None
    assert client.post(f"/actions/{action.pk}/retire/", {"confirm": "on"}).status_code == 302
    action.refresh_from_db()
    assert action.retired_at is not None and Action.objects.filter(pk=action.pk).exists()
    assert action.updates.count() == updates  # its status history stays
    assert not Action.objects.filter(pk=action.pk).with_status().exists()
    # The plan as at a day before the retirement still has it (the test world's ratings are today's).
    Action.objects.filter(pk=action.pk).update(retired_at=action.retired_at + dt.timedelta(days=2))
    assert Action.objects.filter(pk=action.pk).with_status(action.retired_at.date()).exists()
    Action.objects.filter(pk=action.pk).update(retired_at=action.retired_at)
    from django.http import QueryDict

    now_qs = ActionFilterSet(QueryDict("borough=southwark"), user=southwark_editor).qs
    assert action.pk not in set(now_qs.values_list("pk", flat=True))
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "Retired on" in page and "Update this action" not in page
    assert action.pk not in {a.pk for a in Action.objects.editable_by(southwark_editor)}
    review = client.get("/boroughs/southwark/review/").content.decode()
    assert f'id="action-{action.pk}"' not in review
    with pytest.raises(ValidationError):
        action_retire(user=southwark_editor, action=action)


def test_no_one_outside_the_borough_edits_its_plan(southwark_plan, lambeth_editor, oversight_user):
    action = _action(southwark_plan)
    objective = action.objective
    for user in (lambeth_editor, oversight_user):
        with pytest.raises(PermissionDenied):
            action_update(
                user=user, action=action, seen_version=action.version, text="x", new_owners="PC Smith"
            )
        with pytest.raises(PermissionDenied):
            action_retire(user=user, action=action)
        with pytest.raises(PermissionDenied):
            action_move(user=user, action=action, direction="up")
        with pytest.raises(PermissionDenied):
            objective_update(user=user, objective=objective, seen_title=objective.title, title="x")
    assert Action.objects.get(pk=action.pk).text == action.text


def test_an_import_after_a_retirement_leaves_the_retired_action_alone(barnet, administrator):
    from plans.imports import import_plan
    from tests.test_import_plan import southwark_export

    data = southwark_export(administrator)
    import_plan(borough=barnet, workbook_file=data, user=administrator, dry_run=False)
    retired = action_retire(user=administrator, action=_action(barnet.plans.get()))
    version = retired.version
    report = import_plan(borough=barnet, workbook_file=data, user=administrator, dry_run=False)
    assert report.ok and len(report.created) == 1 and len(report.unchanged) == 60  # its row is new again
    retired.refresh_from_db()
    assert retired.retired_at is not None and retired.version == version


def test_a_retired_action_stays_in_the_exports_status_history(
    southwark_plan, southwark_editor, administrator
):
    import io

    import openpyxl

    from tests.test_import_plan import southwark_export

    action = _action(southwark_plan)
    action_retire(user=southwark_editor, action=action)
    book = openpyxl.load_workbook(io.BytesIO(southwark_export(administrator)), read_only=True)
    history_ids = {row[0] for row in book["Status history"].iter_rows(values_only=True)}
    assert action.pk in history_ids
    texts = {cell for row in book["Actions"].iter_rows(values_only=True) for cell in row}
    assert action.text not in texts  # the plan of today no longer has it


def test_a_text_change_in_the_admin_is_shown_on_the_action_page(client_as, southwark_plan, southwark_editor):
    from django.urls import reverse

    action = _action(southwark_plan)
    old_text = action.text
    form = {
        "objective": action.objective_id,
        "position": action.position,
        "text": "Reworded in the admin.",
        "owners": [o.pk for o in action.owners.all()],
        "drivers": [d.pk for d in action.drivers.all()],
        "new_rag": action.rag,
        "commentary": "",
        "seen_version": action.version,
        "due_date": "",
        "next_steps": "",
        "source_plan": "",
        "strand": "",
    }
    client = client_as("southwark_editor")
    response = client.post(reverse("admin:plans_action_change", args=[action.pk]), form)
    assert response.status_code == 302
    change = PlanChange.objects.get(action=action)
    assert (change.field, change.before, change.after, change.author) == (
        "text",
        old_text,
        "Reworded in the admin.",
        southwark_editor,
    )
    assert "Reworded in the admin." in client.get(f"/actions/{action.pk}/").content.decode()
