"""Notifications in the product and by e-mail: who gets what, never the actor, opt-outs."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from plans.choices import MembershipRole
from plans.models import Membership, Notification, NotificationKind
from plans.notifications import set_muted_kinds
from plans.quarters import Quarter
from plans.services.reminders import send_reminders
from plans.services.returns import send_back_return, sign_off_return, submit_return

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def user(name):
    return get_user_model().objects.get(username=name)


def kinds_of(name):
    return list(Notification.objects.filter(recipient__username=name).values_list("kind", flat=True))


def raise_and_answer(client_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("oversight").post(
            "/boroughs/southwark/challenges/new/",
            {
                "question": "Why are four actions Red this quarter?",
                "due_date": timezone.localdate().isoformat(),
            },
        )
    challenge_path = response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client_as("southwark_editor").post(challenge_path + "reply/", {"text": "Staffing gaps now filled."})
    return challenge_path


def test_a_challenge_notifies_the_borough_and_its_answer_the_raiser_never_the_actor(
    client_as, world, django_capture_on_commit_callbacks
):
    path = raise_and_answer(client_as, django_capture_on_commit_callbacks)
    assert kinds_of("southwark.editor") == [NotificationKind.CHALLENGE_RAISED]
    assert kinds_of("mopac.oversight") == [NotificationKind.CHALLENGE_ANSWERED]
    assert kinds_of("lambeth.editor") == []
    assert {m.to[0] for m in mail.outbox} == {"southwark.editor@example.org", "mopac.oversight@example.org"}
    raised = next(m for m in mail.outbox if m.to == ["southwark.editor@example.org"])
    assert raised.subject.startswith("TrustPlan: Challenge raised with Southwark")
    assert path in raised.body and "Red this quarter" not in raised.body  # a link, no plan text


def test_plan_text_is_emailed_only_when_the_setting_allows(
    client_as, world, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAIL_PLAN_TEXT = True
    raise_and_answer(client_as, django_capture_on_commit_callbacks)
    assert any("Red this quarter" in m.body for m in mail.outbox)


def test_closing_notifies_the_borough(client_as, world, django_capture_on_commit_callbacks):
    path = raise_and_answer(client_as, django_capture_on_commit_callbacks)
    client_as("oversight").post(path + "close/", {"note": ""})
    assert NotificationKind.CHALLENGE_CLOSED in kinds_of("southwark.editor")


def test_an_optional_kind_can_be_turned_off_an_essential_one_cannot(
    client_as, world, django_capture_on_commit_callbacks
):
    response = client_as("oversight").post("/notifications/settings/", {"receive": []})
    assert response.status_code == 302
    raise_and_answer(client_as, django_capture_on_commit_callbacks)
    assert kinds_of("mopac.oversight") == []  # answers turned off
    with pytest.raises(ValueError, match="cannot be turned off"):
        set_muted_kinds(user=user("southwark.editor"), kinds=[NotificationKind.CHALLENGE_RAISED])


def test_the_return_steps_notify_commander_editors_and_oversight(lambeth_plan, lambeth_editor):
    commander = get_user_model().objects.create_user("lambeth.commander", email="lc@example.org")
    Membership.objects.create(user=commander, borough=lambeth_plan.borough, role=MembershipRole.COMMANDER)
    quarter = Quarter.last_ended(timezone.localdate())
    ret = submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    assert kinds_of("lambeth.commander") == [NotificationKind.RETURN_SUBMITTED]
    assert kinds_of("lambeth.editor") == []  # the actor
    sign_off_return(ret=ret, user=commander, seen_version=ret.version)
    assert kinds_of("lambeth.editor") == [NotificationKind.RETURN_SIGNED_OFF]
    assert NotificationKind.RETURN_SIGNED_OFF in kinds_of("mopac.oversight")
    send_back_return(
        ret=ret, user=user("mopac.oversight"), reason="Add the mitigations please.", seen_version=ret.version
    )
    assert NotificationKind.RETURN_SENT_BACK in kinds_of("lambeth.editor")
    assert NotificationKind.RETURN_SENT_BACK in kinds_of("lambeth.commander")


def test_escalation_goes_to_the_commander_not_back_to_the_editor(southwark_plan):
    later = timezone.now() + dt.timedelta(days=70)
    send_reminders(now=later)
    escalations = [m for m in mail.outbox if "escalation" in m.subject]
    assert [m.to for m in escalations] == [["southwark.commander@example.org"]]
    assert NotificationKind.ESCALATION in kinds_of("southwark.commander")
    assert NotificationKind.ESCALATION not in kinds_of("southwark.editor")
    assert all(southwark_plan.objectives.first().actions.first().text[:40] not in m.body for m in mail.outbox)


def test_a_muted_reminder_is_not_sent(southwark_plan):
    set_muted_kinds(user=user("southwark.editor"), kinds=[NotificationKind.REMINDER])
    send_reminders(now=timezone.now() + dt.timedelta(days=40))
    assert "southwark.editor@example.org" not in {m.to[0] for m in mail.outbox}


def test_the_notification_page_lists_and_marks_read(client_as, world, django_capture_on_commit_callbacks):
    raise_and_answer(client_as, django_capture_on_commit_callbacks)
    client = client_as("southwark_editor")
    assert "Challenge raised with Southwark" in client.get("/notifications/").text
    client.post("/notifications/")
    assert not Notification.objects.filter(
        recipient__username="southwark.editor", read_at__isnull=True
    ).exists()
