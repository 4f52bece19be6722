"""Access-matrix rows: The REST API: 401 without credentials, 405 for methods it does not offer; only
PATCH of an action writes, in the editor's own borough.
"""

from tests.access_rows.base import LOGIN, Row

API_READ = {"anonymous": 401, "no_role": 403, "*": 200}
API_NO_POST = {"anonymous": 401, "no_role": 403, "*": 405}
API_COMMENT = "Reviewed at the monthly meeting; no change."


def api_row(name, args):
    """A read-only API endpoint: 401 without credentials, 200 for every role, 405 for POST
    (PUT, PATCH and DELETE are refused by the default rule)."""
    return Row(name, args=args, GET=API_READ, POST=API_NO_POST)


ROWS = [
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
    Row("profile-token-create", GET=None, POST={"anonymous": LOGIN, "*": 400}),  # empty: no name
    Row("profile-token-revoke", GET=None, POST={"anonymous": LOGIN, "*": 302}),
]


class World:
    """The objects the URLs of this block are built from."""

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
