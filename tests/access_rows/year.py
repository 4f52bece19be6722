"""Access rows of the borough's year: notifications and their settings (every reader has their
own; a user without a role is refused)."""

from tests.access_rows.base import LOGIN, Row

OWN = {"anonymous": LOGIN, "no_role": 403, "*": 200}
OWN_POST = {"anonymous": LOGIN, "no_role": 403, "*": 302}

ROWS = [
    Row("notifications", GET=OWN, POST=OWN_POST),
    Row("notification-settings", GET=OWN, POST=OWN_POST),
]
