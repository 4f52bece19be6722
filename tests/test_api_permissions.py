"""Who may do what through the API: every role × every endpoint × read and write; the default
permission closes a view that names none (the profile's tokens: tests/test_api_tokens.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from drivers.models import Driver, Framework, Measure
from plans.models import Action, Challenge, MeasureReading, StatusUpdate
from tests.api_helpers import api_client_as, token_client, token_key

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "no_role",
    "southwark_editor",
    "lambeth_editor",
    "force_editor",
    "oversight",
    "analyst",
    "administrator",
]
READERS = set(ROLES) - {"anonymous", "no_role"}
COMMENT = "Reviewed at the monthly meeting with the team."


@pytest.fixture
def no_role_user(world):
    user, _ = get_user_model().objects.get_or_create(
        username="no.role", defaults={"first_name": "No", "last_name": "Role"}
    )
    return user


def client_for(role):
    if role == "no_role":
        return token_client("no.role")
    return api_client_as(role)


def endpoints():
    """(URL name, args) of every API endpoint, lists and details."""
    action = Action.objects.filter(objective__plan__borough__slug="southwark").order_by("pk").first()
    challenge = Challenge.objects.first()
    return [
        ("api:api-root", []),
        ("api:borough-list", []),
        ("api:borough-detail", ["southwark"]),
        ("api:plan-list", []),
        ("api:plan-detail", [action.objective.plan_id]),
        ("api:objective-list", []),
        ("api:objective-detail", [action.objective_id]),
        ("api:action-list", []),
        ("api:action-detail", [action.pk]),
        ("api:action-updates", [action.pk]),
        ("api:statusupdate-list", []),
        ("api:statusupdate-detail", [StatusUpdate.objects.filter(action=action).first().pk]),
        ("api:challenge-list", []),
        ("api:challenge-detail", [challenge.pk]),
        ("api:reading-list", []),
        ("api:reading-detail", [MeasureReading.objects.first().pk]),
        ("api:framework-list", []),
        ("api:framework-detail", [Framework.objects.first().slug]),
        ("api:driver-list", []),
        ("api:driver-detail", [Driver.objects.first().slug]),
        ("api:measure-list", []),
        ("api:measure-detail", [Measure.objects.first().slug]),
        ("api-schema", []),
    ]


@pytest.fixture
def a_challenge(oversight_user, southwark_plan):
    return Challenge.objects.create(
        plan=southwark_plan, question="Why is this Red?", raised_by=oversight_user
    )


def fresh_throttles():
    """Refused requests are throttled too (tests/test_api_hardening.py): a sweep of every
    endpoint starts each with no count, so that it sees the refusal, not the 429."""
    cache.clear()


def fingerprint():
    return (
        StatusUpdate.objects.count(),
        sum(Action.objects.values_list("version", flat=True)),
        Challenge.objects.count(),
        MeasureReading.objects.count(),
        Driver.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_endpoint_or_is_refused(role, no_role_user, a_challenge):
    client = client_for(role)
    expected = 200 if role in READERS else (401 if role == "anonymous" else 403)
    failures = []
    for name, args in endpoints():
        fresh_throttles()
        response = client.get(reverse(name, args=args))
        if response.status_code != expected:
            failures.append(f"GET {name} as {role}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_no_role_may_create_replace_or_delete_anything(role, no_role_user, a_challenge):
    client = client_for(role)
    refused = {"anonymous": {401}, "no_role": {403}}.get(role, {405})
    before = fingerprint()
    failures = []
    for name, args in endpoints():
        url = reverse(name, args=args)
        fresh_throttles()
        methods = ["post", "put", "delete"] + ([] if name == "api:action-detail" else ["patch"])
        for method in methods:
            response = getattr(client, method)(
                url, {"rag": "red", "version": 1, "commentary": COMMENT}, format="json"
            )
            if response.status_code not in refused:
                failures.append(f"{method.upper()} {name} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert fingerprint() == before


PATCH_EXPECTED = {
    # role: (Southwark action, Lambeth action)
    "anonymous": (401, 401),
    "no_role": (403, 403),
    "southwark_editor": (200, 403),
    "lambeth_editor": (403, 200),
    "force_editor": (403, 403),
    "oversight": (403, 403),
    "analyst": (403, 403),
    "administrator": (200, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("borough", ["southwark", "lambeth"])
def test_patch_an_action_by_role_and_borough(role, borough, no_role_user):
    action = (
        Action.objects.filter(objective__plan__borough__slug=borough, completed=False).order_by("pk").first()
    )
    expected = PATCH_EXPECTED[role][0 if borough == "southwark" else 1]
    before_updates, before_version = action.updates.count(), action.version
    response = client_for(role).patch(
        reverse("api:action-detail", args=[action.pk]),
        {"version": action.version, "next_steps": f"Next steps set by {role}.", "commentary": COMMENT},
        format="json",
    )
    assert response.status_code == expected, response.content
    action.refresh_from_db()
    if expected == 200:
        assert action.updates.count() == before_updates + 1 and action.version == before_version + 1
        assert action.next_steps == f"Next steps set by {role}."
    else:
        assert action.updates.count() == before_updates and action.version == before_version
        assert action.next_steps != f"Next steps set by {role}."


class Forgetful(APIView):
    """A view that names no permission classes: the project default must close it."""

    def get(self, request):
        return Response({"secret": "plan data"})


def test_a_view_without_permission_classes_is_still_closed(world, no_role_user, analyst_user):
    factory = APIRequestFactory()
    view = Forgetful.as_view()
    assert view(factory.get("/api/v1/forgetful/")).status_code == 401
    request = factory.get("/api/v1/forgetful/", HTTP_AUTHORIZATION=f"Token {token_key(no_role_user)}")
    assert view(request).status_code == 403
    request = factory.get("/api/v1/forgetful/", HTTP_AUTHORIZATION=f"Token {token_key(analyst_user)}")
    assert view(request).status_code == 200


def test_a_wrong_or_revoked_token_is_401(world, analyst_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get(reverse("api:action-list"))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_session_login_reads_the_api(client_as):
    response = client_as("oversight").get(reverse("api:borough-list"))
    assert response.status_code == 200 and response.json()["count"] > 0


def test_schema_and_docs_need_a_login(client_as):
    assert client_as("anonymous").get(reverse("api-schema")).status_code == 401
    docs = client_as("anonymous").get(reverse("api-docs"))
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
    assert client_as("anonymous").get(reverse("api-docs") + "?script=").status_code == 401
    page = client_as("analyst").get(reverse("api-docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html and "style=" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client_as("analyst").get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert reverse("api-schema") in script.content.decode()
