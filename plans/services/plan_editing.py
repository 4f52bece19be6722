"""Plans written in the browser: a borough editor adds, edits, reorders and retires the actions of
their own borough's plan (objectives: ``plans.services.objectives``).

Every function is keyword-only; checks permission with ``plans.scope.require(user, EDIT_PLAN,
plan)`` (a 403, logged, for anyone but the borough's editors and administrators); validates
everything first (ValidationError per field, nothing written); and writes in one transaction
with a ``PlanChange`` row per changed field (who, when, before, after), shown on the action
page, beside django-simple-history's record of the action. An action is never deleted: retiring
it takes it out of the plan from that moment (``ActionQuerySet.live``) and keeps it, with its
history, in the plan as at any earlier date and in the status history export.

Two editors of one action: an edit carries the action's ``version`` the editor saw; the write
claims ``version + 1`` with a conditional UPDATE, so a second save against the same version
raises ``EditConflict`` (their changes since, for the page to show beside the user's input) and
writes nothing. Status updates (``plans.services.status``) share the version.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from drivers.models import Driver

from ..choices import RAG, UpdateSource
from ..models import Action, Objective, Owner, PlanChange, StatusUpdate
from ..owners import parse_owners
from ..refs import action_ref
from ..scope import EDIT_PLAN, require
from .first_status import record_initial_status
from .status import StaleVersion
from .text import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE, clean_text

FIRST_COMMENT = "Added to the plan in TrustPlan."
UP, DOWN = "up", "down"


class EditConflict(StaleVersion):
    """The action changed since the editor opened it; nothing was saved.

    ``action`` is its current state, ``newer_changes`` the PlanChange rows and ``newer_updates``
    the StatusUpdate rows written after ``seen_version``, newest first."""

    def __init__(self, action, seen_version):
        super().__init__(
            action,
            seen_version,
            StatusUpdate.objects.filter(action=action, version__gt=seen_version).order_by("-version"),
        )
        self.newer_changes = list(
            PlanChange.objects.filter(action=action, version__gt=seen_version).order_by("-created_at", "-id")
        )


def display_name(user):
    """How the history names ``user``: full name, else username."""
    return user.get_full_name() or user.get_username()


def shown(value):
    """A field's value as the change history shows it (text; owners and drivers "; "-joined)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return "; ".join(sorted(str(v) for v in value))
    return str(value)


def record_changes(*, user, objective, action, changes, at, version=None):
    """Write one PlanChange per ``(field, before, after)`` of ``changes`` (inside the caller's
    transaction)."""
    PlanChange.objects.bulk_create(
        PlanChange(
            objective=objective,
            action=action,
            author=user,
            author_name=display_name(user),
            created_at=at,
            field=field,
            before=shown(before),
            after=shown(after),
            version=version,
        )
        for field, before, after in changes
    )


def require_editor(user, plan):
    """Refuse (403, logged) unless ``user`` may edit ``plan`` (a borough's plan)."""
    require(
        user,
        EDIT_PLAN,
        plan,
        message="Only editors of this borough can change its plan.",
        log_text=f"edit plan={plan.pk}",
    )


def refuse_retired(thing, noun):
    if thing.retired_at is not None:
        raise ValidationError(
            f"This {noun} was retired on {timezone.localtime(thing.retired_at):%d %b %Y}: "
            "it stays in the history but can no longer be changed."
        )


def _validate(*, plan, objective, text, owners, new_owners, due_date):
    """Cleaned (text, parsed new owners); ValidationError naming each field otherwise."""
    errors = {}
    text = clean_text(text, field="text", errors=errors)
    if not text and "text" not in errors:
        errors["text"] = "Write the action."
    if objective.plan_id != plan.pk or objective.retired_at is not None:
        errors["objective"] = f"Choose a current objective of {plan}."
    if any(o.borough_id != plan.borough_id for o in owners):
        errors["owners"] = f"Owners must be owners of {plan.borough}'s plan."
    parsed = parse_owners(clean_text(new_owners, field="new_owners", errors=errors))
    if not owners and not parsed and "new_owners" not in errors:
        errors["owners"] = "Name at least one owner: pick one or add one."
    if due_date is not None and not (EARLIEST_DATE <= due_date <= LATEST_DATE):
        errors["due_date"] = DATE_RANGE_MESSAGE
    if errors:
        raise ValidationError(errors)
    return text, parsed


def _owners_named(borough, parsed):
    """The borough's Owner of each parsed name, created when the plan has none by that key."""
    return [
        Owner.objects.get_or_create(
            borough=borough,
            key=p.key,
            defaults={"label": p.label, "rank": p.rank, "name": p.name, "team": p.team},
        )[0]
        for p in parsed
    ]


def _next_position(objective):
    return (objective.actions.aggregate(n=Max("position"))["n"] or 0) + 1


def action_create(*, user, objective, text, owners=(), new_owners="", drivers=(), due_date=None):
    """Add an action at the end of ``objective``; its first status is Not rated, by ``user``.

    ``owners``: Owner rows of the plan's borough; ``new_owners``: owners as the plan would name
    them ("Supt Brockway and CI Barnes"), created (or found by key) in the borough; ``drivers``:
    Driver rows; ``due_date``: a date or None. Raises PermissionDenied (not an editor of the
    objective's borough) or ValidationError (per field); nothing is written then. Returns the
    Action.
    """
    plan = objective.plan
    require_editor(user, plan)
    owners, drivers = list(owners), [d for d in drivers if isinstance(d, Driver)]
    text, parsed = _validate(
        plan=plan, objective=objective, text=text, owners=owners, new_owners=new_owners, due_date=due_date
    )
    now = timezone.now()
    with transaction.atomic():
        owners = [*owners, *_owners_named(plan.borough, parsed)]
        action = Action(
            objective=objective,
            position=_next_position(objective),
            text=text,
            due_date=due_date,
            created_at=now,
        )
        action._history_user = user
        action._change_reason = "created in the browser"
        action.save()
        action.owners.set(owners)
        action.drivers.set(drivers)
        record_initial_status(
            action=action,
            rag=RAG.NOT_RATED,
            commentary=FIRST_COMMENT,
            author_name=display_name(user),
            at=now,
            source=UpdateSource.PAGE,
        )
        record_changes(
            user=user, objective=objective, action=action, changes=[("created", "", text)], at=now, version=1
        )
    return action


def _field_changes(action, *, objective, text, owners, drivers, due_date):
    """[(field, before, after)] of what an edit changes, in the order of the form."""
    before_owners = {o.label for o in action.owners.all()}
    before_drivers = {d.name for d in action.drivers.all()}
    candidates = [
        ("objective", action.objective, objective),
        ("text", action.text, text),
        ("owners", before_owners, {o.label for o in owners}),
        ("drivers", before_drivers, {d.name for d in drivers}),
        ("due_date", action.due_date, due_date),
    ]
    return [(field, before, after) for field, before, after in candidates if before != after]


def action_update(
    *, user, action, seen_version, text, objective=None, owners=(), new_owners="", drivers=(), due_date=None
):
    """Change an action's text, objective, owners (picked, or added by name), drivers and due date.

    ``seen_version``: the action's version the editor's form was built from. Raises
    PermissionDenied (not an editor of its borough), ValidationError (per field, or a retired
    action) or EditConflict (changed by someone else since ``seen_version``); nothing is written
    then. Returns the list of changed field names (empty: nothing changed, nothing written). A
    move to another objective puts the action at its end.
    """
    plan = action.objective.plan
    require_editor(user, plan)
    refuse_retired(action, "action")
    objective = objective or action.objective
    owners, drivers = list(owners), [d for d in drivers if isinstance(d, Driver)]
    text, parsed = _validate(
        plan=plan, objective=objective, text=text, owners=owners, new_owners=new_owners, due_date=due_date
    )
    with transaction.atomic():
        if not Action.objects.filter(pk=action.pk, version=seen_version).update(version=seen_version + 1):
            raise EditConflict(Action.objects.get(pk=action.pk), seen_version)
        action.refresh_from_db()
        owners = [*owners, *_owners_named(plan.borough, parsed)]
        changes = _field_changes(
            action, objective=objective, text=text, owners=owners, drivers=drivers, due_date=due_date
        )
        if not changes:
            Action.objects.filter(pk=action.pk).update(version=seen_version)  # the form stays valid
            action.version = seen_version
            return []
        now = timezone.now()
        _apply(action, user=user, objective=objective, text=text, due_date=due_date, changes=changes)
        action.owners.set(owners)
        action.drivers.set(drivers)
        record_changes(
            user=user,
            objective=action.objective,
            action=action,
            changes=changes,
            at=now,
            version=action.version,
        )
    return [field for field, _, _ in changes]


def record_admin_edit(*, user, action, initial):
    """Record as PlanChange rows what an edit in the admin changed of ``action``'s text,
    objective, owners, drivers and due date, against the form's ``initial`` values (the admin has
    already written them, in its own request's transaction). Returns the changed field names."""
    objective = Objective.objects.filter(pk=_pk(initial.get("objective"))).first()
    owners = {o.label for o in Owner.objects.filter(pk__in=[_pk(o) for o in initial.get("owners", [])])}
    drivers = {d.name for d in Driver.objects.filter(pk__in=[_pk(d) for d in initial.get("drivers", [])])}
    candidates = [
        ("objective", objective, action.objective),
        ("text", initial.get("text", ""), action.text),
        ("owners", owners, {o.label for o in action.owners.all()}),
        ("drivers", drivers, {d.name for d in action.drivers.all()}),
        ("due_date", initial.get("due_date"), action.due_date),
    ]
    changes = [(field, old, new) for field, old, new in candidates if old != new]
    record_changes(
        user=user,
        objective=action.objective,
        action=action,
        changes=changes,
        at=timezone.now(),
        version=action.version,
    )
    return [field for field, _, _ in changes]


def _pk(value):
    return getattr(value, "pk", value)


def _apply(action, *, user, objective, text, due_date, changes):
    if objective.pk != action.objective_id:
        action.position = _next_position(objective)
    action.objective, action.text, action.due_date = objective, text, due_date
    action._history_user = user
    action._change_reason = "edited in the browser: " + ", ".join(field for field, _, _ in changes)
    action.save()


def action_retire(*, user, action):
    """Take ``action`` out of its plan from now on; it is never deleted.

    It leaves the review, dashboards, returns and reminders from now; the plan as at any earlier
    date, the status history and its page keep it. Raises PermissionDenied (not an editor of its
    borough) or ValidationError (already retired). Returns the action.
    """
    require_editor(user, action.objective.plan)
    refuse_retired(action, "action")
    now = timezone.now()
    with transaction.atomic():
        claimed = Action.objects.filter(pk=action.pk, retired_at__isnull=True).update(
            retired_at=now, version=F("version") + 1
        )
        if not claimed:
            raise ValidationError("This action was retired a moment ago by someone else.")
        action.refresh_from_db()
        action._history_user = user
        action._change_reason = "retired in the browser"
        action.save(update_fields=["retired_at"])
        record_changes(
            user=user,
            objective=action.objective,
            action=action,
            changes=[("retired", "in the plan", "retired")],
            at=now,
            version=action.version,
        )
    return action


def reorder(items, item, direction):
    """``items`` (in order) with ``item`` moved one place ``direction`` (UP or DOWN); the same
    list when it cannot move further. ValidationError for any other direction."""
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": "Choose to move it up or down."})
    items = list(items)
    at = items.index(item)
    to = at - 1 if direction == UP else at + 1
    if 0 <= to < len(items):
        items[at], items[to] = items[to], items[at]
    return items


def slots(values):
    """The sorted ``values`` made strictly increasing (a repeat becomes the one before plus one)."""
    result = []
    for value in sorted(values):
        result.append(value if not result or value > result[-1] else result[-1] + 1)
    return result


def action_move(*, user, action, direction):
    """Move ``action`` one place up or down among the current actions of its objective.

    Positions (and so references such as "M1.3") of the two actions that trade places change;
    a PlanChange records each. Raises PermissionDenied, ValidationError (bad direction, retired).
    Returns True when something moved.
    """
    require_editor(user, action.objective.plan)
    refuse_retired(action, "action")
    with transaction.atomic():
        siblings = list(
            Action.objects.live()
            .filter(objective_id=action.objective_id)
            .select_for_update(of=("self",))
            .select_related("objective__pillar")
            .order_by("position", "pk")
        )
        current = next(a for a in siblings if a.pk == action.pk)
        ordered = reorder(siblings, current, direction)
        positions = slots(a.position for a in siblings)
        moved = [(a, p) for a, p in zip(ordered, positions, strict=True) if a.position != p]
        now = timezone.now()
        for sibling, position in moved:
            before = action_ref(sibling)
            Action.objects.filter(pk=sibling.pk).update(position=position)
            sibling.position = position
            record_changes(
                user=user,
                objective=sibling.objective,
                action=sibling,
                changes=[("position", before, action_ref(sibling))],
                at=now,
                version=sibling.version,
            )
    return bool(moved)


def objective_choices(plan):
    """The current objectives of ``plan`` an action may belong to, in plan order."""
    return (
        Objective.objects.filter(plan=plan, retired_at__isnull=True)
        .select_related("pillar")
        .order_by("pillar__order", "number")
    )
