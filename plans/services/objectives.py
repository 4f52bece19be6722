"""Plans written in the browser: a borough editor adds, renames, reorders and retires the
objectives of their own borough's plan. The same rules as the actions' writes
(``plans.services.plan_editing``): keyword-only, permission through ``plans.scope``, validation
first, one transaction, a ``PlanChange`` per change (who, when, before, after).

Objectives are numbered within their pillar (``M1``, ``M2`` …); a retired objective keeps its
number, so a reference is never given to two objectives. Two editors renaming one objective: the
rename carries the title the editor saw and is refused (``TitleConflict``) if it changed since.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import Objective, Pillar
from ..refs import objective_ref
from .plan_editing import record_changes, refuse_retired, reorder, require_editor

TITLE_LIMIT = 500


class TitleConflict(Exception):
    """The objective was renamed since the editor opened it; ``objective`` is its current state."""

    def __init__(self, objective):
        self.objective = objective
        super().__init__(f"Renamed by someone else since you opened this page: now {objective.title!r}.")


def _clean_title(title):
    title = " ".join(str(title or "").split())
    if not title:
        raise ValidationError({"title": "Write the objective."})
    if len(title) > TITLE_LIMIT:
        raise ValidationError(
            {"title": f"Too long: at most {TITLE_LIMIT} characters (this has {len(title)})."}
        )
    return title


def objective_create(*, user, plan, pillar, title):
    """Add an objective at the end of ``pillar`` (a Pillar) in ``plan``, numbered after every
    objective of that pillar, retired ones included. Raises PermissionDenied or ValidationError
    (per field). Returns the Objective."""
    require_editor(user, plan)
    title = _clean_title(title)
    if not isinstance(pillar, Pillar):
        raise ValidationError({"pillar": "Choose a pillar."})
    now = timezone.now()
    with transaction.atomic():
        last = Objective.objects.filter(plan=plan, pillar=pillar).aggregate(n=Max("number"))["n"] or 0
        objective = Objective(plan=plan, pillar=pillar, number=last + 1, title=title)
        objective._history_user = user
        objective.save()
        record_changes(user=user, objective=objective, action=None, changes=[("created", "", title)], at=now)
    return objective


def objective_update(*, user, objective, seen_title, title):
    """Rename ``objective``. ``seen_title``: the title the editor's form was built from. Raises
    PermissionDenied, ValidationError (per field; retired) or TitleConflict (renamed since);
    nothing is written then. Returns True when the title changed."""
    require_editor(user, objective.plan)
    refuse_retired(objective, "objective")
    title = _clean_title(title)
    with transaction.atomic():
        current = Objective.objects.select_for_update().get(pk=objective.pk)
        if current.title != seen_title:
            raise TitleConflict(current)
        if title == current.title:
            return False
        current.title = title
        current._history_user = user
        current.save(update_fields=["title"])
        record_changes(
            user=user,
            objective=current,
            action=None,
            changes=[("title", seen_title, title)],
            at=timezone.now(),
        )
    objective.title = title
    return True


def objective_move(*, user, objective, direction):
    """Move ``objective`` one place up or down among the current objectives of its pillar: the
    two trade numbers (and so references). Raises PermissionDenied or ValidationError. Returns
    True when something moved."""
    require_editor(user, objective.plan)
    refuse_retired(objective, "objective")
    with transaction.atomic():
        siblings = list(
            Objective.objects.filter(
                plan_id=objective.plan_id, pillar_id=objective.pillar_id, retired_at__isnull=True
            )
            .select_for_update(of=("self",))
            .select_related("pillar")
            .order_by("number")
        )
        current = next(o for o in siblings if o.pk == objective.pk)
        ordered = reorder(siblings, current, direction)
        moved = [(o, s.number) for o, s in zip(ordered, siblings, strict=True) if o.pk != s.pk]
        if not moved:
            return False
        now = timezone.now()
        spare = (Objective.objects.filter(plan_id=objective.plan_id).aggregate(n=Max("number"))["n"] or 0) + 1
        for offset, (item, _) in enumerate(moved):  # out of the way of the unique numbers first
            Objective.objects.filter(pk=item.pk).update(number=spare + offset)
        for item, number in moved:
            before = objective_ref(item)
            Objective.objects.filter(pk=item.pk).update(number=number)
            item.number = number
            record_changes(
                user=user,
                objective=item,
                action=None,
                changes=[("number", before, objective_ref(item))],
                at=now,
            )
    return True


def objective_retire(*, user, objective):
    """Take ``objective`` out of the plan from now on (never deleted). Refused (ValidationError)
    while it has current actions: retire them or move them to another objective first. Raises
    PermissionDenied otherwise refused. Returns the objective."""
    require_editor(user, objective.plan)
    refuse_retired(objective, "objective")
    live = objective.actions.live().count()
    if live:
        raise ValidationError(
            f"Objective {objective_ref(objective)} still has {live} current "
            f"action{'s' if live != 1 else ''}: "
            "retire them or move them to another objective first."
        )
    now = timezone.now()
    with transaction.atomic():
        objective.retired_at = now
        objective._history_user = user
        objective.save(update_fields=["retired_at"])
        record_changes(
            user=user,
            objective=objective,
            action=None,
            changes=[("retired", "in the plan", "retired")],
            at=now,
        )
    return objective
