"""Access-matrix rows: The admin (a row per generated page of every registered ModelAdmin,
ADMIN_MODELS), the site's own pages, and the writes that must fail whatever the data.
"""

from dataclasses import dataclass, field

from tests.access_rows.base import LOGIN, METHODS, ROLES, Row

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
    permissions) and plans/admin/ (ScopedAdmin: rows outside the user's boroughs are 404;
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
    AdminModel(  # listed and revoked, never added or edited (the key is not stored)
        "plans_apitoken",
        lambda w: w.analyst_token_pk,
        view=ADMINISTRATOR,
        add=frozenset(),
        post_status={"change": 302},
    ),
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


ROWS = [
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
]


class World:
    """The objects the URLs of this block are built from."""

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
    def analyst_token_pk(self):
        from django.contrib.auth import get_user_model

        from plans.models import ApiToken
        from plans.tokens import issue_token

        user = get_user_model().objects.get(username="analyst")
        token = ApiToken.objects.filter(user=user).first()
        return (token or issue_token(user=user, name="matrix", scope="read", days=30)[0]).pk

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
