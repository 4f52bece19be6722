"""Challenges: oversight asks, the borough answers, both see the thread, oversight closes.
Scoped like everything else: another borough's editor and analysts cannot write."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from plans.choices import ChallengeStatus
from plans.models import Challenge, ChallengeReply

pytestmark = pytest.mark.django_db

ANSWER = "Two of the four posts are recruited; the rest start in March."


@pytest.fixture
def challenge(world, southwark_plan, oversight_user):
    return Challenge.objects.create(
        plan=southwark_plan,
        question="Why are four actions Red, and what is the recovery plan?",
        raised_by=oversight_user,
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )


def test_oversight_raises_a_challenge_on_an_action(client_as, southwark_plan):
    action = southwark_plan.objectives.first().actions.first()
    due = timezone.localdate() + dt.timedelta(days=21)
    response = client_as("oversight").post(
        "/boroughs/southwark/challenges/new/",
        {
            "action": action.pk,
            "question": "What will unblock this action before the summer?",
            "due_date": due,
        },
    )
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert (challenge.plan, challenge.action, challenge.due_date) == (southwark_plan, action, due)
    assert challenge.status == ChallengeStatus.OPEN
    assert response["Location"] == f"/challenges/{challenge.pk}/"


def test_a_challenge_needs_a_question_and_a_future_due_date(client_as):
    response = client_as("oversight").post(
        "/boroughs/southwark/challenges/new/",
        {"question": "Why?", "due_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "at least a short sentence" in response.text
    assert "onwards" in response.text
    assert not Challenge.objects.exists()


def test_an_action_of_another_plan_cannot_be_challenged_here(client_as, lambeth_plan):
    other = lambeth_plan.objectives.first().actions.first()
    response = client_as("oversight").post(
        "/boroughs/southwark/challenges/new/",
        {"action": other.pk, "question": "What is the plan for this one?", "due_date": timezone.localdate()},
    )
    assert response.status_code == 400
    assert not Challenge.objects.exists()


@pytest.mark.parametrize("role", ["southwark_editor", "lambeth_editor", "analyst"])
def test_only_oversight_raises_challenges(client_as, role, caplog):
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = client_as(role).post(
            "/boroughs/southwark/challenges/new/",
            {"question": "Can we challenge ourselves here?", "due_date": timezone.localdate()},
        )
    assert response.status_code == 403
    assert not Challenge.objects.exists()
    assert any("raise a challenge" in r.getMessage() for r in caplog.records)


def test_the_borough_sees_the_challenge_on_its_dashboard_and_answers(client_as, challenge):
    editor = client_as("southwark_editor")
    dashboard = editor.get("/boroughs/southwark/")
    assert challenge.question in dashboard.text
    assert "Answer this challenge" in dashboard.text
    response = editor.post(f"/challenges/{challenge.pk}/reply/", {"text": ANSWER})
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.ANSWERED
    # both sides see the thread
    for role in ("oversight", "southwark_editor", "analyst"):
        assert ANSWER in client_as(role).get(f"/challenges/{challenge.pk}/").text
    assert ANSWER in client_as("oversight").get("/boroughs/southwark/").text


def test_oversight_follows_up_and_the_challenge_is_open_again(client_as, challenge):
    client_as("southwark_editor").post(f"/challenges/{challenge.pk}/reply/", {"text": ANSWER})
    client_as("oversight").post(
        f"/challenges/{challenge.pk}/reply/", {"text": "When will the remaining posts be filled?"}
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN
    assert challenge.replies.count() == 2


@pytest.mark.parametrize("role", ["lambeth_editor", "analyst"])
def test_others_cannot_answer_the_challenge(client_as, challenge, role, caplog):
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        response = client_as(role).post(f"/challenges/{challenge.pk}/reply/", {"text": ANSWER})
    assert response.status_code == 403
    assert not ChallengeReply.objects.exists()
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN
    assert any(f"challenge={challenge.pk}" in r.getMessage() for r in caplog.records)


def test_others_are_not_offered_a_reply_form(client_as, challenge):
    page = client_as("lambeth_editor").get(f"/challenges/{challenge.pk}/")
    assert page.status_code == 200
    assert challenge.question in page.text
    assert "Add to the thread" not in page.text
    assert "Close the challenge" not in page.text


def test_oversight_closes_and_nobody_can_reply_after(client_as, challenge, oversight_user):
    response = client_as("oversight").post(
        f"/challenges/{challenge.pk}/close/", {"note": "Recovery plan accepted at the board."}
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.CLOSED
    assert challenge.closed_by == oversight_user and challenge.closed_at
    assert challenge.replies.get().text == "Recovery plan accepted at the board."
    response = client_as("southwark_editor").post(f"/challenges/{challenge.pk}/reply/", {"text": ANSWER})
    assert response.status_code == 400
    assert "closed" in response.text
    assert challenge.replies.count() == 1
    # closed challenges leave the dashboard's open list
    assert challenge.question not in client_as("southwark_editor").get("/boroughs/southwark/").text


@pytest.mark.parametrize("role", ["southwark_editor", "lambeth_editor", "analyst"])
def test_only_oversight_closes(client_as, challenge, role):
    response = client_as(role).post(f"/challenges/{challenge.pk}/close/", {})
    assert response.status_code == 403
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN


def test_challenge_list_filters_by_status(client_as, challenge, lambeth_plan, oversight_user):
    closed = Challenge.objects.create(
        plan=lambeth_plan,
        question="Closed question about the plan",
        raised_by=oversight_user,
        status="closed",
    )
    client = client_as("analyst")
    active = client.get("/challenges/")
    assert challenge.question[:40] in active.text and closed.question not in active.text
    assert closed.question in client.get("/challenges/?status=closed").text
    assert client.get("/challenges/?status=all").context["page"].paginator.count == 2
