"""The access-control matrix: every URL pattern of the project × every role × every method.

One table (ROWS). `tests/test_access_matrix.py` enumerates every URL pattern and fails if a
pattern has no row here, so a new view cannot skip the check.

A Row names a URL pattern, how to build its arguments from the world (`args`, a function of the
`World` namespace below), and the expected status per role for GET and for POST (an empty POST,
or `post_data`). "*" gives the status for every role not listed. A status may be a set when
either answer is right (e.g. {403, 404}). Use None for a method the view does not offer: it must
then answer 405 (or the login redirect for anonymous).

PUT, PATCH and DELETE: give a table (with `put_data` / `patch_data`, sent as JSON when
`json=True`, as for the API) for a view that offers them. Without a table, the method must be
refused for every role: the login redirect, 401, 403, 404 or 405, never a success.

Every request that is refused (4xx, or a redirect to a log-in page) is also checked to have
written nothing: the row counts of the plan data, users, groups, API tokens and the admin log,
and the sum of action versions, are the same after it.

Roles (users in tests/conftest.py ROLE_USERS):
- anonymous: not logged in;
- southwark_editor, lambeth_editor: borough editors, members of their borough;
- southwark_commander: Southwark's borough commander, a member of Southwark (so it edits
  Southwark like its editors) who alone signs off Southwark's quarterly returns;
- oversight, analyst: read everything, not staff;
- force_editor: reads everything, edits the force-wide plan (in the admin), no borough;
- administrator: everything;
- no_role: logged in, active, no group, no membership, not staff: refused (403, or 404 where
  the page looks the object up among what the user may see) everywhere except the health
  check, log-in, log-out and the profile page (with its API token, which the API refuses).

The admin is covered like the rest: its rows are generated from ADMIN_MODELS (one line per
registered ModelAdmin, written from the groups' permissions and the ScopedAdmin rules) plus the
site's own pages, in the security block.
Conventions: anonymous → 302 to the login page (pages) or 401/403 (API); a role that may not
read → 403; an object outside the role's boroughs for editing → 403 or 404 (say which);
an allowed POST with empty or bad data → 200 (form re-shown with errors) or 400.
The features here keep their rows inside their own block; a new feature adds a module of its own
in tests/access_rows/ (ROWS, and an optional World part), collected at the end of this file.
"""

from dataclasses import dataclass, field

from tests.access_rows import feature_tables
from tests.access_rows.base import LOGIN, METHODS, NOT_ALLOWED, REFUSED, ROLES, Row  # noqa: F401

# --- security ---
# The admin. Staff: the borough editors (Southwark's commander among them), the force editor and
# the administrator. Oversight, analysts and a user without a role are not staff: every admin page
# sends them to the admin log-in. Admin views render the page for PUT/PATCH/DELETE as for GET;
# only POST writes.
NOT_STAFF = {"anonymous": LOGIN, "oversight": LOGIN, "analyst": LOGIN, "no_role": LOGIN}
BOROUGH_EDITORS = frozenset({"southwark_editor", "southwark_commander", "lambeth_editor"})
EDITORS = BOROUGH_EDITORS | {"force_editor"}
STAFF = EDITORS | {"administrator"}
ADMINISTRATOR = frozenset({"administrator"})
SOUTHWARK = frozenset({"southwark_editor", "southwark_commander", "administrator"})
FORCE = frozenset({"force_editor", "administrator"})
ADMIN_READ = {**NOT_STAFF, "*": 200}
ADMIN_ONLY = {**NOT_STAFF, "administrator": 200, "*": 403}
NOT_STAFF_TO_INDEX = {"anonymous": LOGIN, "oversight": 302, "analyst": 302, "no_role": 302}


def admin_row(name, *, GET, POST=None, **kwargs):  # noqa: N803 — the table's method names
    """An admin row: the page answers PUT/PATCH/DELETE as GET; POST as given (default: as GET,
    i.e. the form again with errors for an empty POST)."""
    return Row(name, GET=GET, POST=POST or GET, PUT=GET, PATCH=GET, DELETE=GET, **kwargs)


def get_only_row(name, *, GET, **kwargs):  # noqa: N803
    """An admin page that only answers GET: 405 to staff for any other method (the admin's
    log-in comes first for everyone else)."""
    other = {**NOT_STAFF, "*": 405}
    return Row(name, GET=GET, POST=other, PUT=other, PATCH=other, DELETE=other, **kwargs)


@dataclass
class AdminModel:
    """One registered ModelAdmin, written out by hand from plans/roles.py (the groups' model
    permissions) and plans/admin.py (ScopedAdmin: rows outside the user's boroughs are 404;
    ReadOnlyAdmin; PlanAdmin: only administrators add plans). Sets name staff roles.

    ``obj(world)`` → the pk of the object of the change, delete and history pages. ``scope``:
    for a ScopedAdmin, the staff roles whose boroughs hold that object (the others get 404 on
    its pages, whatever their permissions); None for an admin that is not scoped."""

    model: str  # "<app_label>_<model_name>"
    obj: object
    view: frozenset = STAFF
    add: frozenset = ADMINISTRATOR
    change: frozenset = ADMINISTRATOR
    delete: frozenset = ADMINISTRATOR
    scope: frozenset | None = None
    label: str = ""  # for a second line of the same model (another object)
    pages: tuple = ("changelist", "add", "change", "delete", "history")
    post_data: dict = field(default_factory=dict)  # page → POST body (default: empty)
    post_status: dict = field(default_factory=dict)  # page → status of an allowed POST

    def status(self, page, method, role):
        if role in NOT_STAFF:
            return LOGIN
        in_scope = self.scope is None or role in self.scope
        if page in ("change", "delete", "history") and not in_scope:
            return 404  # ScopedAdmin.get_object: not found in your boroughs
        may_view = role in self.view | self.change
        writing = method == "POST"
        allowed = {
            "changelist": may_view,
            "add": role in self.add,
            "change": role in self.change if writing else may_view,
            "delete": role in self.delete,
            "history": may_view,
        }[page]
        if not allowed:
            return 403
        return self.post_status.get(page, 200) if writing else 200

    def rows(self):
        for page in self.pages:
            args = None if page in ("changelist", "add") else (lambda w, obj=self.obj: [obj(w)])
            tables = {method: {role: self.status(page, method, role) for role in ROLES} for method in METHODS}
            yield Row(
                f"admin:{self.model}_{page}",
                args=args,
                label=self.label if args else "",
                post_data=self.post_data.get(page),
                **tables,
            )


ADMIN_MODELS = [
    # borough plans: Southwark's rows; the force-wide plan's rows in a second line
    AdminModel("plans_plan", lambda w: w.southwark_plan.pk, change=STAFF, scope=SOUTHWARK),
    AdminModel(
        "plans_plan",
        lambda w: w.force_plan.pk,
        change=STAFF,
        scope=FORCE,
        label="force plan",
        pages=("change", "delete", "history"),
    ),
    AdminModel(
        "plans_objective", lambda w: w.southwark_objective.pk, add=STAFF, change=STAFF, scope=SOUTHWARK
    ),
    AdminModel(
        "plans_objective",
        lambda w: w.force_activity.objective_id,
        add=STAFF,
        change=STAFF,
        scope=FORCE,
        label="force plan",
        pages=("change", "delete", "history"),
    ),
    AdminModel("plans_action", lambda w: w.southwark_action.pk, add=STAFF, change=STAFF, scope=SOUTHWARK),
    AdminModel(
        "plans_action",
        lambda w: w.force_activity.pk,
        add=STAFF,
        change=STAFF,
        scope=FORCE,
        label="force plan",
        pages=("change", "delete", "history"),
    ),
    # the status history is read-only for everyone, administrators included
    AdminModel(
        "plans_statusupdate",
        lambda w: w.southwark_update.pk,
        add=frozenset(),
        change=frozenset(),
        delete=frozenset(),
        scope=SOUTHWARK,
        post_data={"change": {"commentary": "Rewritten history"}, "delete": {"post": "yes"}},
    ),
    AdminModel("plans_owner", lambda w: w.southwark_owner.pk, add=STAFF, change=STAFF, scope=SOUTHWARK),
    AdminModel("plans_challenge", lambda w: w.southwark_challenge.pk, scope=SOUTHWARK),
    AdminModel(
        "plans_challengereply",
        lambda w: w.southwark_reply.pk,
        add=frozenset(),
        change=frozenset(),
        delete=frozenset(),
        scope=SOUTHWARK,
    ),
    # the force-wide plan's timetable: the force editor's
    AdminModel("plans_milestone", lambda w: w.force_milestone.pk, add=FORCE, change=FORCE, scope=FORCE),
    # not scoped: every staff role reads (the London comparison is shared), administrators write
    AdminModel("plans_measurereading", lambda w: w.api_reading.pk),
    AdminModel("plans_target", lambda w: w.southwark_target.pk),
    AdminModel("plans_borough", lambda w: w.borough_without_plan.pk),
    AdminModel("plans_bcu", lambda w: w.first("plans.BCU")),
    AdminModel("plans_pillar", lambda w: w.first("plans.Pillar")),
    AdminModel("plans_theme", lambda w: w.first("plans.Theme")),
    AdminModel("drivers_framework", lambda w: w.first("drivers.Framework")),
    AdminModel("drivers_driver", lambda w: w.first("drivers.Driver")),
    AdminModel("drivers_measure", lambda w: w.least_read_measure.pk),
    # who may do what, accounts, API tokens and lockouts: administrators only
    AdminModel("plans_membership", lambda w: w.southwark_membership.pk, view=ADMINISTRATOR),
    AdminModel("auth_user", lambda w: w.southwark_editor.pk, view=ADMINISTRATOR),
    AdminModel("auth_group", lambda w: w.first("auth.Group"), view=ADMINISTRATOR),
    AdminModel("authtoken_tokenproxy", lambda w: w.analyst_token_user_pk, view=ADMINISTRATOR),
    # lockouts and log-in records: nobody adds them by hand; a change page saves nothing editable
    *[
        AdminModel(f"axes_{model}", obj, view=ADMINISTRATOR, add=frozenset(), post_status={"change": 302})
        for model, obj in [
            ("accessattempt", lambda w: w.access_attempt.pk),
            ("accesslog", lambda w: w.access_log.pk),
            ("accessfailurelog", lambda w: w.access_failure_log.pk),
        ]
    ],
]


# --- end security ---

# --- API ---
API_READ = {"anonymous": 401, "no_role": 403, "*": 200}
API_NO_POST = {"anonymous": 401, "no_role": 403, "*": 405}
API_COMMENT = "Reviewed at the monthly meeting; no change."


def api_row(name, args):
    """A read-only API endpoint: 401 without credentials, 200 for every role, 405 for POST
    (PUT, PATCH and DELETE are refused by the default rule)."""
    return Row(name, args=args, GET=API_READ, POST=API_NO_POST)


# --- end API ---

ROWS = [
    # --- foundation ---
    # home redirects by role: to the oversight dashboard or the editor's borough dashboard
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
    # --- end foundation ---
    # --- review and action pages ---
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
    # --- end review and action pages ---
    # --- dashboards and challenges ---
    Row("oversight", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "oversight",
        query="?rag=purple",
        label="bad filter",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 400},
        POST=None,
    ),
    Row("action-list", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "action-list",
        query="?as_at=1999-01-01",
        label="bad filter",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 400},
        POST=None,
    ),
    Row(
        "borough-dashboard",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST=None,
    ),
    Row(
        "borough-dashboard",
        args=lambda w: ["atlantis"],
        label="unknown borough",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 404},
        POST=None,
    ),
    Row(
        "challenge-create",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "oversight": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "oversight": 400, "administrator": 400, "*": 403},
    ),
    Row("challenge-list", GET={"anonymous": LOGIN, "no_role": 403, "*": 200}, POST=None),
    Row(
        "challenge-detail",
        args=lambda w: [w.southwark_challenge.pk],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST=None,
    ),
    Row(
        "challenge-reply",
        args=lambda w: [w.southwark_challenge.pk],
        GET=None,
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 400,
            "southwark_commander": 400,
            "oversight": 400,
            "administrator": 400,
            "*": 403,
        },
    ),
    Row(
        "challenge-reply",
        args=lambda w: [w.lambeth_challenge.pk],
        label="other borough",
        GET=None,
        post_data={"text": "We have answered this one already, see the minutes."},
        POST={
            "anonymous": LOGIN,
            "lambeth_editor": 302,
            "oversight": 302,
            "administrator": 302,
            "*": 403,
        },
    ),
    Row(
        "challenge-close",
        args=lambda w: [w.southwark_challenge.pk],
        GET=None,
        POST={"anonymous": LOGIN, "oversight": 302, "administrator": 302, "*": 403},
    ),
    # --- end dashboards and challenges ---
    # --- exports and imports ---
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
    # --- end exports and imports ---
    # --- API ---
    # The API answers 401 without credentials (never a login redirect) and 405 for methods it
    # does not offer; only PATCH of an action writes, and only in the editor's own borough.
    *[
        api_row(name, args)
        for name, args in [
            ("api:api-root", None),
            ("api:borough-list", None),
            ("api:borough-detail", lambda w: ["southwark"]),
            ("api:plan-list", None),
            ("api:plan-detail", lambda w: [w.lambeth_plan.pk]),
            ("api:objective-list", None),
            ("api:objective-detail", lambda w: [w.southwark_action.objective_id]),
            ("api:action-updates", lambda w: [w.lambeth_action.pk]),
            ("api:statusupdate-list", None),
            ("api:statusupdate-detail", lambda w: [w.api_status_update.pk]),
            ("api:challenge-list", None),
            ("api:challenge-detail", lambda w: [w.api_challenge.pk]),
            ("api:reading-list", None),
            ("api:reading-detail", lambda w: [w.api_reading.pk]),
            ("api:framework-list", None),
            ("api:framework-detail", lambda w: [w.api_driver.framework.slug]),
            ("api:driver-list", None),
            ("api:driver-detail", lambda w: [w.api_driver.slug]),
            ("api:measure-list", None),
            ("api:measure-detail", lambda w: [w.api_reading.measure.slug]),
        ]
    ],
    api_row("api:action-list", None),
    Row("api:action-list", query="?format=csv", label="csv", GET=API_READ, POST=API_NO_POST),
    Row("api:statusupdate-list", query="?format=csv", label="csv", GET=API_READ, POST=API_NO_POST),
    Row(
        "api:action-list",
        query="?rag=purple",
        label="bad filter",
        GET={"anonymous": 401, "no_role": 403, "*": 400},
        POST=API_NO_POST,
    ),
    Row(
        "api:action-detail",
        args=lambda w: [w.southwark_action.pk],
        GET=API_READ,
        POST=API_NO_POST,
        PATCH={
            "anonymous": 401,
            "southwark_editor": 200,
            "southwark_commander": 200,
            "administrator": 200,
            "*": 403,
        },
        patch_data=lambda w: {"version": w.southwark_action.version, "commentary": API_COMMENT},
        json=True,
    ),
    Row(
        "api:action-detail",
        label="other borough",
        args=lambda w: [w.lambeth_action.pk],
        GET=API_READ,
        POST=API_NO_POST,
        PATCH={"anonymous": 401, "lambeth_editor": 200, "administrator": 200, "*": 403},
        patch_data=lambda w: {"version": w.lambeth_action.version, "commentary": API_COMMENT},
        json=True,
    ),
    Row(
        "api:action-detail",
        label="stale version",
        args=lambda w: [w.southwark_action.pk],
        GET=API_READ,
        POST=API_NO_POST,
        PATCH={
            "anonymous": 401,
            "southwark_editor": 409,
            "southwark_commander": 409,
            "administrator": 409,
            "*": 403,
        },
        patch_data=lambda w: {"version": w.southwark_action.version + 5, "commentary": API_COMMENT},
        json=True,
    ),
    Row(
        "api:not-found",
        args=lambda w: ["no-such-endpoint/"],
        GET={"anonymous": 401, "no_role": 403, "*": 404},
        POST={"anonymous": 401, "no_role": 403, "*": 404},
    ),
    Row("api-schema", GET=API_READ, POST=API_NO_POST),
    Row(
        "api-docs",
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={"anonymous": LOGIN, "no_role": 403, "*": 405},
    ),
    Row("profile", GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row("profile-token-create", GET=None, POST={"anonymous": LOGIN, "*": 200}),
    Row("profile-token-revoke", GET=None, POST={"anonymous": LOGIN, "*": 302}),
    # --- end API ---
    # --- outcomes and measures ---
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
    # --- end outcomes and measures ---
    # --- reporting cycle ---
    Row(
        "borough-returns",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "no_role": 403, "*": 200},
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 400,
            "southwark_commander": 400,
            "administrator": 400,
            "*": 403,
        },
    ),
    # A user without a role sees no return: not found (404), before any permission check.
    Row(
        "return-detail",
        args=lambda w: [w.lambeth_return.pk],
        GET={"anonymous": LOGIN, "no_role": 404, "*": 200},
        POST={"anonymous": LOGIN, "*": 405},
    ),
    Row(
        "return-sign-off",
        args=lambda w: [w.lambeth_return.pk],
        post_data=lambda w: {"version": w.lambeth_return.version},
        GET={"anonymous": LOGIN, "*": 405},
        POST={"anonymous": LOGIN, "administrator": 302, "no_role": 404, "*": 403},
    ),
    Row(  # Southwark's commander signs off Southwark's return (and not Lambeth's, above)
        "return-sign-off",
        label="own borough",
        args=lambda w: [w.southwark_return.pk],
        post_data=lambda w: {"version": w.southwark_return.version},
        GET={"anonymous": LOGIN, "*": 405},
        POST={
            "anonymous": LOGIN,
            "southwark_commander": 302,
            "administrator": 302,
            "no_role": 404,
            "*": 403,
        },
    ),
    Row(
        "return-send-back",
        args=lambda w: [w.lambeth_return.pk],
        GET={"anonymous": LOGIN, "*": 405},
        POST={"anonymous": LOGIN, "oversight": 302, "administrator": 302, "no_role": 404, "*": 403},
    ),
    # --- end reporting cycle ---
    # --- force plan ---
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
    # --- end force plan ---
    # --- security ---
    # The admin: a row per generated page of every registered ModelAdmin (ADMIN_MODELS), the
    # site's own pages, and the writes that must fail whatever the data.
    *[row for spec in ADMIN_MODELS for row in spec.rows()],
    admin_row("admin:index", GET=ADMIN_READ),
    admin_row("admin:app_list", args=lambda w: ["plans"], GET=ADMIN_READ),
    admin_row(  # an app without a model the editors may see is "not found" for them
        "admin:app_list",
        label="auth",
        args=lambda w: ["auth"],
        GET={**NOT_STAFF, "administrator": 200, "*": 404},
    ),
    get_only_row("admin:jsi18n", GET=ADMIN_READ),
    admin_row("admin:view_on_site", args=lambda w: w.action_content_type_and_pk, GET={**NOT_STAFF, "*": 404}),
    get_only_row(  # autocomplete of a scoped model: the user's own rows
        "admin:autocomplete",
        query="?app_label=plans&model_name=action&field_name=owners&term=a",
        GET=ADMIN_READ,
    ),
    get_only_row(  # the list of accounts is administrators' business
        "admin:autocomplete",
        query="?app_label=plans&model_name=owner&field_name=user&term=a",
        GET=ADMIN_ONLY,
    ),
    admin_row(
        "admin:auth_user_password_change",
        args=lambda w: [w.southwark_editor.pk],
        GET=ADMIN_ONLY,
        POST={**ADMIN_ONLY, "administrator": 302},
        post_data={"password1": "Taken-over-4-good!", "password2": "Taken-over-4-good!"},
    ),
    Row(
        "admin:login",
        GET={"anonymous": 200, **{role: 302 for role in STAFF}, "*": 200},
        POST={"*": 200},
        PUT={"*": 200},
        PATCH={"*": 405},
        DELETE={"*": 405},
    ),
    Row(  # not staff, whatever the method: back to the admin index (and from there to its log-in)
        "admin:logout",
        GET={**NOT_STAFF_TO_INDEX, "*": 405},
        POST={**NOT_STAFF_TO_INDEX, "*": 302},
        PUT={**NOT_STAFF_TO_INDEX, "*": 405},
        PATCH={**NOT_STAFF_TO_INDEX, "*": 405},
        DELETE={**NOT_STAFF_TO_INDEX, "*": 405},
    ),
    Row(
        "admin:password_change",
        GET=ADMIN_READ,
        POST=ADMIN_READ,
        PUT=ADMIN_READ,  # a FormView treats PUT as POST: the form again, with errors
        PATCH={**NOT_STAFF, "*": 405},
        DELETE={**NOT_STAFF, "*": 405},
    ),
    get_only_row("admin:password_change_done", GET=ADMIN_READ),
    # a change in another borough, with a valid-looking body: not found, nothing written
    admin_row(
        "admin:plans_action_change",
        label="another borough",
        args=lambda w: [w.lambeth_action.pk],
        GET={**NOT_STAFF, "lambeth_editor": 200, "administrator": 200, "*": 404},
        post_data=lambda w: {"text": "Taken over", "objective": w.southwark_action.objective_id},
    ),
    admin_row(
        "admin:plans_plan_change",
        label="another borough",
        args=lambda w: [w.lambeth_plan.pk],
        GET={**NOT_STAFF, "lambeth_editor": 200, "administrator": 200, "*": 404},
        post_data={"title": "Taken over"},
    ),
    # past versions of the text: viewable in scope, never reverted
    *[
        Row(
            f"admin:plans_{model}_simple_history",
            args=args,
            GET={
                **NOT_STAFF,
                "southwark_editor": 200,
                "southwark_commander": 200,
                "administrator": 200,
                "*": 404,
            },
            POST=no_write,
            PUT=no_write,
            PATCH=no_write,
            DELETE=no_write,
            post_data=post_data,
        )
        for no_write in [
            {**NOT_STAFF, "southwark_editor": 403, "southwark_commander": 403, "administrator": 403, "*": 404}
        ]
        for model, args, post_data in [
            (
                "action",
                lambda w: [w.southwark_action.pk, w.history_id(w.southwark_action)],
                lambda w: {"text": "Reverted", "objective": w.southwark_action.objective_id},
            ),
            (
                "objective",
                lambda w: [w.southwark_objective.pk, w.history_id(w.southwark_objective)],
                {"title": "Reverted"},
            ),
            ("plan", lambda w: [w.southwark_plan.pk, w.history_id(w.southwark_plan)], {"title": "Reverted"}),
        ]
    ],
    # --- end security ---
]


class CoreWorld:
    """Objects the URL arguments are built from. Features add what their URLs need, in their
    own block below (properties that create or find rows)."""

    @property
    def southwark_plan(self):
        from plans.models import Plan

        return Plan.objects.get(slug="southwark-trust-and-confidence-plan")

    @property
    def lambeth_plan(self):
        from plans.models import Plan

        return Plan.objects.get(borough__slug="lambeth")

    @property
    def southwark_action(self):
        from plans.models import Action

        return Action.objects.filter(objective__plan=self.southwark_plan).order_by("pk").first()

    @property
    def lambeth_action(self):
        from plans.models import Action

        return Action.objects.filter(objective__plan=self.lambeth_plan).order_by("pk").first()

    # --- review and action pages ---
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

    # --- end review and action pages ---
    # --- dashboards and challenges ---
    def _challenge(self, plan, question):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from plans.models import Challenge

        existing = Challenge.objects.filter(plan=plan, question=question).first()
        if existing:
            return existing
        return Challenge.objects.create(
            plan=plan,
            question=question,
            raised_by=get_user_model().objects.get(username="mopac.oversight"),
            due_date=timezone.localdate(),
        )

    @property
    def southwark_challenge(self):
        return self._challenge(
            self.southwark_plan, "Why are four actions Red, and what is the recovery plan?"
        )

    @property
    def lambeth_challenge(self):
        return self._challenge(self.lambeth_plan, "How will the amber actions return to green this quarter?")

    # --- end dashboards and challenges ---
    # --- exports and imports ---
    # --- end exports and imports ---
    # --- API ---
    @property
    def api_status_update(self):
        from plans.models import StatusUpdate

        return StatusUpdate.objects.filter(action=self.lambeth_action).order_by("pk").first()

    @property
    def api_challenge(self):
        from django.contrib.auth import get_user_model

        from plans.models import Challenge

        question = "What does the API show for this plan's Red actions?"
        return Challenge.objects.filter(question=question).first() or Challenge.objects.create(
            plan=self.lambeth_plan,
            question=question,
            raised_by=get_user_model().objects.get(username="mopac.oversight"),
        )

    @property
    def api_reading(self):
        from plans.models import MeasureReading

        return MeasureReading.objects.filter(borough__slug="southwark").order_by("pk").first()

    @property
    def api_driver(self):
        from drivers.models import Driver

        return Driver.objects.order_by("pk").first()

    # --- end API ---
    # --- outcomes and measures ---
    # --- end outcomes and measures ---
    # --- reporting cycle ---
    @property
    def lambeth_return(self):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from plans.cycle import submit_return
        from plans.models import QuarterlyReturn
        from plans.quarters import Quarter

        existing = QuarterlyReturn.objects.filter(plan=self.lambeth_plan).first()
        if existing:
            return existing
        editor = get_user_model().objects.get(username="lambeth.editor")
        quarter = Quarter.last_ended(timezone.localdate())
        return submit_return(plan=self.lambeth_plan, quarter=quarter, user=editor)

    @property
    def southwark_return(self):
        """Southwark's return for the last ended quarter, submitted by its editor and awaiting
        sign-off. Made directly: the Southwark plan has no status history before today."""
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from plans.choices import ReturnStatus
        from plans.models import QuarterlyReturn
        from plans.quarters import Quarter

        quarter = Quarter.last_ended(timezone.localdate())
        ret, _ = QuarterlyReturn.objects.get_or_create(
            plan=self.southwark_plan,
            fy_start_year=quarter.fy_start_year,
            quarter=quarter.quarter,
            defaults={
                "status": ReturnStatus.SUBMITTED,
                "submitted_by": get_user_model().objects.get(username="southwark.editor"),
                "submitted_at": timezone.now(),
            },
        )
        return ret

    # --- end reporting cycle ---
    # --- force plan ---
    @property
    def force_activity(self):
        from plans.models import Action

        return Action.objects.filter(objective__plan__borough__isnull=True).order_by("pk").first()

    # --- end force plan ---
    # --- security ---
    @property
    def southwark_update(self):
        from plans.models import StatusUpdate

        return StatusUpdate.objects.filter(action=self.southwark_action).order_by("pk").first()

    def history_id(self, obj):
        """The first stored text version of a plan, objective or action (simple_history)."""
        return obj.history.order_by("history_id").first().history_id

    def first(self, label):
        from django.apps import apps

        return apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True).first()

    # Delete pages list everything a deletion would take with it: objects with little hanging off
    # them keep those pages quick.
    @property
    def borough_without_plan(self):
        from django.db.models import Count

        from plans.models import Borough

        return (
            Borough.objects.annotate(n=Count("readings"))
            .filter(plans__isnull=True)
            .order_by("n", "pk")
            .first()
        )

    @property
    def least_read_measure(self):
        from django.db.models import Count

        from drivers.models import Measure

        return Measure.objects.annotate(n=Count("readings")).order_by("n", "pk").first()

    @property
    def force_plan(self):
        from plans.models import Plan

        return Plan.objects.get(borough__isnull=True)

    @property
    def southwark_objective(self):
        return self.southwark_action.objective

    @property
    def southwark_owner(self):
        from plans.models import Owner

        return Owner.objects.filter(borough__slug="southwark").order_by("pk").first()

    @property
    def southwark_reply(self):
        from plans.models import ChallengeReply

        challenge = self.southwark_challenge
        return challenge.replies.order_by("pk").first() or ChallengeReply.objects.create(
            challenge=challenge, author=self.southwark_editor, text="The recovery plan is in the minutes."
        )

    @property
    def force_milestone(self):
        from plans.models import Milestone

        return Milestone.objects.filter(plan__borough__isnull=True).order_by("pk").first()

    @property
    def southwark_target(self):
        import datetime as dt

        from plans.models import Target

        reading = self.api_reading
        existing = Target.objects.filter(borough=reading.borough).order_by("pk").first()
        return existing or Target.objects.create(
            measure=reading.measure,
            borough=reading.borough,
            baseline_value=50,
            baseline_date=dt.date(2024, 3, 31),
            target_value=60,
            target_date=dt.date(2027, 3, 31),
        )

    @property
    def southwark_editor(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username="southwark.editor")

    @property
    def southwark_membership(self):
        return self.southwark_editor.memberships.order_by("pk").first()

    @property
    def analyst_token_user_pk(self):
        """The admin's token pages are keyed by the token's user."""
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        user = get_user_model().objects.get(username="analyst")
        Token.objects.get_or_create(user=user)
        return user.pk

    def _axes(self, model, **fields):
        return model.objects.order_by("pk").first() or model.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="matrix", **fields
        )

    @property
    def access_attempt(self):
        from axes.models import AccessAttempt

        return self._axes(AccessAttempt, failures_since_start=1)

    @property
    def access_log(self):
        from axes.models import AccessLog

        return self._axes(AccessLog)

    @property
    def access_failure_log(self):
        from axes.models import AccessFailureLog

        return self._axes(AccessFailureLog)

    @property
    def action_content_type_and_pk(self):
        from django.contrib.contenttypes.models import ContentType

        from plans.models import Action

        return [ContentType.objects.get_for_model(Action).pk, self.southwark_action.pk]

    # --- end security ---


# Features with a module of their own in tests/access_rows/ add their rows and World parts here.
_feature_rows, _feature_worlds = feature_tables()
ROWS = ROWS + _feature_rows
World = type("World", (*_feature_worlds, CoreWorld), {"__doc__": CoreWorld.__doc__})
