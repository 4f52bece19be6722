"""Linking a borough action to the force-wide activities it delivers (editors of its borough)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..force import force_activities
from ..models import Action
from ..scope import LINK_FORCE, may, refuse


def set_force_links(*, action, user, activity_ids):
    """Set the force activities a borough action delivers. Keyword-only.

    Raises PermissionDenied (not an editor of the action's borough) or ValidationError
    ({"activities": [...]}) when an id is not a force activity; nothing is written then.
    Returns the list of linked activities.
    """
    if (
        not may(user, LINK_FORCE, action)
        or not Action.objects.editable_by(user).filter(pk=action.pk).exists()
    ):
        refuse(
            user,
            f"tried to link action={action.pk} to force activities",
            "Only editors of this action's borough can link it to force activities.",
        )
    wanted = set()
    for raw in activity_ids:
        try:
            wanted.add(int(raw))
        except (TypeError, ValueError):
            raise ValidationError({"activities": [f"'{raw}' is not a force activity."]}) from None
    found = list(force_activities().visible_to(user).filter(pk__in=wanted))
    unknown = sorted(wanted - {a.pk for a in found})
    if unknown:
        raise ValidationError(
            {
                "activities": [
                    f"Not a force activity: {', '.join(str(u) for u in unknown)}. Nothing was saved."
                ]
            }
        )
    with transaction.atomic():
        action.delivers.set(found)
    return found
