"""Quarterly returns: a borough's editors submit, its commander signs off, oversight sends back.

Each step is keyword-only and atomic; it checks permission (plans.scope.may: members of the
borough submit, its commander signs off, oversight sends back, administrators may do each),
validates, writes, and records a ReturnEvent in the return's history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import notifications
from ..choices import ReturnEventKind, ReturnStatus
from ..models import Action, NotificationKind, QuarterlyReturn, ReturnEvent, ReturnLine
from ..quarters import Quarter
from ..scope import SEND_BACK_RETURN, SIGN_OFF_RETURN, SUBMIT_RETURN, require


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
    require(user, SUBMIT_RETURN, plan, message=f"Only editors of {plan.borough} can submit its return.")
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
    """The sign-off's attestation: who (name as the account gives it), when (local time), and what."""
    name = user.get_full_name() or user.get_username()
    quarter_end = Quarter(ret.fy_start_year, ret.quarter).end
    return (
        f"Signed off by {name} on {timezone.localtime(at):%d %B %Y at %H:%M}: the {ret.label} return "
        f"of {ret.plan.borough} is the borough's account of its plan as at {quarter_end:%d %B %Y}."
    )


def sign_off_return(*, ret, user, seen_version):
    require(
        user,
        SIGN_OFF_RETURN,
        ret.plan,
        message=f"Only the borough commander of {ret.plan.borough} can sign off its return.",
    )
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
    require(user, SEND_BACK_RETURN, message="Only oversight can send a return back.")
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
