"""Notifications: in the product and by e-mail (Django's mail; console backend by default).

Each event function (``challenge_raised``, ``return_submitted`` …) picks the people concerned
and calls ``notify``, which

- never notifies the person who acted;
- skips a kind the recipient has turned off (only kinds outside ESSENTIAL_KINDS can be);
- writes one Notification row per recipient (the in-app list) and, once the transaction has
  committed, e-mails each recipient who has an address: a short subject and a link, no plan
  text unless ``NOTIFICATION_EMAIL_PLAN_TEXT`` is on (police e-mail can leave the network).

Escalations of stale actions go to the borough commander and the plan lead, never to an editor
of the borough or an owner of the actions (the people who missed the update).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .choices import MembershipRole, Role
from .models import Membership, Notification, NotificationKind, NotificationSetting
from .models.notifications import ESSENTIAL_KINDS

logger = logging.getLogger(__name__)
EDITING = (MembershipRole.EDITOR, MembershipRole.LEAD)


def muted_kinds(user):
    """The kinds ``user`` turned off (a set of NotificationKind values)."""
    setting = NotificationSetting.objects.filter(user=user).first()
    return set(setting.muted) - ESSENTIAL_KINDS if setting else set()


def set_muted_kinds(*, user, kinds):
    """Turn off exactly ``kinds`` for ``user``. Raises ValueError naming an unknown or essential
    kind; nothing is written then."""
    kinds = set(kinds)
    bad = sorted(k for k in kinds if k not in NotificationKind.values or k in ESSENTIAL_KINDS)
    if bad:
        raise ValueError(f"These notifications cannot be turned off: {', '.join(bad)}.")
    NotificationSetting.objects.update_or_create(user=user, defaults={"muted": sorted(kinds)})


def wants(user, kind):
    return kind in ESSENTIAL_KINDS or kind not in muted_kinds(user)


def _email(recipients, subject, path, text):
    link = settings.SITE_URL.rstrip("/") + path
    body = f"{subject}.\n\nOpen it in TrustPlan: {link}\n"
    if text and getattr(settings, "NOTIFICATION_EMAIL_PLAN_TEXT", False):
        body += f"\n{text}\n"
    for user in recipients:
        try:
            send_mail(f"TrustPlan: {subject}", body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:  # noqa: BLE001 — the event has committed; the in-app notice remains
            logger.exception("Could not e-mail notification to user=%s", user.pk)


def notify(*, kind, recipients, actor, subject, path, text=""):
    """Notify ``recipients`` (users) of an event of ``kind`` done by ``actor`` (or None).

    ``subject``: a short line without plan text (at most 200 characters); ``path``: the page
    to open; ``text``: plan text, e-mailed only when NOTIFICATION_EMAIL_PLAN_TEXT is on.
    Returns the Notification rows written.
    """
    people = {u.pk: u for u in recipients if u.is_active and (actor is None or u.pk != actor.pk)}
    muted = {
        s.user_id
        for s in NotificationSetting.objects.filter(user_id__in=list(people))
        if kind in set(s.muted) - ESSENTIAL_KINDS
    }
    chosen = [u for pk, u in sorted(people.items()) if pk not in muted]
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=u, kind=kind, subject=subject[:200], path=path, created_at=now, emailed=bool(u.email)
        )
        for u in chosen
    )
    mailed = [u for u in chosen if u.email]
    if mailed:
        transaction.on_commit(lambda: _email(mailed, subject[:200], path, text))
    return rows


def members(borough_id, roles):
    """Active users with one of ``roles`` in the borough."""
    ids = Membership.objects.filter(borough_id=borough_id, role__in=roles).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def oversight_users():
    return list(get_user_model().objects.filter(groups__name=Role.OVERSIGHT, is_active=True))


def _borough(plan):
    return str(plan.borough) if plan.borough_id else "the force-wide plan"


# --- challenges -------------------------------------------------------------------------------
def challenge_raised(challenge, *, actor):
    path = reverse("challenge-detail", args=[challenge.pk])
    due = f", answer due {challenge.due_date:%d %b %Y}" if challenge.due_date else ""
    return notify(
        kind=NotificationKind.CHALLENGE_RAISED,
        recipients=members(challenge.plan.borough_id, EDITING),
        actor=actor,
        subject=f"Challenge raised with {_borough(challenge.plan)}{due}",
        path=path,
        text=challenge.question,
    )


def challenge_replied(challenge, *, actor, borough_side):
    """A borough answer goes to the person who raised it; an oversight follow-up to the
    borough's editors."""
    path = reverse("challenge-detail", args=[challenge.pk])
    if borough_side:
        recipients, subject = [challenge.raised_by], f"{_borough(challenge.plan)} answered a challenge"
        kind = NotificationKind.CHALLENGE_ANSWERED
    else:
        recipients, subject = members(challenge.plan.borough_id, EDITING), "Oversight followed up a challenge"
        kind = NotificationKind.CHALLENGE_RAISED
    return notify(kind=kind, recipients=recipients, actor=actor, subject=subject, path=path)


def challenge_closed(challenge, *, actor):
    return notify(
        kind=NotificationKind.CHALLENGE_CLOSED,
        recipients=members(challenge.plan.borough_id, EDITING),
        actor=actor,
        subject=f"Challenge to {_borough(challenge.plan)} closed",
        path=reverse("challenge-detail", args=[challenge.pk]),
    )


# --- quarterly returns ------------------------------------------------------------------------
def return_event(ret, *, kind, actor):
    """Submitted → the borough's commanders; sent back → its editors and commanders; signed
    off → its editors, the submitter and oversight."""
    borough_id = ret.plan.borough_id
    if kind == NotificationKind.RETURN_SUBMITTED:
        recipients, verb = members(borough_id, [MembershipRole.COMMANDER]), "submitted for your sign-off"
    elif kind == NotificationKind.RETURN_SENT_BACK:
        recipients = members(borough_id, [*EDITING, MembershipRole.COMMANDER])
        verb = "sent back by oversight"
    else:
        recipients = members(borough_id, EDITING) + oversight_users()
        recipients += [ret.submitted_by] if ret.submitted_by_id else []
        verb = "signed off"
    return notify(
        kind=kind,
        recipients=recipients,
        actor=actor,
        subject=f"{_borough(ret.plan)}: the {ret.label} return was {verb}",
        path=reverse("return-detail", args=[ret.pk]),
    )


# --- reminders and escalations ----------------------------------------------------------------
def escalation_recipients(by_role, rows):
    """The borough's commanders and plan leads, less anyone who is one of its editors or owns
    one of the escalated actions. ``by_role``: {membership role: [users]}; ``rows``: Overdue."""
    missed = {u.pk for u in by_role.get(MembershipRole.EDITOR, [])}
    missed |= {o.user_id for row in rows for o in row.owners if o.user_id}
    chosen = {}
    for role in (MembershipRole.COMMANDER, MembershipRole.LEAD):
        for user in by_role.get(role, []):
            if user.pk not in missed:
                chosen[user.pk] = user
    return list(chosen.values())


def reminder_recorded(*, user, kind, borough, count):
    """The in-app twin of a reminder or escalation e-mail that ``send_reminders`` sent."""
    notification_kind = NotificationKind.ESCALATION if kind == "escalation" else NotificationKind.REMINDER
    path = reverse("action-list") + f"?borough={borough.slug}&stale=true"
    Notification.objects.create(
        recipient=user,
        kind=notification_kind,
        subject=f"{count} {borough} actions need a review",
        path=path,
        emailed=True,
    )
