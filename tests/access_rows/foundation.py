"""Access-matrix rows: Home: every role lands on its dashboard; a user without a role is refused."""

from tests.access_rows.base import LOGIN, Row

ROWS = [
    # home: what waits for the user, then their dashboards
    Row("home", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST={"anonymous": LOGIN, "*": 405}),
    Row("healthz", GET={"*": 200}, POST={"*": 405}),
    Row(
        "login",
        GET={"anonymous": 200, "*": 302},
        POST={"anonymous": 200, "*": 302},
        # LoginView treats PUT as POST (the form again, with errors); a logged-in user is
        # redirected home whatever the method.
        PUT={"anonymous": 200, "*": 302},
        PATCH={"anonymous": 405, "*": 302},
        DELETE={"anonymous": 405, "*": 302},
    ),
    Row("logout", GET={"anonymous": LOGIN, "*": 405}, POST={"*": 302}),
]
