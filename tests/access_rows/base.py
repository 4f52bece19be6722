"""What every access-matrix row module shares: the roles, the methods and the Row.

Each feature keeps its rows in `tests/access_rows/<feature>.py`, with `ROWS` (a list of Row) and,
where its URLs need objects of their own, `class World` (properties building them, mixed into the
matrix's World). See tests/access_matrix.py for the conventions.
"""

from dataclasses import dataclass, field

ROLES = [
    "anonymous",
    "southwark_editor",
    "southwark_commander",
    "lambeth_editor",
    "oversight",
    "analyst",
    "force_editor",
    "administrator",
    "no_role",
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

LOGIN = 302  # anonymous page request: redirect to the login page
NOT_ALLOWED = 405
REFUSED = {401, 403, 404, 405}  # any refusal (unlisted PUT/PATCH/DELETE; anonymous may be LOGIN)


@dataclass
class Row:
    name: str
    args: object = None  # callable(world) -> list of URL args
    GET: dict | None = field(default_factory=dict)
    POST: dict | None = field(default_factory=dict)
    PUT: dict | None = None
    PATCH: dict | None = None
    DELETE: dict | None = None
    post_data: object = None  # dict or callable(world) -> dict
    put_data: object = None
    patch_data: object = None
    json: bool = False  # send POST/PUT/PATCH bodies as application/json
    query: str = ""  # appended to the URL, e.g. "?format=csv"
    label: str = ""  # tells apart two rows of one URL name (e.g. in scope / out of scope)

    def expected(self, method, role):
        """The status (or set of statuses) expected for the role; see the module docstring."""
        table = getattr(self, method)
        if table is None:
            if method in ("GET", "POST"):
                return {LOGIN, NOT_ALLOWED} if role == "anonymous" else NOT_ALLOWED
            return REFUSED | {LOGIN} if role == "anonymous" else REFUSED
        return table.get(role, table.get("*"))

    def data(self, method, world):
        data = {"POST": self.post_data, "PUT": self.put_data, "PATCH": self.patch_data}.get(method)
        return data(world) if callable(data) else data
