"""The reporting cycle: reminders for stale actions, who has not updated, quarterly returns.

Write paths (keyword-only, atomic): ``submit_return``, ``sign_off_return``, ``send_back_return``,
``send_reminders``. Permission rules (besides the borough scope of plans.querysets):
members of the borough submit, its commander signs off, oversight sends back; administrators
may do each step.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Value
from django.urls import reverse
from django.utils import timezone

from . import notifications
from .choices import MembershipRole, ReturnEventKind, ReturnStatus, Role
from .models import (
    Action,
    Membership,
    NotificationKind,
    Owner,
    Plan,
    QuarterlyReturn,
    ReminderLog,
    ReturnEvent,
    ReturnLine,
)
from .quarters import Quarter
from .querysets import scope_for

security_log = logging.getLogger("trustplan.security")


# --- who may do what ------------------------------------------------------------------------
def _member_roles(user, borough_id):
    return set(Membership.objects.filter(user=user, borough_id=borough_id).values_list("role", flat=True))


def can_submit(user, plan):
    scope = scope_for(user)
    return scope.edit_all or (plan.borough_id is not None and plan.borough_id in scope.edit_borough_ids)


def can_sign_off(user, plan):
    if scope_for(user).edit_all:
        return True
    return MembershipRole.COMMANDER in _member_roles(user, plan.borough_id)


def can_send_back(user):
    return scope_for(user).has(Role.OVERSIGHT)


def _deny(user, what):
    security_log.warning("permission denied: user=%s %s", user, what)
    raise PermissionDenied(what[0].upper() + what[1:] + ".")


def _event(ret, kind, user, note=""):
    ReturnEvent.objects.create(quarterly_return=ret, kind=kind, user=user, note=note)


# --- quarterly returns ----------------------------------------------------------------------
def snapshot_lines(ret, plan, quarter):
    actions = (
        Action.objects.filter(objective__plan=plan)
        .with_status(quarter.end)
        .with_commentary(quarter.end)
        .select_related("objective__pillar", "objective__theme")
        .prefetch_related("owners")
        .order_by("objective__pillar__order", "objective__number", "position", "pk")
    )
    return [
        ReturnLine(
            quarterly_return=ret,
            action=action,
            pillar=str(action.objective.heading),
            objective=str(action.objective),
            text=action.text,
            owners="; ".join(o.label for o in action.owners.all()),
            rag=action.eff_rag,
            completed=action.eff_completed,
            commentary=action.eff_commentary or "",
            last_reviewed_at=action.eff_reviewed_at,
        )
        for action in actions
    ]


def submit_return(*, plan, quarter, user, covering_note="", today=None):
    """Submit (or re-submit after send-back) the plan's return for an ended quarter."""
    today = today or timezone.localdate()
    if not can_submit(user, plan):
        _deny(user, f"only editors of {plan.borough} can submit its return")
    if quarter.end >= today:
        raise ValidationError(
            {"quarter": f"{quarter.label} has not ended yet (it ends on {quarter.end:%d %B %Y})."}
        )
    covering_note = (covering_note or "").strip()
    if len(covering_note) > 4000:
        raise ValidationError({"covering_note": "Too long: at most 4000 characters."})
    with transaction.atomic():
        ret = (
            QuarterlyReturn.objects.select_for_update()
            .filter(plan=plan, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter)
            .order_by("pk")  # no join: PostgreSQL refuses FOR UPDATE on an outer join's nullable side
            .first()
        )
        if ret is not None and ret.status != ReturnStatus.SENT_BACK:
            raise ValidationError(
                {"quarter": f"The {quarter.label} return is already {ret.get_status_display().lower()}."}
            )
        now = timezone.now()
        if ret is None:
            ret = QuarterlyReturn.objects.create(
                plan=plan,
                fy_start_year=quarter.fy_start_year,
                quarter=quarter.quarter,
                status=ReturnStatus.SUBMITTED,
                covering_note=covering_note,
                submitted_by=user,
                submitted_at=now,
            )
        else:
            ret.lines.all().delete()
            ret.status, ret.covering_note = ReturnStatus.SUBMITTED, covering_note
            ret.submitted_by, ret.submitted_at = user, now
            ret.signed_off_by = ret.signed_off_at = None
            ret.version += 1
            ret.save()
        lines = snapshot_lines(ret, plan, quarter)
        if not lines:
            raise ValidationError(
                {
                    "quarter": f"No action of this plan had a status by the end of {quarter.label} "
                    f"({quarter.end:%d %B %Y}): there is nothing to return for that quarter."
                }
            )
        ReturnLine.objects.bulk_create(lines)
        _event(ret, ReturnEventKind.SUBMITTED, user, covering_note)
        notifications.return_event(ret, kind=NotificationKind.RETURN_SUBMITTED, actor=user)
    return ret


def _transition(ret, *, allowed_from, seen_version):
    """Claim the return for a state change; a concurrent change makes this fail cleanly."""
    claimed = QuarterlyReturn.objects.filter(pk=ret.pk, status__in=allowed_from, version=seen_version).update(
        version=seen_version + 1
    )
    if not claimed:
        ret.refresh_from_db()
        raise ValidationError(
            f"This return is now {ret.get_status_display().lower()} (changed since you opened it). "
            "Nothing was saved."
        )
    ret.refresh_from_db()


def attestation_line(ret, user, at):
    """The sign-off's attestation: who (name as the account gives it), when, and what."""
    name = user.get_full_name() or user.get_username()
    return (
        f"Signed off by {name} on {timezone.localtime(at):%d %B %Y at %H:%M}: the {ret.label} return "
        f"of {ret.plan.borough} is the borough's account of its plan as at {ret_quarter_end(ret):%d %B %Y}."
    )


def ret_quarter_end(ret):
    return Quarter(ret.fy_start_year, ret.quarter).end


def sign_off_return(*, ret, user, seen_version):
    if not can_sign_off(user, ret.plan):
        _deny(user, f"only the borough commander of {ret.plan.borough} can sign off its return")
    if ret.submitted_by_id == user.pk:  # separation of duties: a second person signs off
        raise ValidationError(
            "You submitted this return: another commander of the borough must sign it off. Nothing was saved."
        )
    with transaction.atomic():
        _transition(ret, allowed_from=[ReturnStatus.SUBMITTED], seen_version=seen_version)
        ret.status, ret.signed_off_by, ret.signed_off_at = ReturnStatus.SIGNED_OFF, user, timezone.now()
        ret.save(update_fields=["status", "signed_off_by", "signed_off_at"])
        _event(ret, ReturnEventKind.SIGNED_OFF, user, attestation_line(ret, user, ret.signed_off_at))
        notifications.return_event(ret, kind=NotificationKind.RETURN_SIGNED_OFF, actor=user)
    return ret


def send_back_return(*, ret, user, reason, seen_version):
    if not can_send_back(user):
        _deny(user, "only oversight can send a return back")
    reason = (reason or "").strip()
    if len(reason.split()) < 3:
        raise ValidationError({"reason": "Say why the return is sent back (at least a sentence)."})
    if len(reason) > 4000:
        raise ValidationError({"reason": "Too long: at most 4000 characters."})
    with transaction.atomic():
        _transition(
            ret, allowed_from=[ReturnStatus.SUBMITTED, ReturnStatus.SIGNED_OFF], seen_version=seen_version
        )
        ret.status = ReturnStatus.SENT_BACK
        ret.save(update_fields=["status"])
        _event(ret, ReturnEventKind.SENT_BACK, user, reason)
        notifications.return_event(ret, kind=NotificationKind.RETURN_SENT_BACK, actor=user)
    return ret


def return_summary(lines):
    """Counts per status of a return's lines (or of live actions with ``status``)."""
    counts = defaultdict(int)
    for line in lines:
        counts[str(line.status)] += 1
    return dict(counts)


def current_return_status(plans, today=None):
    """{plan_id: QuarterlyReturn or None} for the last ended quarter, in one query."""
    quarter = Quarter.last_ended(today or timezone.localdate())
    found = QuarterlyReturn.objects.filter(
        plan__in=plans, fy_start_year=quarter.fy_start_year, quarter=quarter.quarter
    ).select_related("signed_off_by", "submitted_by")
    by_plan = {r.plan_id: r for r in found}
    return quarter, {p.pk: by_plan.get(p.pk) for p in plans}


# --- who has not updated --------------------------------------------------------------------
@dataclass
class Overdue:
    action: Action
    age_days: int | None
    owners: list = field(default_factory=list)
    escalated: bool = False


def _stale_rows(queryset, now, *, user=None, sort="age", limit=None):
    """Stale actions as Overdue rows: the user's own first, then by age or owner; sorted and
    cut in SQL, owners fetched in one query — the same number of queries for any data."""
    if user is not None:
        links = Owner.actions.through.objects.filter(action_id=OuterRef("pk"), owner__user=user)
        queryset = queryset.annotate(is_mine=Exists(links))
    else:
        queryset = queryset.annotate(is_mine=Value(False))
    if sort == "owner":
        queryset = queryset.annotate(first_owner=Min("owners__label"))
        order = [F("first_owner").asc(nulls_last=True)]
    else:
        order = [F("eff_reviewed_at").asc(nulls_first=True)]
    queryset = queryset.select_related("objective__plan__borough").order_by("-is_mine", *order, "pk")
    actions = list(queryset[:limit] if limit is not None else queryset)
    owners = defaultdict(list)
    links = Owner.actions.through.objects.filter(action_id__in=[a.pk for a in actions] or [0])
    for link in links.select_related("owner__user").order_by("owner__label"):
        owners[link.action_id].append(link.owner)
    rows = []
    for action in actions:
        interval = action.objective.plan.review_interval_days
        age = (now - action.eff_reviewed_at).days if action.eff_reviewed_at else None
        escalated = age is None or age >= 2 * interval
        rows.append(Overdue(action=action, age_days=age, owners=owners[action.pk], escalated=escalated))
    return rows


def not_updated(actions_qs, *, now=None, user=None, sort="age", limit=None):
    """Actions with no review within their plan's interval, oldest first, with their owners.

    ``actions_qs`` is already scoped (visible_to / a plan / a borough).
    """
    now = now or timezone.now()
    return _stale_rows(actions_qs.with_status().stale(now), now, user=user, sort=sort, limit=limit)


# --- reminders ------------------------------------------------------------------------------
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
        rows = not_updated(Action.objects.filter(objective__plan=plan), now=now)
        if not rows:
            continue
        since = now - dt.timedelta(days=plan.review_interval_days)
        batches = []
        by_owner_user = defaultdict(list)
        for row in rows:
            for owner in row.owners:
                if owner.user_id and owner.user.is_active and owner.user.email:
                    by_owner_user[owner.user].append(row)
        batches += [(user, "owner", own) for user, own in by_owner_user.items()]
        batches += [(user, "editor", rows) for user in members[plan.borough_id][MembershipRole.EDITOR]]
        escalated = [r for r in rows if r.escalated]
        if escalated:
            leads = notifications.escalation_recipients(members[plan.borough_id], escalated)
            batches += [(user, "escalation", escalated) for user in leads]
        for user, kind, batch in batches:
            muted = kind != "escalation" and not notifications.wants(user, NotificationKind.REMINDER)
            if muted or not user.email or _recently_sent(user, plan.borough_id, kind, since):
                result.skipped += 1
                continue
            subject, body = _message(kind, plan.borough, batch)
            with transaction.atomic():
                ReminderLog.objects.create(
                    recipient=user,
                    borough=plan.borough,
                    kind=kind,
                    sent_at=now,
                    action_ids=[r.action.pk for r in batch],
                    subject=subject,
                )
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                notifications.reminder_recorded(user=user, kind=kind, borough=plan.borough, count=len(batch))
            result.sent += 1
            result.recipients.append((user.username, kind, len(batch)))
    return result


# --- dashboard panels -----------------------------------------------------------------------
def not_updated_panel(actions_qs, *, user, sort="age", limit=25, now=None):
    """Context for the "who has not updated" panel: the user's own stale actions first (owners
    linked to their account), then the rest, by age (oldest first) or by owner."""
    now = now or timezone.now()
    sort = sort if sort in ("age", "owner") else "age"
    rows = not_updated(actions_qs, now=now, user=user, sort=sort, limit=limit)
    return {
        "not_updated_rows": rows,
        "not_updated_total": actions_qs.with_status().stale(now).count(),
        "not_updated_mine": sum(1 for r in rows if r.action.is_mine),
        "not_updated_escalated": actions_qs.with_status().stale(now, intervals=2).count(),
        "not_updated_sort": sort,
    }


def return_status_panel(plans, *, today=None):
    """Context for the oversight panel: each borough's return for the last ended quarter."""
    plans = list(plans)
    quarter, by_plan = current_return_status(plans, today=today)
    rows = [{"plan": plan, "ret": by_plan.get(plan.pk)} for plan in plans]
    return {"return_quarter": quarter, "return_rows": rows}


def signed_off_beside_live(plan, *, user):
    """Context for the borough dashboard's "as signed off" panel: the plan's latest signed-off
    return and its RAG counts (frozen in its lines) beside the plan's live counts.

    One query when the plan has no signed-off return, else three whatever the number of actions:
    the latest signed-off return, its counts per status, the live counts per status (the whole
    plan, now: a return covers every action, whatever the dashboard's filters).
    """
    from django.db.models import Count

    from .choices import STATUS_ORDER

    latest = (
        QuarterlyReturn.objects.visible_to(user)
        .filter(plan=plan, status=ReturnStatus.SIGNED_OFF)
        .select_related("signed_off_by")
        .order_by("-fy_start_year", "-quarter", "-pk")
        .first()
    )
    if latest is None:
        return {"signed_off_return": None, "signed_off_rows": [], "signed_off_totals": None}
    signed = defaultdict(int)
    lines = ReturnLine.objects.filter(quarterly_return=latest).order_by()
    for row in lines.values("rag", "completed").annotate(n=Count("pk")):
        signed["complete" if row["completed"] else row["rag"]] += row["n"]
    live = defaultdict(int)
    actions = Action.objects.visible_to(user).filter(objective__plan=plan).with_status().order_by()
    for row in actions.values("eff_status").annotate(n=Count("pk", distinct=True)):
        live[row["eff_status"]] += row["n"]
    rows = [
        {"status": status, "signed_off": signed[status.value], "live": live[status.value]}
        for status in STATUS_ORDER
    ]
    for row in rows:
        change = row["live"] - row["signed_off"]
        row["change"] = change
        row["change_text"] = f"+{change}" if change > 0 else f"−{-change}" if change < 0 else "no change"
    return {
        "signed_off_return": latest,
        "signed_off_rows": rows,
        "signed_off_totals": {"signed_off": sum(signed.values()), "live": sum(live.values())},
    }
