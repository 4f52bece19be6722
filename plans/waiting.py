"""What waits on a user: the top of their home page and the count in the navigation.

``waiting_for(user)`` returns the user's sections, each a short list (at most ``limit`` items)
with the total behind it:

- a borough editor or plan lead: open challenges to answer (soonest due first), the last
  ended quarter's return still to submit and any return sent back, stale actions they own;
- a borough commander: returns submitted by someone else and waiting for their sign-off;
- oversight: borough answers to read (answered challenges) and answers overdue (open
  challenges past their due date);
- a force editor: activities of the force-wide plan not reviewed within the review interval.

``waiting_total(user)`` gives the sum of the totals in one query (plus one for the plans'
review intervals when the user has stale actions to count), for the navigation.
Everything is scoped: an editor sees only their boroughs' work, a commander only their
boroughs' returns.
"""

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Func, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from .choices import ChallengeStatus, MembershipRole, ReturnStatus, Role
from .models import Action, Challenge, Plan, QuarterlyReturn
from .quarters import Quarter
from .querysets import review_lengths
from .scope import scope_for

EDITING_ROLES = (MembershipRole.EDITOR, MembershipRole.LEAD)


@dataclass
class Item:
    """One thing to do: what, where (a link), and when it is due (None if no date)."""

    title: str
    url: str
    due: dt.date | None = None
    overdue: bool = False
    detail: str = ""


@dataclass
class Section:
    """A kind of work waiting: a heading, up to ``limit`` items, the total, a link to all."""

    key: str
    heading: str
    items: list = field(default_factory=list)
    total: int = 0
    more_url: str = ""


def _memberships(user):
    """{membership role: [borough ids]} of the user (read with the user's scope: no query)."""
    found = {}
    for borough_id, role in sorted(scope_for(user).memberships):
        found.setdefault(role, []).append(borough_id)
    return found


def _counts_stale(user):
    """Whether the user's waiting work counts stale actions (they edit a borough's plan or the
    force-wide one): its statement then depends on the plans' review intervals."""
    scope = scope_for(user)
    member = _memberships(user) if scope.edit_borough_ids else {}
    return any(member.get(role) for role in EDITING_ROLES) or Role.FORCE_EDITOR in scope.roles


def _querysets(user, *, today, now, lengths=None):
    """{section key: queryset} of the user's waiting work (unevaluated). ``lengths``: the plans'
    review intervals (days), when read already (else read once, if stale actions are counted)."""
    scope = scope_for(user)
    sets = {}
    member = _memberships(user) if scope.edit_borough_ids else {}
    editing = sorted({b for role in EDITING_ROLES for b in member.get(role, [])})
    counts_stale = _counts_stale(user)
    if counts_stale and lengths is None:
        lengths = review_lengths()
    if editing:
        sets["challenges"] = Challenge.objects.filter(plan__borough__in=editing, status=ChallengeStatus.OPEN)
        quarter = Quarter.last_ended(today)
        ended = QuarterlyReturn.objects.filter(
            plan=OuterRef("pk"), fy_start_year=quarter.fy_start_year, quarter=quarter.quarter
        )
        sets["to_submit"] = Plan.objects.filter(borough__in=editing).exclude(
            pk__in=Subquery(ended.order_by().values("plan_id"))  # no ordering (nor its joins) in a test
        )
        sets["sent_back"] = QuarterlyReturn.objects.filter(
            plan__borough__in=editing, status=ReturnStatus.SENT_BACK
        )
    if counts_stale:
        mine = Action.objects.filter(
            pk__in=Subquery(Action.owners.through.objects.filter(owner__user=user).values("action_id"))
        )
        sets["my_stale"] = mine.with_status().stale(now, lengths=lengths)
    commanding = member.get(MembershipRole.COMMANDER)
    if commanding:
        sets["to_sign_off"] = QuarterlyReturn.objects.filter(
            plan__borough__in=commanding, status=ReturnStatus.SUBMITTED
        ).exclude(submitted_by=user)
    if Role.OVERSIGHT in scope.roles:
        sets["answers"] = Challenge.objects.filter(status=ChallengeStatus.ANSWERED)
        sets["overdue_answers"] = Challenge.objects.filter(status=ChallengeStatus.OPEN, due_date__lt=today)
    if Role.FORCE_EDITOR in scope.roles:
        sets["force_stale"] = (
            Action.objects.filter(objective__plan__borough__isnull=True)
            .with_status()
            .stale(now, lengths=lengths)
        )
    return sets


def _count_sql(queryset):
    """The SQL and parameters counting the rows of ``queryset``; a zero when nothing can match
    (a filter on an empty list), as the ORM writes an empty subquery."""
    try:
        return queryset.order_by().values(n=Func("pk", function="COUNT")).query.sql_with_params()
    except EmptyResultSet:
        return "SELECT 0", ()


def _statement(sets):
    """(SQL, parameters, database alias) counting every queryset of ``sets`` in one query: each
    count a scalar subquery compiled on its own (nothing to relabel against an outer table)."""
    parts, params = [], []
    for queryset in sets.values():
        sql, values = _count_sql(queryset)
        parts.append(f"({sql})")
        params.extend(values)
    return f"SELECT {', '.join(parts)}", params, next(iter(sets.values())).db


def _totals(sets):
    """{section key: row count} for every queryset of ``sets``, in one query."""
    if not sets:
        return {}
    sql, params, alias = _statement(sets)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {key: count or 0 for key, count in zip(sets, row, strict=True)}


# The navigation's statement of each kind of user (user, scope, day, review intervals), kept in
# the process; the least recently used is dropped beyond the limit.
_statements = OrderedDict()
_statements_lock = threading.Lock()
MAX_KEPT_STATEMENTS = 2000
# The moment the kept statements are built for: their last-review bounds are this moment less a
# number of days, and move with the clock when used. Its odd microseconds cannot be mistaken for
# any other parameter. Each statement is checked once when built: moved to ``_CHECKED_AT`` it must
# be what compiling at that moment gives, or it is not kept (a parameter this module does not know
# how to move: compiled afresh on every page, as before).
_BUILT_AT = dt.datetime(1971, 3, 7, 5, 41, 13, 271_829, tzinfo=dt.UTC)
_CHECKED_AT = dt.datetime(1983, 11, 19, 17, 2, 47, 613_907, tzinfo=dt.UTC)


@dataclass(frozen=True)
class _Kept:
    """A compiled count: SQL ("" when nothing is counted), parameters, database alias,
    ``moments`` ({parameter position: days before now}) for the parameters that are "now less so
    many days", and whether it may be used at any moment (``movable``: it passed the check)."""

    sql: str
    params: tuple
    alias: str
    moments: dict
    movable: bool = True


def _compiled(user, *, today, now, lengths):
    """(SQL, parameters, alias) counting the user's waiting work at ``now``, or None."""
    sets = _querysets(user, today=today, now=now, lengths=set(lengths))
    return _statement(sets) if sets else None


def _kept_statement(user, *, today, lengths):
    """The user's counting statement for ``today`` and the review intervals ``lengths`` (a
    tuple of days; () when none are counted), built at ``_BUILT_AT``, checked at ``_CHECKED_AT``
    and kept (a ``_Kept``; its ``sql`` is "" when nothing is counted for this user). The
    statement depends on nothing else: the user's id (their owned actions, their own returns),
    their scope (roles, memberships), the day (the last ended quarter, what is overdue) and the
    intervals; the key holds each."""
    key = (user.pk, scope_for(user), today, lengths)
    with _statements_lock:
        kept = _statements.get(key)
        if kept is not None:
            _statements.move_to_end(key)
            return kept
    built = _compiled(user, today=today, now=_BUILT_AT, lengths=lengths)
    if built is None:
        kept = _Kept("", (), "", {})
    else:
        sql, params, alias = built
        ops = connections[alias].ops
        offsets = {d * n for d in lengths for n in (1, 2)}  # stale, and stale twice over (escalated)
        bounds = {ops.adapt_datetimefield_value(_BUILT_AT - dt.timedelta(days=d)): d for d in offsets}
        moments = {i: bounds[p] for i, p in enumerate(params) if _hashable(p) and p in bounds}
        kept = _Kept(sql, tuple(params), alias, moments)
        checked = _compiled(user, today=today, now=_CHECKED_AT, lengths=lengths)
        if checked is None or checked[:2] != (sql, _moved(kept, _CHECKED_AT)):
            kept = _Kept(sql, tuple(params), alias, moments, movable=False)
    with _statements_lock:
        _statements[key] = kept
        while len(_statements) > MAX_KEPT_STATEMENTS:
            _statements.popitem(last=False)
    return kept


def _moved(kept, now):
    """The parameters of ``kept`` (a _Kept) with its last-review bounds moved to ``now``."""
    params = list(kept.params)
    ops = connections[kept.alias].ops
    for position, days in kept.moments.items():
        params[position] = ops.adapt_datetimefield_value(now - dt.timedelta(days=days))
    return params


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def waiting_total(user, *, today=None, now=None):
    """The number of things waiting on the user (the sum of ``waiting_for``'s totals at ``now``,
    an aware datetime, default the present; a naive one is read in the project's time zone, as
    the ORM reads it): one query, plus one for the plans' review intervals when stale actions are
    counted. The statement is the kept one of the user (``_kept_statement``) with its last-review
    bounds moved to ``now``: the same SQL and parameters ``waiting_for`` would compile (a test
    compares them); compiled afresh when it could not be kept."""
    if not user.is_authenticated:
        return 0
    today = today or timezone.localdate()
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    lengths = tuple(sorted(review_lengths())) if _counts_stale(user) else ()
    kept = _kept_statement(user, today=today, lengths=lengths)
    if not kept.sql:
        return 0
    sql, params = (
        (kept.sql, _moved(kept, now))
        if kept.movable
        else _compiled(user, today=today, now=now, lengths=lengths)[:2]
    )
    with connections[kept.alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return sum(count or 0 for count in row)


def _challenge_item(challenge, today):
    where = f"{challenge.plan.borough}" + (f", action: {challenge.action}" if challenge.action_id else "")
    return Item(
        title=str(challenge),
        url=reverse("challenge-detail", args=[challenge.pk]),
        due=challenge.due_date,
        overdue=bool(challenge.due_date and challenge.due_date < today),
        detail=where,
    )


def _return_item(ret, verb):
    return Item(
        title=f"{ret.plan.borough}: the {ret.label} return {verb}",
        url=reverse("return-detail", args=[ret.pk]),
        detail=f"submitted by {ret.submitted_by}" if ret.submitted_by_id else "",
    )


def _action_item(action):
    reviewed = (
        f"last reviewed {action.eff_reviewed_at:%d %b %Y}" if action.eff_reviewed_at else "never reviewed"
    )
    return Item(
        title=str(action),
        url=reverse("action-detail", args=[action.pk]),
        due=action.due_date,
        detail=f"{action.objective.plan.borough or 'Force-wide plan'}; {reviewed}",
    )


def _items(key, qs, *, today, limit):
    """The first ``limit`` items of a section, soonest due or oldest first."""
    if key in ("challenges", "answers", "overdue_answers"):
        rows = qs.select_related("plan__borough", "action").order_by(
            F("due_date").asc(nulls_last=True), "raised_at"
        )
        return [_challenge_item(c, today) for c in rows[:limit]]
    if key == "to_submit":
        quarter = Quarter.last_ended(today)
        return [
            Item(
                title=f"{plan.borough}: submit the {quarter.label} return",
                url=reverse("borough-returns", args=[plan.borough.slug]),
                due=None,
                detail=f"the quarter ended on {quarter.end:%d %B %Y}",
            )
            for plan in qs.select_related("borough")[:limit]
        ]
    if key in ("sent_back", "to_sign_off"):
        verb = "was sent back: correct and resubmit it" if key == "sent_back" else "waits for your sign-off"
        rows = qs.select_related("plan__borough", "submitted_by").order_by("fy_start_year", "quarter")
        return [_return_item(r, verb) for r in rows[:limit]]
    rows = qs.select_related("objective__plan__borough").order_by(
        F("eff_reviewed_at").asc(nulls_first=True), "pk"
    )
    return [_action_item(a) for a in rows[:limit]]


HEADINGS = {
    "challenges": "Challenges to answer",
    "to_submit": "Quarterly returns to submit",
    "sent_back": "Returns sent back to you",
    "my_stale": "Actions you own that need a review",
    "to_sign_off": "Returns to sign off",
    "answers": "Borough answers to read",
    "overdue_answers": "Answers overdue",
    "force_stale": "Force-wide activities not reviewed",
}


def _more_url(key):
    challenges = reverse("challenge-list")
    return {
        "challenges": challenges + "?status=open&mine=1",
        "answers": challenges + "?status=answered",
        "overdue_answers": challenges + "?status=open",
        "my_stale": reverse("action-list") + "?stale=true",
        "force_stale": reverse("force-plan"),
    }.get(key, "")


def waiting_for(user, *, today=None, now=None, limit=10):
    """The user's waiting work as a list of Sections (only those with something in them), in
    the order of HEADINGS. A fixed number of queries whatever the data: one for the totals,
    one per non-empty section, and the plans' review intervals once."""
    today = today or timezone.localdate()
    sets = _querysets(user, today=today, now=now or timezone.now())
    totals = _totals(sets)
    sections = []
    for key in HEADINGS:
        if not totals.get(key):
            continue
        sections.append(
            Section(
                key=key,
                heading=HEADINGS[key],
                items=_items(key, sets[key], today=today, limit=limit),
                total=totals[key],
                more_url=_more_url(key),
            )
        )
    return sections
