"""Access rows of the borough's year: notifications and their settings (every reader has their
own; a user without a role is refused), and the plan written in the browser (Southwark's members
and the administrator edit Southwark's plan; everyone else is refused, a user without a role
before anything is looked up)."""

from tests.access_rows.base import LOGIN, Row

MEMBERS = ("southwark_editor", "southwark_commander", "lambeth_editor")
OWN = {"anonymous": LOGIN, "no_role": 403, "*": 200}
OWN_POST = {"anonymous": LOGIN, "no_role": 403, "*": 302}
SOUTHWARK_EDITORS = ("southwark_editor", "southwark_commander", "administrator")
SOUTHWARK_PAGE = {"anonymous": LOGIN, **dict.fromkeys(SOUTHWARK_EDITORS, 200), "*": 403}
SOUTHWARK_FORM = {"anonymous": LOGIN, **dict.fromkeys(SOUTHWARK_EDITORS, 400), "*": 403}

ROWS = [
    Row("notifications", GET=OWN, POST=OWN_POST),
    Row("notification-settings", GET=OWN, POST=OWN_POST),
    # Borough members link themselves to their borough's owners; an empty POST unlinks them all.
    Row(
        "my-owners",
        GET={"anonymous": LOGIN, **dict.fromkeys(MEMBERS, 200), "*": 403},
        POST={"anonymous": LOGIN, **dict.fromkeys(MEMBERS, 302), "*": 403},
    ),
    # Southwark's members and the administrator edit Southwark's plan; an empty POST shows the
    # form again with its errors (400) and changes nothing.
    Row("plan-edit", args=lambda w: ["southwark"], GET=SOUTHWARK_PAGE, POST=None),
    Row("action-new", args=lambda w: ["southwark"], GET=SOUTHWARK_PAGE, POST=SOUTHWARK_FORM),
    Row("action-edit", args=lambda w: [w.southwark_action.pk], GET=SOUTHWARK_PAGE, POST=SOUTHWARK_FORM),
    Row(
        "action-edit",
        label="another borough's action",
        args=lambda w: [w.lambeth_action.pk],
        GET={"anonymous": LOGIN, "lambeth_editor": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "lambeth_editor": 400, "administrator": 400, "*": 403},
    ),
    Row("action-move", args=lambda w: [w.southwark_action.pk], GET=None, POST=SOUTHWARK_FORM),
    Row("action-retire", args=lambda w: [w.southwark_action.pk], GET=SOUTHWARK_PAGE, POST=SOUTHWARK_FORM),
    Row("objective-new", args=lambda w: ["southwark"], GET=SOUTHWARK_PAGE, POST=SOUTHWARK_FORM),
    Row("objective-edit", args=lambda w: [w.southwark_objective.pk], GET=SOUTHWARK_PAGE, POST=SOUTHWARK_FORM),
    Row("objective-move", args=lambda w: [w.southwark_objective.pk], GET=None, POST=SOUTHWARK_FORM),
    Row(
        "objective-retire",
        args=lambda w: [w.southwark_objective.pk],
        GET=SOUTHWARK_PAGE,
        POST=SOUTHWARK_FORM,
    ),
]


class World:
    @property
    def southwark_objective(self):
        from plans.models import Objective

        return Objective.objects.filter(plan__borough__slug="southwark").order_by("pk").first()
