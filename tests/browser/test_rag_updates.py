"""RAG updates in a real browser: the action page, the monthly review, and a stale edit."""

import re

import pytest
from django.contrib.auth import get_user_model

from plans.choices import RAG, UpdateSource
from plans.models import Action, StatusUpdate
from plans.services import apply_status_update

pytestmark = pytest.mark.browser

WHY = "Schools programme restarted with two new officers."


def southwark_actions(rag, count):
    return list(
        Action.objects.filter(objective__plan__borough__slug="southwark", rag=rag, completed=False).order_by(
            "pk"
        )[:count]
    )


def row(page, action):
    return page.locator(f"#action-{action.pk}")


def test_editor_changes_amber_to_green_on_the_action_page(page, login, live_server, artifacts):
    action = southwark_actions(RAG.AMBER, 1)[0]
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    page.get_by_label("RAG rating").select_option("green")
    hint = page.get_by_text("You changed the status: say why in the commentary before saving.")
    assert hint.is_visible()  # the client-side hint, before anything is posted
    page.get_by_label("Commentary").fill(WHY)
    assert not hint.is_visible()
    page.get_by_role("button", name="Save update").click()
    assert page.get_by_text("Saved: status, commentary.").is_visible()
    history = page.locator("table.status-history tbody tr").first
    assert WHY in history.inner_text()
    assert re.search(r"Amber\s*→.*Green", history.inner_text(), re.S)
    page.screenshot(path=str(artifacts / "rag-action-page-updated.png"), full_page=True)
    action.refresh_from_db()
    assert action.rag == RAG.GREEN


def test_monthly_review_changes_three_rows(page, login, live_server, artifacts):
    actions = southwark_actions(RAG.AMBER, 3)
    before = StatusUpdate.objects.count()
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/boroughs/southwark/review/")
    counter = page.locator("[data-change-counter]")
    assert counter.inner_text() == "No changes yet."
    page.screenshot(path=str(artifacts / "rag-monthly-review-top.png"), full_page=False)
    reasons = [
        "Ward panels now meet monthly as planned.",
        "Training dates confirmed with the college.",
        "Youth engagement sessions back on schedule.",
    ]
    for action, why in zip(actions, reasons, strict=True):
        row(page, action).get_by_label("RAG rating —").select_option("green")
        row(page, action).get_by_label("New commentary —").fill(why)
        assert row(page, action).get_by_text("Changed", exact=True).is_visible()
    assert counter.inner_text() == "3 changes to save."
    page.screenshot(path=str(artifacts / "rag-monthly-review.png"), full_page=False)
    page.get_by_role("button", name="Save all changes").click()
    assert page.get_by_text("Saved 3 changes.").is_visible()
    assert StatusUpdate.objects.count() == before + 3
    assert StatusUpdate.objects.filter(source=UpdateSource.REVIEW).count() == 3
    for action in actions:
        page.goto(f"{live_server.url}/actions/{action.pk}/")
        first = page.locator("table.status-history tbody tr").first.inner_text()
        assert "Monthly review" in first and "Green" in first


def test_review_with_javascript_off_still_saves(browser, live_server, login, transactional_world):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        action = southwark_actions(RAG.RED, 1)[0]
        login(page, "southwark.editor")
        page.goto(f"{live_server.url}/boroughs/southwark/review/")
        row(page, action).get_by_label("RAG rating —").select_option("amber")
        page.get_by_role("button", name="Save all changes").click()
        # Without the client-side hint the server says it, beside the row, and keeps the choice.
        assert row(page, action).get_by_text("needs a commentary of at least a sentence").is_visible()
        assert row(page, action).get_by_label("RAG rating —").input_value() == "amber"
        row(page, action).get_by_label("New commentary —").fill(
            "Recruitment under way: two of four posts filled."
        )
        page.get_by_role("button", name="Save all changes").click()
        assert page.get_by_text("Saved 1 change.").is_visible()
        action.refresh_from_db()
        assert action.rag == RAG.AMBER
    finally:
        context.close()


def test_stale_edit_shows_the_other_change_and_can_be_reapplied(page, login, live_server, artifacts):
    action = southwark_actions(RAG.AMBER, 1)[0]
    login(page, "southwark.editor")
    page.goto(f"{live_server.url}/boroughs/southwark/review/")
    mine = "Partnership meeting held; actions agreed with the council."
    row(page, action).get_by_label("RAG rating —").select_option("green")
    row(page, action).get_by_label("New commentary —").fill(mine)

    # Meanwhile someone else changes the same action (a second session).
    other = get_user_model().objects.get(username="admin")
    theirs = "Council funding paused; sessions cancelled until April."
    apply_status_update(action=action, user=other, seen_version=action.version, rag="red", commentary=theirs)

    page.get_by_role("button", name="Save all changes").click()
    conflict = row(page, action).locator(".status-conflict")
    assert conflict.is_visible()
    assert "Changed by someone else" in conflict.inner_text()
    assert theirs in conflict.inner_text()
    assert row(page, action).get_by_label("New commentary —").input_value() == mine
    page.locator(f"#action-{action.pk}").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "rag-review-conflict.png"), full_page=False)
    action.refresh_from_db()
    assert action.rag == RAG.RED  # nothing overwritten

    page.get_by_role("button", name="Re-apply my changes").click()
    assert page.get_by_text("Saved 1 change.").is_visible()
    action.refresh_from_db()
    assert (action.rag, action.last_commentary) == (RAG.GREEN, mine)


def test_two_sessions_edit_one_action_page(browser, live_server, login, transactional_world, artifacts):
    action = southwark_actions(RAG.AMBER, 1)[0]
    first = browser.new_context(base_url=live_server.url).new_page()
    second = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server.url).new_page()
    try:
        login(first, "southwark.editor")
        login(second, "admin")
        for page in (first, second):
            page.goto(f"{live_server.url}/actions/{action.pk}/")
        first.get_by_label("RAG rating").select_option("red")
        first.get_by_label("Commentary").fill("Venue lost: sessions suspended for a month.")
        first.get_by_role("button", name="Save update").click()
        assert first.get_by_text("Saved: status, commentary.").is_visible()

        second.get_by_label("RAG rating").select_option("green")
        second.get_by_label("Commentary").fill("All sessions delivered this month.")
        second.get_by_role("button", name="Save update").click()
        assert second.get_by_text("Changed by someone else since you opened this page").is_visible()
        assert second.get_by_text("Venue lost: sessions suspended for a month.").first.is_visible()
        assert second.get_by_label("Commentary").input_value() == "All sessions delivered this month."
        second.screenshot(path=str(artifacts / "rag-action-page-conflict.png"), full_page=True)
        action.refresh_from_db()
        assert action.rag == RAG.RED
    finally:
        first.context.close()
        second.context.close()
