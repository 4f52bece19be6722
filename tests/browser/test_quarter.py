"""A quarter walked in the browser: editor submits, commander signs off, oversight sends back."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from plans.choices import MembershipRole, ReturnStatus
from plans.models import Borough, Membership, QuarterlyReturn
from plans.quarters import Quarter
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_editor_submits_commander_signs_off_oversight_sends_back(page, login, live_server, artifacts):
    commander = get_user_model().objects.create_user("lambeth.commander", password=TEST_PASSWORD)
    Membership.objects.create(
        user=commander, borough=Borough.objects.get(slug="lambeth"), role=MembershipRole.COMMANDER
    )
    quarter = Quarter.last_ended(timezone.localdate())

    login(page, "lambeth.editor")
    page.goto(f"{live_server.url}/boroughs/lambeth/returns/")
    page.get_by_label("Quarter").select_option(label=quarter.label)
    page.get_by_label("Covering note (optional)").fill("Two actions slipped; mitigations agreed at SLT.")
    page.get_by_role("button", name="Submit return for sign-off").click()
    assert page.get_by_text(f"The {quarter.label} return was submitted for sign-off.").is_visible()
    page.context.clear_cookies()

    login(page, "lambeth.commander")
    ret = QuarterlyReturn.objects.get()
    page.goto(f"{live_server.url}/returns/{ret.pk}/")
    page.get_by_label("I confirm that this return").check()
    page.get_by_role("button", name=f"Sign off the {quarter.label} return").click()
    assert page.get_by_text(f"As signed off for {quarter.label}").is_visible()
    page.context.clear_cookies()

    login(page, "mopac.oversight")
    page.goto(f"{live_server.url}/returns/{ret.pk}/")
    assert page.get_by_text(f"As signed off for {quarter.label}").is_visible()
    page.screenshot(path=str(artifacts / "quarterly-return-signed-off.png"), full_page=True)
    page.get_by_label("Reason for sending back").fill("Please add mitigation commentary for the Red actions.")
    page.get_by_role("button", name="Send back to the borough").click()
    assert page.get_by_text("was sent back to Lambeth").is_visible()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SENT_BACK
    assert [e.kind for e in ret.events.order_by("at", "pk")] == ["submitted", "signed_off", "sent_back"]
