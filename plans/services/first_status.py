"""An action's first status, written by loaders (seed, import of a new plan): the current-state
fields and the first StatusUpdate row, one at a time or in bulk. No permission check: no user is
acting (management commands and imports run with the operator's or importer's authority)."""

from django.utils import timezone

from ..models import Action, StatusUpdate


def initial_status_fields(*, rag, completed, commentary, at):
    """The current-state fields of an action whose first status is ``rag`` / ``completed``."""
    return {
        "rag": rag,
        "completed": completed,
        "completed_on": timezone.localdate(at) if completed else None,
        "last_commentary": commentary,
        "last_reviewed_at": at,
        "version": 1,
    }


def initial_status_row(*, action_id, rag, completed, commentary, author_name, at, source):
    """The first StatusUpdate of an action as field values, matching ``initial_status_fields``."""
    return {
        "action_id": action_id,
        "author_id": None,
        "author_name": author_name,
        "created_at": at,
        "from_rag": "",
        "to_rag": rag,
        "from_completed": False,
        "to_completed": completed,
        "commentary": commentary,
        "version": 1,
        "source": source,
    }


def initial_status_update(**kwargs):
    """The (unsaved) first StatusUpdate of an action: ``initial_status_row`` as an instance."""
    return StatusUpdate(**initial_status_row(**kwargs))


def record_initial_status(*, action, rag, completed=False, commentary, author_name, at, source):
    """Write an action's first status from a source document (seed, import of a new plan).

    Used by loaders only, for actions that have no history yet; no permission check because no
    user is acting (management commands run with the operator's authority). A loader that
    creates many actions at once writes the same two things in bulk: the action created with
    ``initial_status_fields`` and the row of ``initial_status_row``.
    """
    if action.version != 0:
        raise ValueError("record_initial_status is only for actions without history.")
    initial_status_update(
        action_id=action.pk,
        rag=rag,
        completed=completed,
        commentary=commentary,
        author_name=author_name,
        at=at,
        source=source,
    ).save()
    Action.objects.filter(pk=action.pk).update(
        **initial_status_fields(rag=rag, completed=completed, commentary=commentary, at=at)
    )
