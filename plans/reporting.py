"""The reporting cycle's figures: who has not updated, the returns' status, signed off beside live.

Selectors and dashboard panels only; the writes (submit, sign off and send back a quarterly
return, send reminders) are plans.services.returns and plans.services.reminders.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, F, Min, Q, Value
from django.utils import timezone

from .choices import ReturnStatus
from .models import Action, Owner, QuarterlyReturn, ReturnLine
from .quarters import Quarter
from .querysets import end_of_day, is_stale, review_lengths

security_log = logging.getLogger("trustplan.security")


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
    cut in SQL, owners fetched in one query — the same number of queries for any data.

    "The user's own" (an owner linked to their account) is one list of ids the database reads
    once (``id IN (…)``), not a test run again for every stale action."""
    if user is not None:
        own = Owner.actions.through.objects.filter(owner__user=user).values("action_id")
        queryset = queryset.annotate(is_mine=ExpressionWrapper(Q(pk__in=own), output_field=BooleanField()))
    else:
        queryset = queryset.annotate(is_mine=Value(False))
    if sort == "owner":
        queryset = queryset.annotate(first_owner=Min("owners__label"))
        order = [F("first_owner").asc(nulls_last=True)]
    else:
        order = [F("eff_reviewed_at").asc(nulls_first=True)]
    queryset = queryset.select_related("objective__plan__borough").order_by("-is_mine", *order, "pk")
    actions = list(queryset[:limit] if limit is not None else queryset)
    owners = Owner.objects.select_related("user").by_action(a.pk for a in actions)
    return [_row(a, owners[a.pk], a.objective.plan.review_interval_days, now) for a in actions]


def _row(action, owners, interval_days, now):
    """The Overdue row of a stale ``action``: its age in whole days at ``now`` (None if never
    reviewed) and whether it is stale for two intervals or more."""
    reviewed = action.eff_reviewed_at
    escalated = is_stale(
        reviewed_at=reviewed, completed=False, interval_days=interval_days, now=now, intervals=2
    )
    age = (now - reviewed).days if reviewed else None
    return Overdue(action=action, age_days=age, owners=owners, escalated=escalated)


def stale_rows_of(actions, *, now, interval_days, user=None, limit=None):
    """``_stale_rows`` by age, from actions the page has read already, without a query: those of
    ``actions`` (each with ``eff_reviewed_at``, ``eff_completed``, ``eff_status`` and its owners
    in ``owner_list``, by label) stale at ``now`` under the review interval ``interval_days`` (one
    plan's), the user's own first (an owner linked to their account), then the oldest review
    first (never reviewed before any), then by id. Sets ``is_mine`` on each listed action. Tests
    compare it with ``not_updated`` on the same actions."""
    mine = getattr(user, "pk", None)
    stale = []
    for action in actions:
        reviewed = action.eff_reviewed_at
        if is_stale(
            reviewed_at=reviewed, completed=action.eff_completed, interval_days=interval_days, now=now
        ):
            action.is_mine = mine is not None and any(owner.user_id == mine for owner in action.owner_list)
            stale.append(action)
    # As the query orders them: the user's own first, never reviewed first, oldest review, id.
    stale.sort(key=lambda a: (not a.is_mine, a.eff_reviewed_at is not None, a.eff_reviewed_at or now, a.pk))
    listed = stale[:limit] if limit is not None else stale
    return [_row(action, list(action.owner_list), interval_days, now) for action in listed]


def not_updated(actions_qs, *, now=None, user=None, sort="age", limit=None, as_at=None, lengths=None):
    """Actions with no review within their plan's interval, oldest first, with their owners.

    ``actions_qs`` is already scoped (visible_to / a plan / a borough). With ``as_at`` (a date)
    the statuses and reviews are those at the end of that day, and ``now`` should be that instant.
    ``lengths``: the plans' review intervals (days) when already read.
    """
    now = now or timezone.now()
    stale = actions_qs.with_status(as_at).stale(now, lengths=lengths)
    return _stale_rows(stale, now, user=user, sort=sort, limit=limit)


# --- dashboard panels -----------------------------------------------------------------------
def not_updated_panel(
    actions_qs, *, user, sort="age", limit=25, now=None, as_at=None, lengths=None, counted=None, listed=None
):
    """Context for the "who has not updated" panel: the user's own stale actions first (owners
    linked to their account), then the rest, by age (oldest first) or by owner. With ``as_at``
    (a date; ``now`` the end of that day) every figure is as it stood then. ``lengths``: the
    review intervals (days) of the plans of ``actions_qs``, when the caller has read them;
    ``counted``: (stale, escalated) among ``actions_qs`` when the caller has counted them;
    ``listed``: (every action of ``actions_qs`` with its status as at the page's day and its
    owners, one plan's review interval) when the caller has read them (``stale_rows_of``: by age,
    without a query)."""
    now = now or timezone.now()
    sort = sort if sort in ("age", "owner") else "age"
    lengths = review_lengths() if lengths is None else lengths  # once, for the list and both counts
    if listed is not None and sort == "age":
        actions, interval_days = listed
        rows = stale_rows_of(actions, now=now, interval_days=interval_days, user=user, limit=limit)
    else:
        rows = not_updated(
            actions_qs, now=now, user=user, sort=sort, limit=limit, as_at=as_at, lengths=lengths
        )
    total, escalated = counted or actions_qs.with_status(as_at).stale_counts(now, lengths)
    return {
        "not_updated_rows": rows,
        "not_updated_total": total,
        "not_updated_mine": sum(1 for r in rows if r.action.is_mine),
        "not_updated_escalated": escalated,
        "not_updated_sort": sort,
    }


def return_status_panel(plans, *, today=None):
    """Context for the oversight panel: each borough's return for the last ended quarter."""
    plans = list(plans)
    quarter, by_plan = current_return_status(plans, today=today)
    rows = [{"plan": plan, "ret": by_plan.get(plan.pk)} for plan in plans]
    return {"return_quarter": quarter, "return_rows": rows}


def signed_off_beside_live(plan, *, user, as_at=None):
    """Context for the borough dashboard's "as signed off" panel: the plan's latest signed-off
    return and its RAG counts (frozen in its lines) beside the plan's live counts. With ``as_at``
    (a date): the latest return signed off by the end of that day, beside the counts then.

    One query when the plan has no signed-off return, else three whatever the number of actions:
    the latest signed-off return, its counts per status, the live counts per status (the whole
    plan, now: a return covers every action, whatever the dashboard's filters).
    """
    from django.db.models import Count

    from .choices import STATUS_ORDER

    returns = QuarterlyReturn.objects.visible_to(user).filter(plan=plan, status=ReturnStatus.SIGNED_OFF)
    if as_at is not None:
        returns = returns.filter(signed_off_at__lt=end_of_day(as_at))
    latest = returns.select_related("signed_off_by").order_by("-fy_start_year", "-quarter", "-pk").first()
    if latest is None:
        return {"signed_off_return": None, "signed_off_rows": [], "signed_off_totals": None}
    signed = defaultdict(int)
    lines = ReturnLine.objects.filter(quarterly_return=latest).order_by()
    for row in lines.values("rag", "completed").annotate(n=Count("pk")):
        signed["complete" if row["completed"] else row["rag"]] += row["n"]
    live = defaultdict(int)
    actions = Action.objects.visible_to(user).filter(objective__plan=plan).with_status(as_at).order_by()
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
