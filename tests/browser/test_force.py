"""The force-wide plan in a real browser: the matrix, the timeline, and linking a borough action."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_force_plan_page(page, login, live_server, artifacts):
    from plans.force import link_demo_contributions

    link_demo_contributions()
    login(page, "mopac.oversight")
    page.get_by_role("link", name="Force plan").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Trust Test matrix: delivery by theme").is_visible()
    assert page.locator("td.force-cell").count() == 21
    assert page.locator("td.force-cell.heat-empty").count() == 1
    assert page.locator("svg.timeline-svg g.ms-row").count() == 24
    page.screenshot(path=str(artifacts / "force-plan.png"), full_page=True)
    page.screenshot(path=str(artifacts / "force-plan-top.png"))
    # Milestone status as at a date, through the form (works without JS).
    page.get_by_label("Milestone status as at").fill("2022-02-15")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert "as_at=2022-02-15" in page.url
    assert page.get_by_text("Overdue: 2").is_visible()
    page.locator("#timeline-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "force-plan-timeline.png"))
    # Drill down from a cell to the activity and the borough that delivers it.
    page.locator('td[data-theme="best-outcomes"][data-dimension="capability"] a').first.click()
    assert page.locator("li.activity:target").get_by_text("Southwark").is_visible()


def test_borough_editor_links_an_action_to_force_activities(page, login, live_server, artifacts):
    from plans.models import Action

    action = Action.objects.get(text__startswith="Effective delivery of BCU VAWG Plan")
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/actions/{action.pk}/force-links/")
    page.get_by_label("reduce victimisation of the most disadvantaged working with local authorities").check()
    page.screenshot(path=str(artifacts / "force-links.png"), full_page=True)
    page.get_by_role("button", name="Save links").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Saved: this action delivers 1 force activity.").is_visible()
    assert list(action.delivers.values_list("source_plan", flat=True)) == ["STRIDE"]
