"""The borough's year on the demo data, in the browser: oversight challenges; the editor adds an
action, reviews, answers from "Waiting for me" and submits the quarter; the commander signs it
off from "Waiting for me"; oversight sees it. Every step's notifications are captured (locmem
mail backend)."""

import pytest
from django.core import mail
from django.utils import timezone

from plans.choices import ReturnStatus
from plans.models import Action, Notification, QuarterlyReturn
from plans.quarters import Quarter

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_page(browser, live_server, demo_world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(60000)  # the demo world is large; the machine may be busy
    page.set_default_navigation_timeout(60000)
    yield page
    context.close()


def oversight_raises_a_challenge(page, login):
    login(page, "mopac.oversight")
    page.goto("/boroughs/southwark/challenges/new/")
    page.get_by_label("Question for the borough").fill("What is the plan for the four Red actions?")
    page.get_by_label("Answer due by").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Raise the challenge").click()
    assert page.get_by_text("Challenge raised with Southwark").first.is_visible()


def editor_writes_an_action(page):
    page.goto("/boroughs/southwark/")
    page.get_by_role("link", name="Edit the plan").click()
    page.get_by_role("link", name="Add an action to M1").click()
    page.get_by_label("Action", exact=True).fill("Open a youth advisory group in each ward by the summer.")
    page.get_by_label("Add owners").fill("Supt Newfield")
    page.get_by_label("Due date").fill("2027-06-30")
    page.get_by_role("button", name="Add the action").click()
    assert page.get_by_text("The action was added to the plan").is_visible()
    assert page.get_by_role("heading", name="Open a youth advisory group in each ward").is_visible()
    added = Action.objects.get(text__startswith="Open a youth advisory group")
    assert added.objective.number == 1 and added.changes.get().field == "created"


def editor_reviews_answers_and_submits(page, login, quarter):
    login(page, "southwark.editor")
    page.goto("/")
    waiting = page.locator("#waiting-challenges").locator("xpath=..")
    assert waiting.get_by_text("due ").first.is_visible()
    editor_writes_an_action(page)
    action = (
        Action.objects.filter(objective__plan__borough__slug="southwark", rag="amber").order_by("pk").first()
    )
    page.goto("/boroughs/southwark/review/")
    row = page.locator(f"#action-{action.pk}")
    row.get_by_label("RAG rating —").select_option("green")
    row.get_by_label("New commentary —").fill("Ward panels now meet monthly as planned.")
    page.get_by_role("button", name="Save all changes").click()
    assert page.get_by_text("Saved 1 change.").is_visible()
    page.goto("/")
    page.locator("#waiting-challenges").locator("xpath=..").get_by_role("link").first.click()
    page.get_by_label("Your reply").fill("Each Red action has a named owner and a recovery date.")
    page.get_by_role("button", name="Add to the thread").click()
    page.goto("/")
    page.get_by_role("link", name=f"Southwark: submit the {quarter.label} return").click()
    page.get_by_label("Quarter").select_option(label=quarter.label)
    page.get_by_role("button", name="Submit return for sign-off").click()
    assert page.get_by_text(f"The {quarter.label} return was submitted for sign-off.").is_visible()


def test_the_year_on_the_demo_data(demo_page, login, artifacts):
    page, quarter = demo_page, Quarter.last_ended(timezone.localdate())
    oversight_raises_a_challenge(page, login)
    editor_reviews_answers_and_submits(page, login, quarter)

    login(page, "southwark.commander")
    page.goto("/")
    assert page.locator(".nav-count").first.inner_text() != "0"
    page.screenshot(path=str(artifacts / "waiting-for-me-commander.png"), full_page=True)
    page.get_by_role("link", name=f"Southwark: the {quarter.label} return waits for your sign-off").click()
    page.get_by_label("I confirm that this return").check()
    page.get_by_role("button", name=f"Sign off the {quarter.label} return").click()
    assert page.get_by_text(f"As signed off for {quarter.label}").is_visible()
    assert page.get_by_text("Signed off by southwark.commander on").is_visible()

    login(page, "mopac.oversight")
    page.goto("/notifications/")
    assert page.get_by_text(f"Southwark: the {quarter.label} return was signed off").is_visible()
    ret = QuarterlyReturn.objects.get(plan__borough__slug="southwark")
    assert ret.status == ReturnStatus.SIGNED_OFF and ret.lines.count() == 61  # the new action came after Q2
    sent = {(m.to[0], m.subject) for m in mail.outbox}
    assert (
        "southwark.editor@example.org",
        f"TrustPlan: Challenge raised with Southwark, answer due {timezone.localdate():%d %b %Y}",
    ) in sent
    assert ("mopac.oversight@example.org", "TrustPlan: Southwark answered a challenge") in sent
    assert (
        "southwark.commander@example.org",
        f"TrustPlan: Southwark: the {quarter.label} return was submitted for your sign-off",
    ) in sent
    assert (
        "southwark.editor@example.org",
        f"TrustPlan: Southwark: the {quarter.label} return was signed off",
    ) in sent
    assert not any(
        m.to == ["southwark.commander@example.org"] and "signed off" in m.subject for m in mail.outbox
    )
    assert Notification.objects.filter(recipient__username="mopac.oversight").count() >= 2
