"""Access rows of the borough's year: notifications and their settings (every reader has their
own; a user without a role is refused)."""

from tests.access_rows.base import LOGIN, Row

MEMBERS = ("southwark_editor", "southwark_commander", "lambeth_editor")
OWN = {"anonymous": LOGIN, "no_role": 403, "*": 200}
OWN_POST = {"anonymous": LOGIN, "no_role": 403, "*": 302}

ROWS = [
    Row("notifications", GET=OWN, POST=OWN_POST),
    Row("notification-settings", GET=OWN, POST=OWN_POST),
    # Borough members link themselves to their borough's owners; an empty POST unlinks them all.
    Row(
        "my-owners",
        GET={"anonymous": LOGIN, **dict.fromkeys(MEMBERS, 200), "*": 403},
        POST={"anonymous": LOGIN, **dict.fromkeys(MEMBERS, 302), "*": 403},
    ),
    # Southwark's members and the administrator add actions to Southwark's plan; an empty POST
    # shows the form again with its errors.
    Row(
        "action-new",
        args=lambda w: ["southwark"],
        GET={
            "anonymous": LOGIN,
            "southwark_editor": 200,
            "southwark_commander": 200,
            "administrator": 200,
            "no_role": 404,
            "*": 403,
        },
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 400,
            "southwark_commander": 400,
            "administrator": 400,
            "no_role": 404,
            "*": 403,
        },
    ),
]
