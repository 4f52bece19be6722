"""The oversight dashboard's list of moved actions, and its "show all" link."""

from ..models import Action
from .moves import MOVE_ORDER

CHANGES_LIMIT = 200  # moved actions listed on the oversight dashboard before "show all"


def with_changes_all(data):
    query = data.copy()
    query.setlist("changes", ["all"])
    return query.urlencode()


def changes_in_view(moves, plans, *, user, show_all=False, limit=None):
    """The oversight dashboard's list of moved actions: up and down moves of the boroughs in
    view, by borough name, then down before up; the first ``limit`` unless ``show_all``.

    One query (the texts of the actions listed; run even when none moved, so that the page's
    query count does not depend on the data). Each Move listed gets ``borough`` and ``text``.
    """
    boroughs = {plan.borough_id: plan.borough for plan in plans}
    in_view = [m for m in moves if m.extra[0] in boroughs]
    in_view.sort(key=lambda m: (boroughs[m.extra[0]].name.lower(), MOVE_ORDER[m.direction], m.action_id))
    limit = CHANGES_LIMIT if limit is None else limit
    shown = in_view if show_all else in_view[:limit]
    texts = dict(
        Action.objects.visible_to(user)
        .filter(pk__in=[m.action_id for m in shown] or [0])
        .values_list("pk", "text")
    )
    for move in shown:
        move.borough = boroughs[move.extra[0]]
        move.text = texts.get(move.action_id, "")
    return {
        "moves": shown,
        "total": len(in_view),
        "up": sum(1 for m in in_view if m.direction == "up"),
        "down": sum(1 for m in in_view if m.direction == "down"),
        "hidden": len(in_view) - len(shown),
        "limit": limit,
    }
