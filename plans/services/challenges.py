"""Challenges: oversight raises a question on a borough plan or one of its actions, the borough
answers, both sides add to the thread, oversight closes it.

Each function is keyword-only and atomic; it checks permission (plans.scope.may), validates,
and writes. The thread itself is the history: every reply and the closing note are kept as
ChallengeReply rows with their author and time.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..choices import ChallengeStatus
from ..models import Challenge, ChallengeReply
from ..scope import ANSWER_CHALLENGE, RAISE_CHALLENGE, REPLY_CHALLENGE, may, refuse

REFUSED = "Your role does not allow you to {what}."


def _require(user, step, obj, what):
    if not may(user, step, obj):
        refuse(user, f"tried to {what} {obj}", REFUSED.format(what=what))


def raise_challenge(*, plan, user, question, due_date, action=None):
    """Raise a challenge on ``plan`` (or on ``action``, one of its actions); returns it, open.

    ``question`` and ``due_date`` are already cleaned (plans.forms.challenges.ChallengeForm).
    Raises PermissionDenied (logged) for a user who may not raise challenges, ValidationError
    when the model's rules refuse it (e.g. an action of another plan); nothing is written then.
    """
    _require(user, RAISE_CHALLENGE, plan.borough, "raise a challenge")
    challenge = Challenge(
        plan=plan,
        action=action,
        question=question,
        due_date=due_date,
        raised_by=user,
        status=ChallengeStatus.OPEN,
    )
    challenge.full_clean()
    with transaction.atomic():
        challenge.save()
    return challenge


def reply_to_challenge(*, challenge, user, text):
    """Add a reply to the thread; a borough answer marks the challenge answered, an oversight
    follow-up re-opens it for the borough. Returns the ChallengeReply.

    Raises PermissionDenied (logged) for a user who may not reply, ValidationError when the
    challenge is closed; nothing is written then.
    """
    _require(user, REPLY_CHALLENGE, challenge, "reply to this challenge")
    if challenge.status == ChallengeStatus.CLOSED:
        raise ValidationError("This challenge is closed: nothing was added.")
    borough_side = may(user, ANSWER_CHALLENGE, challenge)
    with transaction.atomic():
        reply = ChallengeReply.objects.create(challenge=challenge, author=user, text=text)
        challenge.status = ChallengeStatus.ANSWERED if borough_side else ChallengeStatus.OPEN
        challenge.save(update_fields=["status"])
    return reply


def close_challenge(*, challenge, user, note=""):
    """Close the challenge, with an optional closing note added to the thread. Returns it.

    Raises PermissionDenied (logged) for a user who may not close challenges (only those who
    may raise them).
    """
    _require(user, RAISE_CHALLENGE, challenge, "close this challenge")
    with transaction.atomic():
        if note:
            ChallengeReply.objects.create(challenge=challenge, author=user, text=note)
        challenge.status = ChallengeStatus.CLOSED
        challenge.closed_at = timezone.now()
        challenge.closed_by = user
        challenge.save(update_fields=["status", "closed_at", "closed_by"])
    return challenge
