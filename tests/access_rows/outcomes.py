"""Access-matrix rows: Survey measures: the targets page and the survey import."""

from tests.access_rows.base import LOGIN, Row

ROWS = [
    Row(
        "measures-import",
        GET={"anonymous": LOGIN, "analyst": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "analyst": 400, "administrator": 400, "*": 403},
    ),
    Row(
        "borough-targets",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={"anonymous": LOGIN, "oversight": 400, "administrator": 400, "*": 403},
    ),
    Row(
        "borough-targets",
        label="unknown borough",
        args=lambda w: ["no-such-borough"],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 404},
        POST={"anonymous": LOGIN, "oversight": 404, "administrator": 404, "*": 403},
    ),
    Row(
        "key-drivers",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={"anonymous": LOGIN, "analyst": 400, "administrator": 400, "*": 403},
    ),
]
