"""A person logs in through the real form in Chromium."""

import pytest

pytestmark = pytest.mark.browser


def test_southwark_editor_logs_in_and_reaches_the_admin_with_the_plan(page, login, live_server, artifacts):
    login(page, "southwark.editor")
    assert "/accounts/login/" not in page.url
    page.goto(f"{live_server.url}/admin/plans/plan/")
    assert page.get_by_text("Southwark Trust and Confidence Plan").count() >= 1
    assert page.get_by_text("Lambeth").count() == 0
    page.screenshot(path=str(artifacts / "admin-plans-southwark-editor.png"))


def test_wrong_password_shows_a_clear_message(page, login):
    login(page, "southwark.editor", password="not-the-password")
    assert page.get_by_text("did not match").is_visible()
