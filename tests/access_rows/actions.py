"""Access-matrix rows: The action page and the monthly review: every role reads an action; only editors
of its borough update it or review the plan.
"""

from tests.access_rows.base import LOGIN, Row

ROWS = [
    # Reading an action is open to every role; updating it only to its borough's editors (403,
    # nothing written, for everyone else). The review is an editing page: non-members get 403.
    Row(
        "action-detail",
        args=lambda w: [w.southwark_action.pk],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 400,
            "southwark_commander": 400,
            "administrator": 400,
            "*": 403,
        },
    ),
    Row(
        "action-detail",
        args=lambda w: [w.lambeth_action.pk],
        label="other borough with a valid change",
        post_data=lambda w: w.status_change(w.lambeth_action, prefix="status"),
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={"anonymous": LOGIN, "lambeth_editor": 302, "administrator": 302, "*": 403},
    ),
    Row(
        "action-detail",
        args=lambda w: [999999],
        label="unknown action",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 404},
        POST={"anonymous": LOGIN, "no_role": 403, "*": 404},
    ),
    Row(
        "borough-review",
        args=lambda w: ["southwark"],
        GET={
            "anonymous": LOGIN,
            "southwark_editor": 200,
            "southwark_commander": 200,
            "administrator": 200,
            "*": 403,
        },
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 302,
            "southwark_commander": 302,
            "administrator": 302,
            "*": 403,
        },
    ),
    Row(
        "borough-review",
        args=lambda w: ["lambeth"],
        label="other borough with a valid change",
        post_data=lambda w: w.status_change(w.lambeth_action, prefix=f"a{w.lambeth_action.pk}"),
        GET={"anonymous": LOGIN, "lambeth_editor": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "lambeth_editor": 302, "administrator": 302, "*": 403},
    ),
    Row(
        "borough-review",
        args=lambda w: ["atlantis"],
        label="unknown borough",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 404},
        POST={"anonymous": LOGIN, "no_role": 403, "*": 404},
    ),
]


class World:
    """The objects the URLs of this block are built from."""

    def status_change(self, action, prefix):
        """What the status form (action page or review row) posts to change the action's RAG
        with a reason, rendered from the action's current version."""
        data = {
            f"{prefix}-version": str(action.version),
            f"{prefix}-seen_rag": action.rag,
            f"{prefix}-seen_completed": "True" if action.completed else "False",
            f"{prefix}-seen_next_steps": action.next_steps,
            f"{prefix}-seen_due_date": action.due_date.isoformat() if action.due_date else "",
            f"{prefix}-rag": "amber" if action.rag == "green" else "green",
            f"{prefix}-commentary": "Reviewed at the monthly meeting: delivery is back on track.",
            f"{prefix}-next_steps": action.next_steps,
            f"{prefix}-due_date": action.due_date.isoformat() if action.due_date else "",
        }
        if action.completed:
            data[f"{prefix}-completed"] = "on"
        return data
