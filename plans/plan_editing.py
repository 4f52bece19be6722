"""Plans written in the browser: a borough editor adds an action to an objective of their own
borough's plan, naming its owners (picked, or added as the plan names them), drivers and due
date. The write is keyword-only, checks permission through the scoping chokepoint, validates
everything first and writes in one transaction; django-simple-history keeps the action's text
history (who, when, before and after) from its creation on.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from drivers.models import Driver

from .choices import RAG, UpdateSource
from .models import Action, Objective, Owner
from .owners import parse_owners
from .services import EARLIEST_DATE, LATEST_DATE, clean_text, record_initial_status

FIRST_COMMENT = "Added to the plan in TrustPlan."


def _validate(*, objective, text, owners, new_owners, drivers, due_date):
    errors = {}
    text = clean_text(text, field="text", errors=errors)
    if not text and "text" not in errors:
        errors["text"] = "Write the action."
    borough_id = objective.plan.borough_id
    if any(o.borough_id != borough_id for o in owners):
        errors["owners"] = f"Owners must be owners of {objective.plan.borough}'s plan."
    parsed = parse_owners(clean_text(new_owners, field="new_owners", errors=errors))
    if not owners and not parsed and "new_owners" not in errors:
        errors["owners"] = "Name at least one owner: pick one or add one."
    if due_date is not None and not (EARLIEST_DATE <= due_date <= LATEST_DATE):
        errors["due_date"] = f"Enter a date between {EARLIEST_DATE} and {LATEST_DATE}."
    if errors:
        raise ValidationError(errors)
    return text, parsed


def action_create(*, user, objective, text, owners=(), new_owners="", drivers=(), due_date=None):
    """Add an action at the end of ``objective``; its first status is Not rated, by ``user``.

    ``owners``: Owner rows of the plan's borough; ``new_owners``: owners as the plan would name
    them ("Supt Brockway and CI Barnes"), created (or found by key) in the borough; ``drivers``:
    Driver rows; ``due_date``: a date or None. Raises PermissionDenied (not an editor of the
    objective's borough) or ValidationError (per field); nothing is written then. Returns the
    Action.
    """
    if not Objective.objects.editable_by(user).filter(pk=objective.pk, plan__borough__isnull=False).exists():
        raise PermissionDenied("You can only add actions to your own borough's plan.")
    owners, drivers = list(owners), [d for d in drivers if isinstance(d, Driver)]
    text, parsed = _validate(
        objective=objective,
        text=text,
        owners=owners,
        new_owners=new_owners,
        drivers=drivers,
        due_date=due_date,
    )
    borough = objective.plan.borough
    now = timezone.now()
    with transaction.atomic():
        added = [
            Owner.objects.get_or_create(
                borough=borough,
                key=p.key,
                defaults={"label": p.label, "rank": p.rank, "name": p.name, "team": p.team},
            )[0]
            for p in parsed
        ]
        last = objective.actions.aggregate(n=Max("position"))["n"] or 0
        action = Action(objective=objective, position=last + 1, text=text, due_date=due_date, created_at=now)
        action._history_user = user
        action._change_reason = "created in the browser"
        action.save()
        action.owners.set([*owners, *added])
        action.drivers.set(drivers)
        record_initial_status(
            action=action,
            rag=RAG.NOT_RATED,
            commentary=FIRST_COMMENT,
            author_name=user.get_full_name() or user.get_username(),
            at=now,
            source=UpdateSource.PAGE,
        )
    return action
