"""Reminder e-mails for stale actions: owners their own, editors the borough's list, leads the
escalations; each sent reminder is recorded in ReminderLog, never the same twice in an interval."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import notifications
from ..choices import MembershipRole
from ..models import Action, Membership, NotificationKind, Plan, ReminderLog
from ..reporting import not_updated


@dataclass
class ReminderResult:
    sent: int = 0
    skipped: int = 0
    recipients: list = field(default_factory=list)


def _recently_sent(user, borough_id, kind, since):
    return ReminderLog.objects.filter(
        recipient=user, borough_id=borough_id, kind=kind, sent_at__gte=since
    ).exists()


def _message(kind, borough, rows):
    lines = []
    for row in rows:
        age = f"{row.age_days} days since last review" if row.age_days is not None else "never reviewed"
        owners = ", ".join(o.label for o in row.owners) or "no owner"
        url = settings.SITE_URL.rstrip("/") + reverse("action-detail", args=[row.action.pk])
        text = row.action.text[:120] if settings.NOTIFICATION_EMAIL_PLAN_TEXT else f"Action {row.action.pk}"
        lines.append(f"- {text}\n  Owner: {owners}. {age}.\n  {url}")
    intro = {
        "owner": f"These {borough} actions you own need a review:",
        "editor": f"These {borough} actions have not been reviewed within the plan's review interval:",
        "escalation": f"Escalation: these {borough} actions have gone two review intervals or more "
        "without a review:",
    }[kind]
    subject = {
        "owner": f"TrustPlan: {len(rows)} of your {borough} actions need a review",
        "editor": f"TrustPlan: {len(rows)} {borough} actions need a review",
        "escalation": f"TrustPlan escalation: {len(rows)} {borough} actions stale for two intervals",
    }[kind]
    return subject, intro + "\n\n" + "\n".join(lines) + "\n\nTrustPlan"


def _batches(rows, members):
    """[(user, kind, rows)] of one plan's stale ``rows`` (``members``: {role: [users]} of its
    borough): each linked owner (active, with an address) their own, every editor of the borough
    all of them, its leads the escalations."""
    by_owner_user = defaultdict(list)
    for row in rows:
        for owner in row.owners:
            if owner.user_id and owner.user.is_active and owner.user.email:
                by_owner_user[owner.user].append(row)
    batches = [(user, "owner", own) for user, own in by_owner_user.items()]
    batches += [(user, "editor", rows) for user in members[MembershipRole.EDITOR]]
    escalated = [r for r in rows if r.escalated]
    if escalated:
        leads = notifications.escalation_recipients(members, escalated)
        batches += [(user, "escalation", escalated) for user in leads]
    return batches


def _should_send(user, kind, borough_id, since):
    muted = kind != "escalation" and not notifications.wants(user, NotificationKind.REMINDER)
    return not (muted or not user.email or _recently_sent(user, borough_id, kind, since))


def _send(user, kind, batch, *, borough, now):
    """Record the reminder and send it, in one transaction."""
    subject, body = _message(kind, borough, batch)
    with transaction.atomic():
        ReminderLog.objects.create(
            recipient=user,
            borough=borough,
            kind=kind,
            sent_at=now,
            action_ids=[r.action.pk for r in batch],
            subject=subject,
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        notifications.reminder_recorded(user=user, kind=kind, borough=borough, count=len(batch))


def send_reminders(*, now=None):
    """E-mail stale-action reminders: owners (linked users) their own, borough editors the whole
    list, borough leads the escalations. Not the same reminder twice within the interval."""
    now = now or timezone.now()
    result = ReminderResult()
    plans = Plan.objects.filter(borough__isnull=False).select_related("borough")
    members = defaultdict(lambda: defaultdict(list))
    for m in Membership.objects.select_related("user").filter(user__is_active=True):
        members[m.borough_id][m.role].append(m.user)
    for plan in plans:
        rows = not_updated(Action.objects.live().filter(objective__plan=plan), now=now)
        if not rows:
            continue
        since = now - dt.timedelta(days=plan.review_interval_days)
        for user, kind, batch in _batches(rows, members[plan.borough_id]):
            if not _should_send(user, kind, plan.borough_id, since):
                result.skipped += 1
                continue
            _send(user, kind, batch, borough=plan.borough, now=now)
            result.sent += 1
            result.recipients.append((user.username, kind, len(batch)))
    return result
