"""Write a validated import in one transaction: objectives, owners, actions with first status.

Existing actions change only through ``apply_status_update`` (source Import, by the importing
user); new objectives and actions are written in bulk with their history records and first status
(``initial_status_fields``/``initial_status_row`` of the services, as ``record_initial_status``
writes it). Owners and drivers of an existing action are replaced only when the row names some,
or when the user asked blanks to clear (``PlannedAction.owners_given``/``drivers_given``).
"""

from django.utils import timezone
from django.utils.text import slugify

from ..bulk import history_rows, insert_rows
from ..choices import UpdateSource
from ..models import Action, Objective, Owner, Pillar, Plan, StatusUpdate
from ..owners import ParsedOwner, merge
from ..services import apply_status_update, initial_status_fields, initial_status_row
from .text import match_key


def _unique_plan_slug(borough):
    base = slugify(f"{borough.slug}-trust-and-confidence-plan")[:70]
    slug, n = base, 1
    while Plan.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def write(planned, plan, borough, report, user):
    """Write ``planned`` (validated and diffed) into the borough's plan, creating it if need be."""
    now = timezone.now()
    if plan is None:
        plan = Plan.objects.create(
            slug=_unique_plan_slug(borough),
            borough=borough,
            title=f"{borough.name} Trust and Confidence Plan",
            source=f"Imported from {report.filename or 'a plan file'} by {user}",
        )
    owners = _write_owners(planned, borough)
    objectives = _Objectives(plan, report)
    created = []  # (new action's field values, its planned row, its first status, its objective)
    for item in planned:
        objective = objectives.get(item)
        if item.existing is None:  # created below, in bulk, with its first status
            created.append(_new_action(item, objective, report, now))
        else:
            _update_action(item, owners, user, now)
    history = {"user": user, "change_reason": f"import: {report.filename}", "date": now}
    _create_objectives(objectives.new, history)
    author = user.get_full_name() or user.get_username()
    _create_actions(created, owners, author=author, history=history)
    return plan


def _write_owners(planned, borough):
    """Create the owners the file names and complete known ones; returns {key: Owner}."""
    people = {}
    for item in planned:
        for parsed in item.owner_keys:
            people[parsed.key] = merge(people.get(parsed.key), parsed)
    owners = {o.key: o for o in Owner.objects.filter(borough=borough, key__in=list(people))}
    for key, parsed in people.items():
        owner = owners.get(key)
        if owner is None:
            owners[key] = Owner.objects.create(
                borough=borough,
                key=key,
                label=parsed.label,
                rank=parsed.rank,
                name=parsed.name,
                team=parsed.team,
            )
            continue
        fullest = merge(ParsedOwner(key, owner.label, owner.rank, owner.name, owner.team), parsed)
        values = (fullest.label, fullest.rank, fullest.name, fullest.team)
        if values != (owner.label, owner.rank, owner.name, owner.team):
            owner.label, owner.rank, owner.name, owner.team = values
            owner.save()
    return owners


class _Objectives:
    """The objective of each planned row: an existing one (retitled if need be) or a new one."""

    def __init__(self, plan, report):
        self.plan, self.report = plan, report
        self.pillars = {p.name: p for p in Pillar.objects.all()}
        self.existing = {(o.pillar_id, o.number): o for o in Objective.objects.filter(plan=plan)}
        self.by_title = {  # as the preview matches them: never a retired objective
            (o.pillar_id, match_key(o.title)): o for o in self.existing.values() if o.retired_at is None
        }
        self.numbers = {}
        for o in self.existing.values():
            self.numbers[o.pillar_id] = max(self.numbers.get(o.pillar_id, 0), o.number)
        self.found, self.new = {}, []

    def get(self, item):
        okey, row = item.objective_key, item.row
        if okey in self.found:
            return self.found[okey]
        pillar = self.pillars[row.pillar]
        if row.objective_number is not None:
            objective, number = self.existing.get((pillar.pk, row.objective_number)), row.objective_number
        else:
            objective = self.by_title.get((pillar.pk, match_key(row.objective_title)))
            number = objective.number if objective else None
        if objective is None:
            if number is None:
                self.numbers[pillar.pk] = number = self.numbers.get(pillar.pk, 0) + 1
            objective = Objective(plan=self.plan, pillar=pillar, number=number, title=row.objective_title)
            self.new.append(objective)  # written in bulk, before the actions
            self.existing[(pillar.pk, number)] = objective
        elif match_key(objective.title) != match_key(row.objective_title):
            objective.title = row.objective_title
            objective._change_reason = f"import: {self.report.filename}"
            objective.save()
        self.found[okey] = objective
        return objective


def _new_action(item, objective, report, now):
    row = item.row
    status = {
        "rag": item.new_rag,
        "completed": bool(item.completed),
        "commentary": row.commentary or f"Imported from {report.filename or 'a plan file'}.",
        "at": now,
    }
    values = {
        "position": item.position,
        "text": row.text,
        "due_date": item.due,
        "next_steps": row.next_steps,
        "created_at": now,
        **initial_status_fields(**status),
    }
    return values, item, status, objective


def _update_action(item, owners, user, now):
    action = item.existing
    if item.status_fields:
        apply_status_update(
            action=action,
            user=user,
            seen_version=action.version,
            source=UpdateSource.IMPORT,
            at=now,
            **item.status_fields,
        )
    if action.position != item.position:
        Action.objects.filter(pk=action.pk).update(position=item.position)
    if item.replace_owners:
        action.owners.set([owners[p.key] for p in item.owner_keys])
    if item.replace_drivers:
        action.drivers.set(item.driver_ids)


def _create_objectives(objectives, history):
    """Write new objectives in bulk, each with its history record; sets their primary keys."""
    rows = [
        {
            "plan_id": o.plan_id,
            "pillar_id": o.pillar_id,
            "theme_id": o.theme_id,
            "number": o.number,
            "title": o.title,
        }
        for o in objectives
    ]
    insert_rows(Objective, rows, returning=True)
    insert_rows(Objective.history.model, history_rows(Objective, rows, **history))
    for objective, values in zip(objectives, rows, strict=True):
        objective.pk = values["id"]


def _create_actions(created, owners, *, author, history):
    """Write new actions in bulk: each with its history record, first status and links."""
    if not created:
        return
    rows = []
    for values, _, _, objective in created:
        values["objective_id"] = objective.pk
        rows.append(values)
    insert_rows(Action, rows, returning=True)
    insert_rows(Action.history.model, history_rows(Action, rows, **history))
    insert_rows(
        StatusUpdate,
        [
            initial_status_row(
                action_id=values["id"], author_name=author, source=UpdateSource.IMPORT, **status
            )
            for values, _, status, _ in created
        ],
    )
    insert_rows(
        Action.owners.through,
        [
            {"action_id": values["id"], "owner_id": owners[p.key].pk}
            for values, item, _, _ in created
            for p in item.owner_keys
        ],
    )
    insert_rows(
        Action.drivers.through,
        [
            {"action_id": values["id"], "driver_id": pk}
            for values, item, _, _ in created
            for pk in item.driver_ids
        ],
    )
