"""The admin keeps to the pages' scope: owners, their accounts, review intervals, actions added
on an objective's page, and every refused write in the security log (issue 16, items 3, 4, 7-9)."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Action, Owner, Plan, StatusUpdate
from tests.admin_forms import form_as_posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def southwark_owner(southwark):
    return Owner.objects.filter(borough=southwark).order_by("pk").first()


def security_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "trustplan.security"]


# --- item 3: an editor's owner always belongs to one of their boroughs ----------------------


def test_an_editor_cannot_add_an_owner_without_a_borough(client_as, caplog):
    client = client_as("southwark_editor")
    before = Owner.objects.count()
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = client.post(
            reverse("admin:plans_owner_add"), {"key": "team:rogue", "label": "Rogue team", "borough": ""}
        )
    assert response.status_code == 200
    assert "Choose one of your boroughs" in response.content.decode()
    assert Owner.objects.count() == before


def test_an_editors_borough_choices_are_their_boroughs_only(client_as, southwark):
    response = client_as("southwark_editor").get(reverse("admin:plans_owner_add"))
    field = response.context["adminform"].form.fields["borough"]
    assert list(field.queryset) == [southwark]
    assert field.required


def test_an_editor_cannot_move_an_owner_to_the_force_wide_plan(client_as, southwark_owner):
    client = client_as("southwark_editor")
    url = reverse("admin:plans_owner_change", args=[southwark_owner.pk])
    response = client.post(url, form_as_posted(client.get(url), borough=""))
    assert response.status_code == 200
    southwark_owner.refresh_from_db()
    assert southwark_owner.borough is not None


def test_an_editor_cannot_move_an_owner_to_another_borough(client_as, southwark_owner, caplog):
    from plans.models import Borough

    lambeth = Borough.objects.get(slug="lambeth")
    client = client_as("southwark_editor")
    url = reverse("admin:plans_owner_change", args=[southwark_owner.pk])
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = client.post(url, form_as_posted(client.get(url), borough=lambeth.pk))
    assert response.status_code == 200
    southwark_owner.refresh_from_db()
    assert southwark_owner.borough.slug == "southwark"
    assert any(
        "choice outside the user's scope" in line and "borough" in line for line in security_lines(caplog)
    )


def test_the_force_editor_adds_an_owner_of_the_force_wide_plan(client_as):
    response = client_as("force_editor").post(
        reverse("admin:plans_owner_add"), {"key": "team:force-ops", "label": "Force operations"}
    )
    assert response.status_code == 302
    assert Owner.objects.get(key="team:force-ops").borough is None


# --- item 4: an owner's account is a member of its borough, and nobody else is listed --------


def test_an_editor_is_offered_only_their_boroughs_members(client_as, southwark_owner):
    response = client_as("southwark_editor").get(
        reverse("admin:plans_owner_change", args=[southwark_owner.pk])
    )
    offered = {u.username for u in response.context["adminform"].form.fields["user"].queryset}
    assert offered == {"southwark.editor", "southwark.commander"}
    page = response.content.decode()
    for hidden in ("lambeth.editor", "no.role", "mopac.oversight", "analyst"):
        assert hidden not in page


def test_an_account_outside_the_borough_cannot_be_linked(
    client_as, southwark_owner, no_role_user, administrator
):
    client = client_as("administrator")  # offered more accounts, held to the same rule
    url = reverse("admin:plans_owner_change", args=[southwark_owner.pk])
    other = get_user_model().objects.get(username="lambeth.editor")
    response = client.post(url, form_as_posted(client.get(url), user=other.pk))
    assert response.status_code == 200
    assert "is not a member of Southwark" in response.content.decode()
    southwark_owner.refresh_from_db()
    assert southwark_owner.user_id != other.pk
    response = client.post(url, form_as_posted(client.get(url), user=no_role_user.pk))
    assert response.status_code == 200
    southwark_owner.refresh_from_db()
    assert southwark_owner.user_id != no_role_user.pk


def test_a_member_of_the_borough_is_linked(client_as, southwark_owner, southwark_editor):
    client = client_as("southwark_editor")
    url = reverse("admin:plans_owner_change", args=[southwark_owner.pk])
    response = client.post(url, form_as_posted(client.get(url), user=southwark_editor.pk))
    assert response.status_code == 302
    southwark_owner.refresh_from_db()
    assert southwark_owner.user == southwark_editor


# --- item 7: refused admin writes are in the security log -----------------------------------


def test_a_write_to_another_boroughs_row_is_logged(client_as, lambeth_plan, caplog):
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = client_as("southwark_editor").post(
            reverse("admin:plans_plan_change", args=[lambeth_plan.pk]), {"title": "Taken over"}
        )
    assert response.status_code == 404
    lines = security_lines(caplog)
    assert any(
        "permission denied: admin POST" in line and "outside the user's boroughs" in line for line in lines
    )


def test_reading_another_boroughs_row_is_not_logged_as_a_write(client_as, lambeth_plan, caplog):
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        client_as("southwark_editor").get(reverse("admin:plans_plan_change", args=[lambeth_plan.pk]))
    assert not any("permission denied: admin" in line for line in security_lines(caplog))


# --- item 8: an action added on the objective's page has its first history row --------------


def test_an_action_added_through_the_objective_inline_has_its_first_history_row(
    client_as, southwark_plan, southwark_editor
):
    objective = southwark_plan.objectives.order_by("pk").first()
    client = client_as("southwark_editor")
    url = reverse("admin:plans_objective_change", args=[objective.pk])
    data = form_as_posted(client.get(url))
    prefix = "actions"
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(index + 1),
            f"{prefix}-{index}-position": "99",
            f"{prefix}-{index}-text": "Hold a street briefing in every ward each month.",
            f"{prefix}-{index}-objective": str(objective.pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    action = Action.objects.get(objective=objective, text__startswith="Hold a street briefing")
    history = list(StatusUpdate.objects.filter(action=action))
    assert len(history) == 1
    assert history[0].to_rag == "not_rated" and history[0].source == "admin"
    assert history[0].author_name == (southwark_editor.get_full_name() or southwark_editor.username)
    assert action.version == 1 and action.last_reviewed_at is not None


# --- item 9: review interval bounded for editors -------------------------------------------


@pytest.mark.parametrize(
    ("days", "saved"), [(32767, False), (366, False), (93, False), (6, False), (7, True), (92, True)]
)
def test_an_editor_sets_a_review_interval_of_a_week_to_a_quarter(client_as, southwark_plan, days, saved):
    client = client_as("southwark_editor")
    url = reverse("admin:plans_plan_change", args=[southwark_plan.pk])
    response = client.post(url, form_as_posted(client.get(url), review_interval_days=str(days)))
    assert (response.status_code == 302) is saved
    assert (Plan.objects.get(pk=southwark_plan.pk).review_interval_days == days) is saved
    if not saved:
        assert "between 7 and 92 days" in response.content.decode()


def test_an_administrator_may_go_outside_the_editors_bounds(client_as, southwark_plan):
    client = client_as("administrator")
    url = reverse("admin:plans_plan_change", args=[southwark_plan.pk])
    response = client.post(url, form_as_posted(client.get(url), review_interval_days="180"))
    assert response.status_code == 302
    assert Plan.objects.get(pk=southwark_plan.pk).review_interval_days == 180
    response = client.post(url, form_as_posted(client.get(url), review_interval_days="32767"))
    assert response.status_code == 200
    assert Plan.objects.get(pk=southwark_plan.pk).review_interval_days == 180


def test_oversight_may_go_outside_the_editors_bounds():
    from plans.review_interval import check_review_interval

    check_review_interval(get_user_model().objects.get(username="mopac.oversight"), 180)
