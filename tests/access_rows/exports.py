"""Access-matrix rows: The Excel and CSV exports and the plan import."""

from tests.access_rows.base import LOGIN, Row

ROWS = [
    Row("export-actions-xlsx", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "export-actions-xlsx",
        query="?borough=lambeth&rag=red&rag=amber&stale=true",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST=None,
    ),
    Row(
        "export-actions-xlsx",
        query="?rag=purple",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 400},
        POST=None,
    ),
    Row("export-actions-csv", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    # a page's own buttons: the oversight's borough plans, the action list's "only mine", the force plan
    Row(
        "export-actions-csv",
        query="?scope=boroughs&rag=amber",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST=None,
    ),
    Row(
        "export-actions-xlsx",
        query="?borough=southwark&mine=1",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST=None,
    ),
    Row(
        "export-actions-xlsx",
        query="?scope=force",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST=None,
    ),
    Row(
        "export-actions-csv",
        query="?scope=everything",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 400},
        POST=None,
    ),
    Row(
        "export-actions-csv",
        query="?as_at=1999-01-01",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 400},
        POST=None,
    ),
    Row("import-template", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "borough-import",
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
            "southwark_editor": 400,
            "southwark_commander": 400,
            "administrator": 400,
            "*": 403,
        },
    ),
    Row(
        "borough-import",
        args=lambda w: ["lambeth"],
        label="other borough",
        GET={"anonymous": LOGIN, "lambeth_editor": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "lambeth_editor": 400, "administrator": 400, "*": 403},
    ),
    Row(
        "borough-import",
        args=lambda w: ["no-such-borough"],
        label="unknown borough",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 404},
        POST={"anonymous": LOGIN, "no_role": 403, "*": 404},
    ),
]
