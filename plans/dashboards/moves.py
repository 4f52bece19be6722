"""What moved between two dates: statuses then and now, as Moves (up, down, new, gone)."""

from dataclasses import dataclass

from ..choices import STATUS_RANK, Status
from .counts import statuses_by_action


@dataclass
class Move:
    action_id: int
    before: Status | None
    after: Status | None
    extra: tuple = ()  # values asked of moves_since beside the status (e.g. the borough id)

    @property
    def direction(self):
        if self.before is None:
            return "new"
        if self.after is None:
            return "gone"
        diff = STATUS_RANK[self.after] - STATUS_RANK[self.before]
        return "up" if diff > 0 else "down" if diff < 0 else "same"


def moves_between(before, after):
    """Actions whose status changed between two {action id: (status, ...)} maps, as Moves.

    An action missing from ``before`` did not exist yet (or had no status) then.
    Moves between two statuses of equal rank (e.g. Amber and Not rated) are "same".
    """
    moves = []
    for action_id in sorted(set(before) | set(after)):
        was = before.get(action_id, (None,))[0]
        now = after.get(action_id, (None,))[0]
        if was != now:
            moves.append(Move(action_id, Status(was) if was else None, Status(now) if now else None))
    return moves


MOVE_ORDER = {"down": 0, "up": 1, "new": 2, "gone": 3}


def moves_since(compare_qs, current, *extra, directions=("up", "down", "new")):
    """What moved between ``compare_qs`` (the actions as at the comparison date) and
    ``current`` ({action id: (status, *extra values)}), as Moves in ``directions``.

    One query (the statuses then, with the same ``extra`` values as ``current``). Each Move gets
    ``extra`` (its values now, or then for an action gone since) and the list is sorted down,
    then up, then new, then by action id. Both dashboards list their changes with this.
    """
    then = statuses_by_action(compare_qs, *extra)
    moves = []
    for move in moves_between(then, current):
        if move.direction in directions:
            move.extra = tuple((current.get(move.action_id) or then[move.action_id])[1:])
            moves.append(move)
    moves.sort(key=lambda m: (MOVE_ORDER[m.direction], m.action_id))
    return moves
