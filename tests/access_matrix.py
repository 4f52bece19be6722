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

Every request that is refused (4xx, or the login redirect) is also checked to have written
nothing: the row counts of the plan data and the sum of action versions are the same after it.

Roles: anonymous, southwark_editor, lambeth_editor, oversight, analyst, administrator.
Conventions: anonymous → 302 to the login page (pages) or 401/403 (API); a role that may not
read → 403; an object outside the role's boroughs for editing → 403 or 404 (say which);
an allowed POST with empty or bad data → 200 (form re-shown with errors) or 400.
Each feature adds its rows inside its own block.
"""

from dataclasses import dataclass, field

ROLES = ["anonymous", "southwark_editor", "lambeth_editor", "oversight", "analyst", "administrator"]
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


# --- security ---
NOT_STAFF = {"anonymous": LOGIN, "oversight": LOGIN, "analyst": LOGIN}  # to the admin log-in
ADMIN_READ = {**NOT_STAFF, "*": 200}
ADMIN_SOUTHWARK = {**NOT_STAFF, "lambeth_editor": 404, "*": 200}
ADMIN_NO_WRITE = {**NOT_STAFF, "lambeth_editor": 404, "*": 403}


def admin_row(name, *, GET, POST=None, **kwargs):  # noqa: N803 — the table's method names
    """An admin row: the page answers PUT/PATCH/DELETE as GET; POST as given (default: as GET,
    i.e. the form again with errors for an empty POST)."""
    return Row(name, GET=GET, POST=POST or GET, PUT=GET, PATCH=GET, DELETE=GET, **kwargs)


# --- end security ---

# --- API ---
API_READ = {"anonymous": 401, "*": 200}
API_NO_POST = {"anonymous": 401, "*": 405}
API_COMMENT = "Reviewed at the monthly meeting; no change."


def api_row(name, args):
    """A read-only API endpoint: 401 without credentials, 200 for every role, 405 for POST
    (PUT, PATCH and DELETE are refused by the default rule)."""
    return Row(name, args=args, GET=API_READ, POST=API_NO_POST)


# --- end API ---

ROWS = [
    # --- foundation ---
    # home redirects by role: to the oversight dashboard or the editor's borough dashboard
    Row("home", GET={"anonymous": LOGIN, "*": 302}, POST={"anonymous": LOGIN, "*": 405}),
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
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "southwark_editor": 400, "administrator": 400, "*": 403},
    ),
    Row(
        "action-detail",
        args=lambda w: [w.lambeth_action.pk],
        label="other borough with a valid change",
        post_data=lambda w: w.status_change(w.lambeth_action, prefix="status"),
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "lambeth_editor": 302, "administrator": 302, "*": 403},
    ),
    Row(
        "action-detail",
        args=lambda w: [999999],
        label="unknown action",
        GET={"anonymous": LOGIN, "*": 404},
        POST={"anonymous": LOGIN, "*": 404},
    ),
    Row(
        "borough-review",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "southwark_editor": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "southwark_editor": 302, "administrator": 302, "*": 403},
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
        GET={"anonymous": LOGIN, "*": 404},
        POST={"anonymous": LOGIN, "*": 404},
    ),
    # --- end review and action pages ---
    # --- dashboards and challenges ---
    Row("oversight", GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row("oversight", query="?rag=purple", label="bad filter", GET={"anonymous": LOGIN, "*": 400}, POST=None),
    Row("action-list", GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row(
        "action-list",
        query="?as_at=1999-01-01",
        label="bad filter",
        GET={"anonymous": LOGIN, "*": 400},
        POST=None,
    ),
    Row("borough-dashboard", args=lambda w: ["southwark"], GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row(
        "borough-dashboard",
        args=lambda w: ["atlantis"],
        label="unknown borough",
        GET={"anonymous": LOGIN, "*": 404},
        POST=None,
    ),
    Row(
        "challenge-create",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "oversight": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "oversight": 400, "administrator": 400, "*": 403},
    ),
    Row("challenge-list", GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row(
        "challenge-detail",
        args=lambda w: [w.southwark_challenge.pk],
        GET={"anonymous": LOGIN, "*": 200},
        POST=None,
    ),
    Row(
        "challenge-reply",
        args=lambda w: [w.southwark_challenge.pk],
        GET=None,
        POST={
            "anonymous": LOGIN,
            "southwark_editor": 400,
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
    Row("export-actions-xlsx", GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row(
        "export-actions-xlsx",
        query="?borough=lambeth&rag=red&rag=amber&stale=true",
        GET={"anonymous": LOGIN, "*": 200},
        POST=None,
    ),
    Row("export-actions-xlsx", query="?rag=purple", GET={"anonymous": LOGIN, "*": 400}, POST=None),
    Row("export-actions-csv", GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row("export-actions-csv", query="?as_at=1999-01-01", GET={"anonymous": LOGIN, "*": 400}, POST=None),
    Row("import-template", GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row(
        "borough-import",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "southwark_editor": 200, "administrator": 200, "*": 403},
        POST={"anonymous": LOGIN, "southwark_editor": 400, "administrator": 400, "*": 403},
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
        GET={"anonymous": LOGIN, "*": 404},
        POST={"anonymous": LOGIN, "*": 404},
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
        GET={"anonymous": 401, "*": 400},
        POST=API_NO_POST,
    ),
    Row(
        "api:action-detail",
        args=lambda w: [w.southwark_action.pk],
        GET=API_READ,
        POST=API_NO_POST,
        PATCH={"anonymous": 401, "southwark_editor": 200, "administrator": 200, "*": 403},
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
        PATCH={"anonymous": 401, "southwark_editor": 409, "administrator": 409, "*": 403},
        patch_data=lambda w: {"version": w.southwark_action.version + 5, "commentary": API_COMMENT},
        json=True,
    ),
    Row(
        "api:not-found",
        args=lambda w: ["no-such-endpoint/"],
        GET={"anonymous": 401, "*": 404},
        POST={"anonymous": 401, "*": 404},
    ),
    Row("api-schema", GET=API_READ, POST=API_NO_POST),
    Row("api-docs", GET={"anonymous": LOGIN, "*": 200}, POST=None),
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
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "oversight": 400, "administrator": 400, "*": 403},
    ),
    Row(
        "borough-targets",
        label="unknown borough",
        args=lambda w: ["no-such-borough"],
        GET={"anonymous": LOGIN, "*": 404},
        POST={"anonymous": LOGIN, "oversight": 404, "administrator": 404, "*": 403},
    ),
    Row(
        "key-drivers",
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "analyst": 400, "administrator": 400, "*": 403},
    ),
    # --- end outcomes and measures ---
    # --- reporting cycle ---
    Row(
        "borough-returns",
        args=lambda w: ["southwark"],
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "southwark_editor": 400, "administrator": 400, "*": 403},
    ),
    Row(
        "return-detail",
        args=lambda w: [w.lambeth_return.pk],
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "*": 405},
    ),
    Row(
        "return-sign-off",
        args=lambda w: [w.lambeth_return.pk],
        GET={"anonymous": LOGIN, "*": 405},
        POST={"anonymous": LOGIN, "administrator": 302, "*": 403},
    ),
    Row(
        "return-send-back",
        args=lambda w: [w.lambeth_return.pk],
        GET={"anonymous": LOGIN, "*": 405},
        POST={"anonymous": LOGIN, "oversight": 302, "administrator": 302, "*": 403},
    ),
    # --- end reporting cycle ---
    # --- force plan ---
    # Everyone with a role reads the force-wide plan; only editors of the action's borough (and
    # administrators) link a borough action to force activities. A force-plan action has no
    # links page (404). A bad activity id is a 400 with nothing written.
    Row("force-plan", GET={"anonymous": LOGIN, "*": 200}, POST=None),
    Row(
        "force-plan",
        query="?as_at=2022-13-45",
        label="bad date",
        GET={"anonymous": LOGIN, "*": 400},
        POST=None,
    ),
    Row(
        "action-force-links",
        args=lambda w: [w.southwark_action.pk],
        label="bad activity id",
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "southwark_editor": 400, "administrator": 400, "*": 403},
        post_data={"activities": ["999999"]},
    ),
    Row(
        "action-force-links",
        args=lambda w: [w.southwark_action.pk],
        label="valid link",
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "southwark_editor": 302, "administrator": 302, "*": 403},
        post_data=lambda w: {"activities": [w.force_activity.pk]},
    ),
    Row(
        "action-force-links",
        args=lambda w: [w.lambeth_action.pk],
        label="other borough",
        GET={"anonymous": LOGIN, "*": 200},
        POST={"anonymous": LOGIN, "lambeth_editor": 302, "administrator": 302, "*": 403},
        post_data=lambda w: {"activities": [w.force_activity.pk]},
    ),
    Row(
        "action-force-links",
        args=lambda w: [w.force_activity.pk],
        label="force activity",
        GET={"anonymous": LOGIN, "*": 404},
        POST={"anonymous": LOGIN, "*": 404},
        post_data=lambda w: {"activities": [w.force_activity.pk]},
    ),
    # --- end force plan ---
    # --- security ---
    # The admin: representative rows for its generated URLs. Oversight and analysts are not
    # staff (redirected to the admin log-in); editors reach their own borough's rows only
    # (404 for another borough's); the status history is read-only for everyone; users and
    # lockouts are administrators' business. Admin views render the page for PUT/PATCH/DELETE
    # as for GET; only POST writes.
    *[
        admin_row(name, GET=ADMIN_READ)
        for name in ("admin:index", "admin:plans_action_changelist", "admin:plans_statusupdate_changelist")
    ],
    admin_row("admin:plans_action_change", args=lambda w: [w.southwark_action.pk], GET=ADMIN_SOUTHWARK),
    admin_row(
        "admin:plans_action_change",
        label="another borough",
        args=lambda w: [w.lambeth_action.pk],
        GET={**NOT_STAFF, "southwark_editor": 404, "*": 200},
        post_data=lambda w: {"text": "Taken over", "objective": w.southwark_action.objective_id},
    ),
    admin_row(
        "admin:plans_plan_change",
        label="another borough",
        args=lambda w: [w.lambeth_plan.pk],
        GET={**NOT_STAFF, "southwark_editor": 404, "*": 200},
        post_data={"title": "Taken over"},
    ),
    admin_row(
        "admin:plans_action_delete",
        args=lambda w: [w.southwark_action.pk],
        GET={**NOT_STAFF, "southwark_editor": 403, "lambeth_editor": 404, "administrator": 200},
        POST={**NOT_STAFF, "southwark_editor": 403, "lambeth_editor": 404, "administrator": 200},
    ),
    admin_row(
        "admin:plans_action_history",
        args=lambda w: [w.southwark_action.pk],
        GET=ADMIN_SOUTHWARK,
    ),
    Row(  # a past version of the text: viewable in scope, never reverted
        "admin:plans_action_simple_history",
        args=lambda w: [w.southwark_action.pk, w.southwark_action_history_id],
        GET=ADMIN_SOUTHWARK,
        POST=ADMIN_NO_WRITE,
        PUT=ADMIN_NO_WRITE,
        PATCH=ADMIN_NO_WRITE,
        DELETE=ADMIN_NO_WRITE,
        post_data=lambda w: {"text": "Reverted", "objective": w.southwark_action.objective_id},
    ),
    admin_row(
        "admin:plans_statusupdate_change",
        args=lambda w: [w.southwark_update.pk],
        GET=ADMIN_SOUTHWARK,
        POST=ADMIN_NO_WRITE,
        post_data={"commentary": "Rewritten history"},
    ),
    admin_row(
        "admin:plans_statusupdate_delete",
        args=lambda w: [w.southwark_update.pk],
        GET=ADMIN_NO_WRITE,
        post_data={"post": "yes"},
    ),
    *[
        admin_row(
            name, GET={**NOT_STAFF, "administrator": 200, "*": 403}, post_data={"action": "delete_selected"}
        )
        for name in (
            "admin:auth_user_changelist",
            "admin:auth_user_add",
            "admin:plans_membership_changelist",
            "admin:axes_accessattempt_changelist",
        )
    ],
    # --- end security ---
]


class World:
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

    @property
    def southwark_action_history_id(self):
        return self.southwark_action.history.order_by("history_id").first().history_id

    # --- end security ---
