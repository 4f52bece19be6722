"""Write paths of the plans app. Pages, the monthly review, admin, API and importers all call
these functions; nothing else writes an action's status.

``apply_status_update`` is the one way an action's RAG, completion, commentary, next steps or
due date change. It checks permission through the scoping chokepoint, checks the version the
user saw, and writes the StatusUpdate row and the action's current state in one transaction,
its row locked from the first read to the write: two concurrent saves cannot both succeed.

``apply_review`` applies a monthly review (many actions of one plan) all or nothing: every row
is checked first, then all are written through the same path in one transaction.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..choices import RAG, UpdateSource, parse_rag
from ..models import Action, Plan, StatusUpdate
from .text import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE, clean_text

security_log = logging.getLogger("trustplan.security")

MIN_COMMENTARY_CHARS = 15
MIN_COMMENTARY_WORDS = 3
UNCHANGED = object()


class StaleVersion(Exception):
    """The action changed since the user loaded it. Carries the current state to show."""

    def __init__(self, action, seen_version, newer_updates):
        self.action = action
        self.seen_version = seen_version
        self.newer_updates = list(newer_updates)
        super().__init__(
            f"This action was changed by someone else (now version {action.version}, "
            f"you saw version {seen_version}). Nothing was saved."
        )


@dataclass
class UpdateResult:
    action: Action
    update: StatusUpdate | None
    changed_fields: list


def validate_change(
    *,
    action,
    rag=UNCHANGED,
    completed=UNCHANGED,
    commentary="",
    next_steps=UNCHANGED,
    due_date=UNCHANGED,
):
    """Normalise and check a requested change. Returns a dict of cleaned values.

    Raises ValidationError with a message per field; nothing is written.
    """
    errors = {}
    cleaned = {}
    if rag is not UNCHANGED:
        try:
            cleaned["rag"] = parse_rag(rag) if rag not in RAG.values else RAG(rag)
        except ValueError as exc:
            errors["rag"] = str(exc)
    if completed is not UNCHANGED:
        if not isinstance(completed, bool):
            errors["completed"] = "Complete must be true or false."
        else:
            cleaned["completed"] = completed
    cleaned["commentary"] = clean_text(commentary, field="commentary", errors=errors)
    if next_steps is not UNCHANGED:
        cleaned["next_steps"] = clean_text(next_steps, field="next_steps", errors=errors)
    if due_date is not UNCHANGED:
        if due_date is not None and not isinstance(due_date, dt.date):
            errors["due_date"] = "Enter a date as YYYY-MM-DD."
        elif due_date is not None and not (EARLIEST_DATE <= due_date <= LATEST_DATE):
            errors["due_date"] = DATE_RANGE_MESSAGE
        else:
            cleaned["due_date"] = due_date
    status_changes = ("rag" in cleaned and cleaned["rag"] != action.rag) or (
        "completed" in cleaned and cleaned["completed"] != action.completed
    )
    words = cleaned["commentary"].split()
    if (
        status_changes
        and "commentary" not in errors
        and (len(cleaned["commentary"]) < MIN_COMMENTARY_CHARS or len(words) < MIN_COMMENTARY_WORDS)
    ):
        errors["commentary"] = (
            "Changing the RAG or completion needs a commentary of at least a sentence "
            f"({MIN_COMMENTARY_WORDS} words, {MIN_COMMENTARY_CHARS} characters) saying why."
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _planned_changes(action, cleaned):
    new_rag = cleaned.get("rag", action.rag)
    new_completed = cleaned.get("completed", action.completed)
    status_changed = new_rag != action.rag or new_completed != action.completed
    changed = []
    if status_changed:
        changed.append("status")
    if cleaned["commentary"]:
        changed.append("commentary")
    if "next_steps" in cleaned and cleaned["next_steps"] != action.next_steps:
        changed.append("next_steps")
    if "due_date" in cleaned and cleaned["due_date"] != action.due_date:
        changed.append("due_date")
    return new_rag, new_completed, changed


def apply_status_update(
    *,
    action,
    user,
    seen_version,
    source=UpdateSource.PAGE,
    rag=UNCHANGED,
    completed=UNCHANGED,
    commentary="",
    next_steps=UNCHANGED,
    due_date=UNCHANGED,
    at=None,
):
    """Apply one update to one action. Keyword-only; see the module docstring.

    Raises PermissionDenied (not the user's borough), ValidationError (bad values, per field),
    or StaleVersion (someone else changed the action). In each case nothing is written.
    Returns an UpdateResult; ``update`` is None when only next steps or due date changed, and
    ``changed_fields`` is empty when nothing changed at all (no row is written then).
    """
    change = dict(
        rag=rag, completed=completed, commentary=commentary, next_steps=next_steps, due_date=due_date
    )
    with transaction.atomic():
        try:
            cleaned = _checked(action, user, seen_version, change)
        except (PermissionDenied, StaleVersion, ValidationError) as exc:
            # Raised once the transaction has ended: it wrote nothing, so it commits, and the
            # connection keeps its prepared statements (psycopg drops them all on a rollback).
            refused = exc
        else:
            return _write(
                action=action,
                user=user,
                seen_version=seen_version,
                cleaned=cleaned,
                source=source,
                at=at,
                locked=True,
            )
    raise refused


def _checked(action, user, seen_version, change):
    """Inside the transaction: ``action`` read again and locked through ``editable_by`` (else
    PermissionDenied, logged), at the version the user saw (else StaleVersion: a stale form is a
    conflict first, its values chosen against a state that is gone), ``change`` valid (else
    ValidationError); returns the cleaned values. A move of the action to another objective,
    committing while this waits for its lock, hides it from the locked read (PostgreSQL checks
    the new row against the old objective): the read runs once more before refusing."""
    editable = Action.objects.editable_by(user)
    if not _lock(action, editable) and not _lock(action, editable):
        security_log.warning("permission denied: user=%s tried to update action=%s", user, action.pk)
        raise PermissionDenied("You can only update actions of your own borough's plan.")
    if action.version != seen_version:
        raise _stale(action.pk, seen_version)
    return validate_change(action=action, **change)


def _lock(action, queryset):
    """Read ``action`` again from ``queryset`` into the instance, its row locked until the
    transaction ends: on PostgreSQL ``FOR NO KEY UPDATE`` of the action's row alone, the lock an
    UPDATE takes (a concurrent writer waits, then reads what this one wrote; another transaction
    checking a foreign key to it does not wait, so a quarter's snapshot built beside it cannot
    deadlock with it); SQLite's IMMEDIATE transaction holds the write lock already. False, and
    nothing read, when ``queryset`` has no such row. Call it inside ``transaction.atomic()``."""
    try:
        action.refresh_from_db(from_queryset=queryset.select_for_update(of=("self",), no_key=True))
    except Action.DoesNotExist:
        return False
    return True


def _write(*, action, user, seen_version, cleaned, source, at, locked=False):
    """Inside a transaction: the action locked at the version the user saw (``locked``: the
    caller has just done so), then the update and the state written. Raises StaleVersion when
    the action is no longer at ``seen_version``. A change that changes nothing writes nothing."""
    if not locked and not _lock(action, Action.objects.filter(version=seen_version)):
        raise _stale(action.pk, seen_version)
    new_rag, new_completed, changed = _planned_changes(action, cleaned)
    if not changed:
        return UpdateResult(action=action, update=None, changed_fields=[])
    now = at or timezone.now()
    update = None
    if "status" in changed or "commentary" in changed:
        update = StatusUpdate.objects.create(
            action=action,
            author=user,
            author_name=_display_name(user),
            created_at=now,
            from_rag=action.rag,
            to_rag=new_rag,
            from_completed=action.completed,
            to_completed=new_completed,
            commentary=cleaned["commentary"],
            version=seen_version + 1,
            source=source,
        )
        action.last_commentary = cleaned["commentary"] or action.last_commentary
        action.last_reviewed_at = now
        action.last_reviewed_by = user
    if new_completed and not action.completed:
        action.completed_on = timezone.localdate(now)
    elif not new_completed:
        action.completed_on = None
    action.rag, action.completed = new_rag, new_completed
    action.next_steps = cleaned.get("next_steps", action.next_steps)
    action.due_date = cleaned.get("due_date", action.due_date)
    action.version = seen_version + 1
    action._change_reason = f"{source}: {', '.join(changed)}"
    action.save()
    return UpdateResult(action=action, update=update, changed_fields=changed)


def _stale(action_pk, seen_version):
    """The StaleVersion for an action whose version moved past ``seen_version``: two queries,
    however many updates came since (each update is given the action read, with its objective,
    plan and borough, which the API's answer names for every update)."""
    current = Action.objects.select_related("objective__plan__borough").get(pk=action_pk)
    newer = list(
        StatusUpdate.objects.filter(action=current, version__gt=seen_version)
        .select_related("author")
        .order_by("-version")
    )
    for update in newer:
        update.action = current
    return StaleVersion(current, seen_version, newer)


class ReviewRefused(Exception):
    """A monthly review was refused as a whole; nothing was written.

    ``errors`` maps an action's pk to ``{field: [messages]}`` (as ValidationError.message_dict);
    ``conflicts`` maps an action's pk to the StaleVersion showing who changed it since.
    """

    def __init__(self, errors, conflicts):
        self.errors = dict(errors)
        self.conflicts = dict(conflicts)
        parts = []
        if self.errors:
            parts.append(f"{len(self.errors)} row(s) need correcting")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} row(s) were changed by someone else")
        super().__init__("; ".join(parts) + ". Nothing was saved.")


@dataclass
class ReviewRow:
    """One row of a monthly review: the action, the version the user saw, and the requested
    change (fields left as UNCHANGED are not touched)."""

    action: Action
    seen_version: int
    rag: object = UNCHANGED
    completed: object = UNCHANGED
    commentary: str = ""
    next_steps: object = UNCHANGED
    due_date: object = UNCHANGED

    def change(self):
        return {
            "rag": self.rag,
            "completed": self.completed,
            "commentary": self.commentary,
            "next_steps": self.next_steps,
            "due_date": self.due_date,
        }


def check_review(*, plan, user, rows):
    """Validate a monthly review without writing anything.

    Returns ``(cleaned, errors, conflicts)``: ``cleaned`` maps each valid row's action pk to its
    cleaned values; ``errors`` and ``conflicts`` are as in ReviewRefused. Raises PermissionDenied
    (logged) if the user may not edit the plan or a row's action is not in the plan.
    """
    rows = list(rows)
    if not Plan.objects.editable_by(user).filter(pk=plan.pk).exists():
        security_log.warning("permission denied: user=%s tried a review of plan=%s", user, plan.pk)
        raise PermissionDenied("You can only review your own borough's plan.")
    versions = dict(
        Action.objects.live()
        .filter(objective__plan=plan, pk__in=[row.action.pk for row in rows])
        .values_list("pk", "version")
    )
    outside = [row.action.pk for row in rows if row.action.pk not in versions]
    if outside:
        security_log.warning(
            "permission denied: user=%s sent actions=%s outside plan=%s in a review", user, outside, plan.pk
        )
        raise PermissionDenied("A review can only change actions of the plan under review.")
    cleaned, errors, stale = {}, {}, []
    for row in rows:
        if versions[row.action.pk] != row.seen_version:
            stale.append(row)
            continue
        try:
            cleaned[row.action.pk] = validate_change(action=row.action, **row.change())
        except ValidationError as exc:
            errors[row.action.pk] = exc.message_dict
    conflicts = {row.action.pk: _stale(row.action.pk, row.seen_version) for row in stale}
    return cleaned, errors, conflicts


def apply_review(*, plan, user, rows, source=UpdateSource.REVIEW):
    """Apply a monthly review: every row (a ReviewRow) or none.

    Every row is validated and version-checked first; if any row is invalid or was changed by
    someone else since the user loaded it, ReviewRefused carries every row's errors and
    conflicts and nothing is written. Otherwise all rows are written in one transaction through
    the same write path as a single update, with one timestamp. A row whose values change
    nothing writes nothing. Returns the UpdateResults of the rows that changed something.
    """
    rows = list(rows)
    cleaned, errors, conflicts = check_review(plan=plan, user=user, rows=rows)
    if errors or conflicts:
        raise ReviewRefused(errors, conflicts)
    now = timezone.now()
    try:
        with transaction.atomic():
            results = [
                _write(
                    action=row.action,
                    user=user,
                    seen_version=row.seen_version,
                    cleaned=cleaned[row.action.pk],
                    source=source,
                    at=now,
                )
                for row in rows
            ]
    except StaleVersion as exc:
        # Someone saved between the check and the write: the whole review was rolled back.
        raise ReviewRefused({}, {exc.action.pk: exc}) from exc
    return [result for result in results if result.changed_fields]


def _display_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""
