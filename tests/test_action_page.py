"""The action page: read by every role, updated only by an editor of the action's borough."""

import datetime as dt
import logging

import pytest
from django.urls import reverse

from plans.choices import RAG, UpdateSource
from plans.forms.status import StatusForm
from plans.models import Action, StatusUpdate
from plans.services import apply_status_update

pytestmark = pytest.mark.django_db
WHY = "Patrol plan agreed with the council and now staffed."


def form_data(action, prefix="status", **changes):
    """What the page's form posts when the user changes ``changes`` and nothing else."""
    data = {}
    for name, value in StatusForm.initial_for(action).items():
        if name in ("completed", "seen_completed"):
            continue
        data[f"{prefix}-{name}"] = "" if value is None else str(value)
    data[f"{prefix}-seen_completed"] = "True" if action.completed else "False"
    if action.completed:
        data[f"{prefix}-completed"] = "on"
    data[f"{prefix}-commentary"] = ""
    for name, value in changes.items():
        if name == "completed":
            data.pop(f"{prefix}-completed", None)
            if value:
                data[f"{prefix}-completed"] = "on"
        else:
            data[f"{prefix}-{name}"] = value
    return data


@pytest.fixture
def amber_action(southwark_plan):
    return Action.objects.filter(objective__plan=southwark_plan, rag=RAG.AMBER).order_by("pk").first()


@pytest.fixture
def lambeth_action(lambeth_plan):
    return Action.objects.filter(objective__plan=lambeth_plan).order_by("pk").first()


def url(action):
    return reverse("action-detail", args=[action.pk])


@pytest.mark.parametrize(
    ("role", "has_form"),
    [
        ("southwark_editor", True),
        ("administrator", True),
        ("lambeth_editor", False),
        ("oversight", False),
        ("analyst", False),
    ],
)
def test_every_role_reads_the_action_but_only_its_editors_get_the_form(
    client_as, amber_action, role, has_form
):
    response = client_as(role).get(url(amber_action))
    assert response.status_code == 200
    html = response.content.decode()
    assert amber_action.text[:60] in html
    assert ("Update this action" in html) is has_form
    assert ('name="status-rag"' in html) is has_form
    for owner in amber_action.owners.all():
        assert owner.label in html
    assert amber_action.objective.pillar.name in html
    assert "Amber" in html


def test_anonymous_is_sent_to_log_in_and_a_missing_action_is_not_found(client_as, amber_action):
    response = client_as("anonymous").get(url(amber_action))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_as("southwark_editor").get(reverse("action-detail", args=[999999])).status_code == 404


def test_editor_changes_amber_to_green_and_it_appears_first_in_the_history(
    client_as, amber_action, southwark_editor
):
    client = client_as("southwark_editor")
    response = client.post(url(amber_action), form_data(amber_action, rag="green", commentary=WHY))
    assert response.status_code == 302
    amber_action.refresh_from_db()
    assert (amber_action.rag, amber_action.version, amber_action.last_commentary) == (RAG.GREEN, 2, WHY)
    latest = amber_action.updates.order_by("-version").first()
    assert (latest.from_rag, latest.to_rag, latest.author, latest.source) == (
        RAG.AMBER,
        RAG.GREEN,
        southwark_editor,
        UpdateSource.PAGE,
    )
    page = client.get(url(amber_action))
    assert [u.version for u in page.context["updates"]] == [2, 1]
    html = page.content.decode()
    history = html[html.index('id="history-heading"') :]
    assert history.index(WHY) < history.index("Published plan")
    assert "Saved: status, commentary." in html


def test_a_status_change_without_a_sentence_of_commentary_is_refused_beside_the_field(
    client_as, amber_action
):
    response = client_as("southwark_editor").post(url(amber_action), form_data(amber_action, rag="green"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "needs a commentary of at least a sentence" in html
    assert 'class="field has-error"' in html
    amber_action.refresh_from_db()
    assert (amber_action.rag, amber_action.version, amber_action.updates.count()) == (RAG.AMBER, 1, 1)


def test_the_form_says_a_status_change_needs_commentary_before_anything_is_posted(client_as, amber_action):
    html = client_as("southwark_editor").get(url(amber_action)).content.decode()
    assert "Required when you change the RAG or completion: at least a sentence" in html


def test_an_untouched_form_writes_nothing(client_as, amber_action):
    response = client_as("southwark_editor").post(url(amber_action), form_data(amber_action), follow=True)
    assert "Nothing changed" in response.content.decode()
    amber_action.refresh_from_db()
    assert (amber_action.version, amber_action.updates.count()) == (1, 1)


def test_next_steps_and_due_date_change_without_a_history_row(client_as, amber_action):
    data = form_data(amber_action, next_steps="Book the venue for March.", due_date="2027-03-31")
    assert client_as("southwark_editor").post(url(amber_action), data).status_code == 302
    amber_action.refresh_from_db()
    assert (amber_action.next_steps, amber_action.due_date) == (
        "Book the venue for March.",
        dt.date(2027, 3, 31),
    )
    assert amber_action.updates.count() == 1


def test_completing_needs_commentary_and_is_recorded(client_as, amber_action):
    client = client_as("southwark_editor")
    assert client.post(url(amber_action), form_data(amber_action, completed=True)).status_code == 400
    data = form_data(amber_action, completed=True, commentary="All four sessions held and evaluated.")
    assert client.post(url(amber_action), data).status_code == 302
    amber_action.refresh_from_db()
    assert amber_action.completed and amber_action.status == "complete"


def test_a_bad_date_is_refused_and_the_typed_commentary_kept(client_as, amber_action):
    data = form_data(amber_action, due_date="31/31/2027", commentary="Venue still to confirm.")
    response = client_as("southwark_editor").post(url(amber_action), data)
    assert response.status_code == 400
    assert "Venue still to confirm." in response.content.decode()
    assert Action.objects.get(pk=amber_action.pk).version == 1


@pytest.mark.parametrize("role", ["lambeth_editor", "oversight", "analyst"])
def test_read_only_roles_cannot_post_an_update(client_as, amber_action, role, caplog):
    before = StatusUpdate.objects.count()
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = client_as(role).post(
            url(amber_action), form_data(amber_action, rag="green", commentary=WHY)
        )
    assert response.status_code == 403
    assert StatusUpdate.objects.count() == before
    amber_action.refresh_from_db()
    assert (amber_action.rag, amber_action.version) == (RAG.AMBER, 1)
    assert any(
        "refused status update" in r.getMessage() and str(amber_action.pk) in r.getMessage()
        for r in caplog.records
    )


def test_an_editor_cannot_update_another_boroughs_action(client_as, lambeth_action):
    before = (lambeth_action.rag, lambeth_action.version, lambeth_action.updates.count())
    target = "green" if lambeth_action.rag != RAG.GREEN else "red"
    response = client_as("southwark_editor").post(
        url(lambeth_action), form_data(lambeth_action, rag=target, commentary=WHY)
    )
    assert response.status_code == 403
    lambeth_action.refresh_from_db()
    assert (lambeth_action.rag, lambeth_action.version, lambeth_action.updates.count()) == before


def test_a_stale_form_is_refused_shows_the_other_change_and_can_be_reapplied(
    client_as, amber_action, southwark_editor, django_user_model
):
    client = client_as("southwark_editor")
    mine = form_data(amber_action, rag="green", commentary=WHY)  # rendered at version 1
    other = django_user_model.objects.get(username="admin")
    theirs = "Funding for the sessions was withdrawn this quarter."
    apply_status_update(action=amber_action, user=other, seen_version=1, rag="red", commentary=theirs)

    response = client.post(url(amber_action), mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Changed by someone else" in html
    assert theirs in html  # what they wrote
    assert (other.get_full_name() or other.username) in html  # who
    assert WHY in html  # what the user typed is kept
    assert "Re-apply my change" in html
    amber_action.refresh_from_db()
    assert (amber_action.rag, amber_action.version, amber_action.last_commentary) == (RAG.RED, 2, theirs)
    assert amber_action.updates.count() == 2

    form = response.context["form"]
    assert form["version"].value() == "2"
    assert form["rag"].value() == "green" and form["commentary"].value() == WHY
    reapplied = {name: form[name.removeprefix("status-")].value() for name in mine}
    reapplied = {k: ("" if v is None else v) for k, v in reapplied.items()}
    reapplied.pop("status-completed", None)
    assert client.post(url(amber_action), reapplied).status_code == 302
    amber_action.refresh_from_db()
    assert (amber_action.rag, amber_action.version) == (RAG.GREEN, 3)
    latest = amber_action.updates.order_by("-version").first()
    assert (latest.from_rag, latest.to_rag) == (RAG.RED, RAG.GREEN)


def test_reapplying_does_not_undo_fields_the_user_left_alone(client_as, amber_action, django_user_model):
    client = client_as("southwark_editor")
    mine = form_data(amber_action, rag="green", commentary=WHY)
    other = django_user_model.objects.get(username="admin")
    apply_status_update(action=amber_action, user=other, seen_version=1, next_steps="Their new next steps.")
    response = client.post(url(amber_action), mine)
    assert response.status_code == 409
    form = response.context["form"]
    assert form["next_steps"].value() == "Their new next steps."
    assert form["rag"].value() == "green"


def test_the_action_page_renders_in_a_bounded_number_of_queries(
    client_as, amber_action, django_assert_max_num_queries
):
    client = client_as("southwark_editor")
    with django_assert_max_num_queries(17):  # 14, the changes to its text (1), "Waiting for me" (2)
        assert client.get(url(amber_action)).status_code == 200
