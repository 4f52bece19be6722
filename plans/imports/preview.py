"""Match validated rows with the existing plan and say what an import will do and lose.

Objectives match by pillar and number (or by title when unnumbered); actions by their text within
their objective, compared with ``text.match_key`` so that curly/straight quotes, dashes, spacing and
case do not make a new action. What a row leaves blank is left as the plan has it, unless the user
asked blanks to clear (``report.clear_blanks``). Every loss of information (a RAG downgraded,
completion undone, owners or drivers removed, a due date cleared, a new action that nearly
duplicates an existing one) is listed in ``report.losses``.
"""

import difflib

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..choices import RAG
from ..models import Action, Objective, Owner, Pillar, StatusUpdate
from ..services import validate_change
from .layout import COLUMN_LABELS
from .report import Change
from .text import match_key


def status_word(rag, completed):
    return "Complete" if completed else RAG(rag).label


def _label(text):
    return text if len(text) <= 90 else text[:87] + "…"


class Differ:
    def __init__(self, planned, plan, borough, report):
        self.planned, self.plan, self.borough, self.report = planned, plan, borough, report
        self.objectives = list(Objective.objects.filter(plan=plan).select_related("pillar")) if plan else []
        self.resolved = {}

    def run(self):
        if self.plan is None:
            self.report.created.append(Change("plan", f"{self.borough.name} Trust and Confidence Plan"))
        self.resolve_objectives()
        actions, comments = self.existing_actions()
        owners_now = {o.key for o in Owner.objects.filter(borough=self.borough)}
        new_owner_keys, positions, matched = set(), {}, set()
        for item in self.planned:
            row = item.row
            target = self.resolved[item.objective_key]
            positions[item.objective_key] = item.position = positions.get(item.objective_key, 0) + 1
            for parsed in item.owner_keys:
                if parsed.key not in owners_now and parsed.key not in new_owner_keys:
                    new_owner_keys.add(parsed.key)
                    self.report.created.append(Change("owner", parsed.label, sheet=row.sheet, row=row.row))
            existing = None
            if target["existing"] is not None:
                existing = actions.get((target["existing"].pk, match_key(row.text)))
            item.existing = existing
            if existing is None:
                self.new_action(item, target, actions)
                continue
            matched.add(existing.pk)
            details = self.action_changes(item, existing, comments.get(existing.pk, set()))
            bucket = self.report.changed if details else self.report.unchanged
            bucket.append(Change("action", _label(row.text), details, row.sheet, row.row))
        for action in actions.values():
            if action.pk not in matched:
                self.report.left_alone.append(Change("action", str(action)))

    def resolve_objectives(self):
        """The objective of each planned row: a current one of the same pillar and number, or of
        the same title when the row gives no number; else a new one (the next number of its
        pillar, after the retired ones too). A retired objective's number is never used again:
        a row naming it is a problem, and a title takes a new objective."""
        by_number = {(o.pillar.name if o.pillar else "", o.number): o for o in self.objectives}
        by_title = {
            (o.pillar.name if o.pillar else "", match_key(o.title)): o
            for o in self.objectives
            if o.retired_at is None
        }
        pillars = {p.name: p for p in Pillar.objects.all()}
        next_number = {}
        for o in self.objectives:
            key = o.pillar.name if o.pillar else ""
            next_number[key] = max(next_number.get(key, 0), o.number)
        retired = {}  # objective key → the retired objective its number names: each row is told
        for item in self.planned:
            row, okey = item.row, item.objective_key
            if okey in self.resolved:
                if okey in retired:
                    self.retired_number(row, retired[okey])
                continue
            if row.objective_number is not None:
                match = by_number.get((row.pillar, row.objective_number))
                if match is not None and match.retired_at is not None:
                    retired[okey] = match
                    self.retired_number(row, match)
                    match = None
            else:
                match = by_title.get((row.pillar, match_key(row.objective_title)))
            number = row.objective_number
            if match is None and number is None:
                next_number[row.pillar] = number = next_number.get(row.pillar, 0) + 1
            elif match is not None:
                number = match.number
            self.resolved[okey] = {"existing": match, "pillar": pillars[row.pillar], "number": number}
            label = f"{row.pillar} {number}. {row.objective_title}"
            if match is None:
                self.report.created.append(Change("objective", label, sheet=row.sheet, row=row.row))
            elif match_key(match.title) != match_key(row.objective_title):
                self.report.changed.append(
                    Change("objective", label, [f"title was '{match.title}'"], row.sheet, row.row)
                )

    def retired_number(self, row, objective):
        """A problem: ``row`` names ``objective`` by its number, and it was retired."""
        when = timezone.localtime(objective.retired_at)
        self.report.add(
            row.sheet,
            row.row,
            "Objective",
            f"objective {row.pillar} {objective.number} ({objective.title}) was taken out of the plan on "
            f"{when:%d %b %Y}; its number is not used again",
            "the number of a current objective, or a new number",
        )

    def existing_actions(self):
        actions, comments = {}, {}
        if self.plan:
            qs = Action.objects.live().filter(objective__plan=self.plan).prefetch_related("owners", "drivers")
            for action in qs.select_related("objective"):
                actions[(action.objective_id, match_key(action.text))] = action
            notes = StatusUpdate.objects.filter(action__objective__plan=self.plan).values_list(
                "action_id", "commentary"
            )
            for action_id, note in notes:
                comments.setdefault(action_id, set()).add(note)
        return actions, comments

    def new_action(self, item, target, actions):
        row = item.row
        status = status_word(item.new_rag, bool(item.completed))
        self.report.created.append(
            Change("action", _label(row.text), [f"status {status}"], row.sheet, row.row)
        )
        if target["existing"] is None:
            return
        key = match_key(row.text)
        for (objective_id, text), action in actions.items():
            if (
                objective_id == target["existing"].pk
                and difflib.SequenceMatcher(None, key, text).ratio() > 0.85
            ):
                self.report.losses.append(
                    Change(
                        "action",
                        _label(row.text),
                        [
                            f"nearly the same as the existing action “{_label(action.text)}”: "
                            "it would be a second action"
                        ],
                        row.sheet,
                        row.row,
                    )
                )
                return

    def status_fields(self, item, existing, seen_comments):
        """The apply_status_update keyword arguments for an existing action (empty if none)."""
        fields = self.status_change(item, existing, seen_comments)
        fields.update(self.due_and_next_steps(item, existing))
        return fields

    def status_change(self, item, existing, seen_comments):
        """RAG, completion and commentary: a change of status always carries a comment."""
        row, fields = item.row, {}
        rag = item.rag or existing.rag
        if item.rag is None and item.rag_blank and self.report.clear_blanks and not item.completed:
            rag = RAG.NOT_RATED
        completed = existing.completed if item.completed is None else item.completed
        comment = row.commentary if row.commentary and row.commentary not in seen_comments else ""
        if rag != existing.rag or completed != existing.completed:
            fields["rag"], fields["completed"] = rag, completed
            if not comment:
                comment = (
                    f"Imported from {self.report.filename or 'a plan file'}: "
                    f"{status_word(existing.rag, existing.completed)} → {status_word(rag, completed)}."
                )
        if comment:
            fields["commentary"] = comment
        return fields

    def due_and_next_steps(self, item, existing):
        """The due date (cleared by a blank cell only when blanks clear) and the next steps."""
        row, fields = item.row, {}
        if item.due is not None and item.due != existing.due_date:
            fields["due_date"] = item.due
        elif item.due is None and existing.due_date and self.report.clear_blanks and "due" in row.cells:
            fields["due_date"] = None
        if row.next_steps and row.next_steps != existing.next_steps:
            fields["next_steps"] = row.next_steps
        return fields

    def action_changes(self, item, existing, seen_comments):
        """What the import changes of an existing action, as words for the preview; the changes
        that lose something go to ``report.losses`` and invalid values to the report's problems."""
        row = item.row
        fields = item.status_fields = self.status_fields(item, existing, seen_comments)
        details, losses = [], []
        if fields:
            self.validate_fields(row, existing, fields)
        _field_changes(existing, fields, details, losses)
        self.owner_changes(item, existing, details, losses)
        self.driver_changes(item, existing, details, losses)
        if losses:
            self.report.losses.append(Change("action", _label(row.text), losses, row.sheet, row.row))
        return details

    def validate_fields(self, row, existing, fields):
        try:
            validate_change(action=existing, **fields)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.report.add(
                    row.sheet, row.row, COLUMN_LABELS.get(name, name), " ".join(messages), "a valid value"
                )

    def owner_changes(self, item, existing, details, losses):
        row = item.row
        item.replace_owners = item.owners_given or (self.report.clear_blanks and row.has_owners_col)
        before = {o.key: o.label for o in existing.owners.all()}
        wanted = {p.key for p in item.owner_keys}
        if item.replace_owners and set(before) != wanted:
            details.append("owners → " + ("; ".join(p.label for p in item.owner_keys) or "none"))
            removed = [label for key, label in before.items() if key not in wanted]
            if removed:
                losses.append("owners removed: " + "; ".join(removed))

    def driver_changes(self, item, existing, details, losses):
        row = item.row
        item.replace_drivers = item.drivers_given or (self.report.clear_blanks and row.has_drivers_col)
        drivers = {d.pk: d.name for d in existing.drivers.all()}
        if item.replace_drivers and set(drivers) != set(item.driver_ids):
            details.append("drivers")
            removed = [name for pk, name in drivers.items() if pk not in item.driver_ids]
            if removed:
                losses.append("drivers removed: " + "; ".join(removed))


def _field_changes(existing, fields, details, losses):
    """Words for the status, commentary, due date and next steps the import changes."""
    if "rag" in fields:
        before, after = (
            status_word(existing.rag, existing.completed),
            status_word(fields["rag"], fields["completed"]),
        )
        details.append(f"status {before} → {after}")
        if existing.completed and not fields["completed"] or fields["rag"] == RAG.NOT_RATED != existing.rag:
            losses.append(f"status {before} → {after}")
    if "commentary" in fields and "rag" not in fields:
        details.append("new commentary")
    if "due_date" in fields:
        details.append(f"due {existing.due_date or '—'} → {fields['due_date'] or '—'}")
        if fields["due_date"] is None:
            losses.append(f"due date {existing.due_date} cleared")
    if "next_steps" in fields:
        details.append("next steps")
