"""Our admin customisations meet WCAG 2.2 AA (axe-core in Chromium), as a borough editor: the list
and change pages of the models an editor changes (plans with their objectives table, objectives
with their actions table, actions, owners, challenges) and a date refused by name.

Django's own admin markup is left out only where axe's finding is Django's and not ours to fix
(``NOT_OURS``, each with its reason); everything our admin modules, forms, widgets and the
templates in templates/admin/ add is checked.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import ROLE_USERS

pytestmark = pytest.mark.browser

# (admin URL name, how to find the row it opens; None for a list page)
PAGES = [
    ("admin:index", None),
    ("admin:plans_plan_changelist", None),
    ("admin:plans_plan_change", "plan"),
    ("admin:plans_objective_changelist", None),
    ("admin:plans_objective_change", "objective"),
    ("admin:plans_action_changelist", None),
    ("admin:plans_action_change", "action"),
    ("admin:plans_owner_changelist", None),
    ("admin:plans_owner_change", "owner"),
    ("admin:plans_challenge_changelist", None),
    ("admin:plans_statusupdate_changelist", None),
]
NOT_OURS = ()


def southwark_rows():
    from plans.models import Action, Objective, Owner, Plan

    plan = Plan.objects.get(borough__slug="southwark")
    objective = Objective.objects.filter(plan=plan).order_by("pk").first()
    return {
        "plan": plan.pk,
        "objective": objective.pk,
        "action": Action.objects.filter(objective=objective).order_by("pk").first().pk,
        "owner": Owner.objects.filter(borough=plan.borough).order_by("pk").first().pk,
    }


def test_the_admin_pages_of_a_borough_editor_pass_axe(page, login, live_server, assert_accessible):
    login(page, ROLE_USERS["southwark_editor"])
    rows = southwark_rows()
    for name, row in PAGES:
        path = reverse(name, args=[rows[row]] if row else [])
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path}: {response.status}"
        assert_accessible(page, f"admin as a borough editor: {name}", exclude=NOT_OURS)


def test_a_bad_date_in_the_admin_is_named_and_passes_axe(page, login, live_server, assert_accessible):
    from plans.models import Action

    login(page, ROLE_USERS["southwark_editor"])
    action = Action.objects.get(pk=southwark_rows()["action"])
    due_before = action.due_date
    page.goto(f"{live_server.url}{reverse('admin:plans_action_change', args=[action.pk])}")
    page.get_by_label("Due date").fill("31/02/2027")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Due date: “31/02/2027” is not a date.")).to_be_visible()  # waits for the answer
    assert_accessible(page, "admin action form with a bad date")
    action.refresh_from_db()
    assert action.due_date == due_before  # nothing was saved
