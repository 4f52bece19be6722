"""Plans written in the browser: an editor edits an action (and meets another editor's change),
reorders actions and objectives, and retires an action, on pages that pass axe-core, also at
320 CSS pixels wide."""

import pytest

from plans.models import Action, Objective, PlanChange

pytestmark = pytest.mark.browser


def first_actions(count=2):
    return list(
        Action.objects.filter(objective__plan__borough__slug="southwark").order_by(
            "objective__pillar__order", "objective__number", "position"
        )[:count]
    )


def test_an_editor_edits_an_action_and_meets_another_editors_change(
    page, login, live_server, assert_accessible, artifacts
):
    from django.contrib.auth import get_user_model

    from plans.services.plan_editing import action_update

    page.set_default_timeout(60_000)
    action = first_actions(1)[0]
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/boroughs/southwark/plan/")
    assert_accessible(page, "the plan's editing page")
    page.screenshot(path=str(artifacts / "plan-edit.png"), full_page=True)
    page.get_by_role("link", name="Edit action M1.1", exact=True).click()
    page.get_by_label("Action", exact=True).fill("Engagement officers for each protected characteristic.")
    page.get_by_label("Add owners").fill("PC Okafor")
    assert_accessible(page, "the action's edit form")
    page.screenshot(path=str(artifacts / "action-edit.png"), full_page=True)
    # meanwhile the commander edits the same action
    commander = get_user_model().objects.get(username="southwark.commander")
    action_update(
        user=commander,
        action=action,
        seen_version=action.version,
        text="The commander's wording.",
        owners=list(action.owners.all()),
        drivers=list(action.drivers.all()),
        due_date=action.due_date,
    )
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Changed by someone else since you opened this page").is_visible()
    assert page.get_by_text("The commander's wording.").first.is_visible()
    assert page.get_by_label("Action", exact=True).input_value().startswith("Engagement officers")
    assert_accessible(page, "the edit form: a conflict")
    page.screenshot(path=str(artifacts / "action-edit-conflict.png"), full_page=True)
    page.get_by_role("button", name="Save my version over theirs").click()
    assert page.get_by_text("Saved: text, owners.").is_visible()
    history = page.locator("section", has=page.get_by_role("heading", name="Changes to the action"))
    assert history.get_by_text("The commander's wording.").first.is_visible()
    assert history.get_by_text("PC Okafor").first.is_visible()
    assert_accessible(page, "the action page with its changes")
    page.screenshot(path=str(artifacts / "action-changes.png"), full_page=True)
    # bad input: the field is named and nothing changes
    page.get_by_role("link", name="Edit the action").click()
    page.get_by_label("Due date").fill("1899-01-01")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_role("heading", name="Nothing was saved").is_visible()
    assert page.get_by_text("Enter a date between").is_visible()
    assert_accessible(page, "the edit form: an error")
    assert PlanChange.objects.filter(action=action, field="due_date").count() == 0


def test_an_editor_reorders_and_retires(page, login, live_server, assert_accessible, artifacts):
    page.set_default_timeout(60_000)
    first, second = first_actions(2)
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/boroughs/southwark/plan/")
    page.get_by_role("button", name="Move up: action M1.2", exact=True).click()
    assert page.get_by_text("Moved: the action is now M1.1.").is_visible()
    first.refresh_from_db(), second.refresh_from_db()
    assert second.position < first.position
    objective = Objective.objects.get(plan__borough__slug="southwark", pillar__order=1, number=2)
    page.get_by_role("button", name="Move up: objective M2", exact=True).click()
    assert page.get_by_text("Moved: the objective is now M1.").is_visible()
    assert Objective.objects.get(pk=objective.pk).number == 1
    # retire the action now first in its objective
    action = Action.objects.get(pk=second.pk)
    page.goto(f"{live_server.url}/actions/{action.pk}/retire/")
    page.get_by_role("button", name="Retire the action").click()
    assert page.get_by_text("Tick the box to confirm").first.is_visible()
    assert_accessible(page, "retire: not confirmed")
    page.get_by_label("I understand").check()
    page.screenshot(path=str(artifacts / "action-retire.png"), full_page=True)
    page.get_by_role("button", name="Retire the action").click()
    assert page.get_by_text("was retired. It stays in the history.").is_visible()
    retired = page.locator("section", has=page.get_by_role("heading", name="Retired"))
    assert retired.get_by_role("link").first.is_visible()
    assert Action.objects.get(pk=action.pk).retired_at is not None
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    assert page.get_by_text("Retired on").is_visible()
    assert_accessible(page, "a retired action's page")
    page.screenshot(path=str(artifacts / "action-retired.png"), full_page=True)


def test_plan_pages_reflow_at_320_pixels(page, login, live_server, assert_accessible, artifacts):
    page.set_default_timeout(60_000)
    action = first_actions(1)[0]
    objective = action.objective
    login(page, "southwark.editor")
    for url, name in [
        ("/boroughs/southwark/", "dashboard-edit-link.png"),
        ("/boroughs/southwark/objectives/new/", "objective-new.png"),
        (f"/objectives/{objective.pk}/edit/", "objective-edit.png"),
        (f"/objectives/{objective.pk}/retire/", "objective-retire.png"),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=str(artifacts / name), full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    for url, name in [
        ("/boroughs/southwark/plan/", "plan-edit-320.png"),
        (f"/actions/{action.pk}/edit/", "action-edit-320.png"),
        (f"/actions/{action.pk}/retire/", "action-retire-320.png"),
        ("/boroughs/southwark/objectives/new/", "objective-new-320.png"),
        (f"/objectives/{objective.pk}/edit/", "objective-edit-320.png"),
        (f"/actions/{action.pk}/", "action-page-320.png"),
    ]:
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{url} scrolls sideways at 320 px ({width} px wide)"
        assert_accessible(page, "320 px wide")
        page.screenshot(path=str(artifacts / name), full_page=True)
