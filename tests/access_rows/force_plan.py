"""Access-matrix rows: The force-wide plan and the links of borough actions to its activities."""

from tests.access_rows.base import LOGIN, Row

ROWS = [
    # Everyone with a role reads the force-wide plan; only editors of the action's borough (and
    # administrators) link a borough action to force activities. A force-plan action has no
    # links page (404). A bad activity id is a 400 with nothing written.
    Row("force-plan", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "force-plan",
        query="?as_at=2022-13-45",
        label="bad date",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 400},
        POST=None,
    ),
    Row(
        "action-force-links",
        args=lambda w: [w.southwark_action.pk],
        label="bad activity id",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 400,
            "southwark_commander": 400,
            "administrator": 400,
            "*": 403,
        },
        post_data={"activities": ["999999"]},
    ),
    Row(
        "action-force-links",
        args=lambda w: [w.southwark_action.pk],
        label="valid link",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 302,
            "southwark_commander": 302,
            "administrator": 302,
            "*": 403,
        },
        post_data=lambda w: {"activities": [w.force_activity.pk]},
    ),
    Row(
        "action-force-links",
        args=lambda w: [w.lambeth_action.pk],
        label="other borough",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={"anonymous": LOGIN, "lambeth_editor": 302, "administrator": 302, "*": 403},
        post_data=lambda w: {"activities": [w.force_activity.pk]},
    ),
    Row(
        "action-force-links",
        args=lambda w: [w.force_activity.pk],
        label="force activity",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 404},
        POST={"anonymous": LOGIN, "no_role": 403, "*": 404},
        post_data=lambda w: {"activities": [w.force_activity.pk]},
    ),
]


class World:
    """The objects the URLs of this block are built from."""

    @property
    def force_activity(self):
        from plans.models import Action

        return Action.objects.filter(objective__plan__borough__isnull=True).order_by("pk").first()
