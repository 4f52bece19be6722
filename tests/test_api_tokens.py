"""API tokens: created on the profile page with a name, a scope and an expiry, shown once,
stored hashed, listed with their last use, revocable (issue 20, item 5; issue 16, item 10)."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from plans.models import ApiToken
from plans.tokens import digest, find_token, issue_token

pytestmark = pytest.mark.django_db
NEW_TOKEN = {"name": "Power BI", "scope": "read", "days": "90"}


def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def create(client, **changes):
    response = client.post(reverse("profile-token-create"), {**NEW_TOKEN, **changes})
    assert response.status_code == 200, response.content[:2000]
    return response, response.context["new_key"]


def test_a_token_is_shown_once_and_stored_only_as_a_digest(client_as, analyst_user):
    client = client_as("analyst")
    assert b"You have no API token" in client.get(reverse("profile")).content
    response, key = create(client)
    assert "no-store" in response["Cache-Control"]
    assert key.encode() in response.content and b"will not be shown again" in response.content
    token = ApiToken.objects.get(user=analyst_user)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.prefix, token.key_hash, token.name}
    page = client.get(reverse("profile")).content.decode()
    assert key not in page and f"{token.prefix}…" in page and "Power BI" in page and "Read only" in page
    assert (
        api(key).get(reverse("api:action-list"), {"borough": "southwark", "rag": "red"}).json()["count"] == 4
    )


def test_the_expiry_is_chosen_at_creation_and_enforced(client_as, analyst_user):
    client = client_as("analyst")
    _, key = create(client, days="7")
    token = ApiToken.objects.get(user=analyst_user)
    assert (token.expires_at - token.created_at).days == 7
    past = timezone.now() - dt.timedelta(days=10)
    ApiToken.objects.filter(pk=token.pk).update(created_at=past, expires_at=past + dt.timedelta(days=7))
    assert api(key).get(reverse("api:borough-list")).status_code == 401
    assert "Expired" in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"days": "36500"}, "days"), ({"scope": "admin"}, "scope"), ({"name": ""}, "name")],
)
def test_a_token_outside_the_choices_is_refused(client_as, analyst_user, changes, field):
    response = client_as("analyst").post(reverse("profile-token-create"), {**NEW_TOKEN, **changes})
    assert response.status_code == 400 and response.context["form"].errors[field]
    assert not ApiToken.objects.filter(user=analyst_user).exists()


def test_a_read_only_token_reads_but_cannot_write(client_as, southwark_editor, southwark_plan):
    from plans.models import Action

    client = client_as("southwark_editor")
    _, read_key = create(client, scope="read")
    _, write_key = create(client, name="RAG script", scope="write")
    action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
    url = reverse("api:action-detail", args=[action.pk])
    body = {"next_steps": "Agree the venue.", "version": action.version}
    assert api(read_key).get(url).status_code == 200
    refused = api(read_key).patch(url, body, format="json")
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    action.refresh_from_db()
    assert action.next_steps != "Agree the venue."
    allowed = api(write_key).patch(url, body, format="json", HTTP_IF_MATCH=f'"{action.version}"')
    assert allowed.status_code in (200, 412, 400), allowed.content  # got past the token's scope
    assert allowed.status_code != 403


def test_last_use_is_recorded_and_listed(client_as, analyst_user):
    client = client_as("analyst")
    _, key = create(client)
    assert "never" in client.get(reverse("profile")).content.decode()
    api(key).get(reverse("api:borough-list"))
    token = ApiToken.objects.get(user=analyst_user)
    assert token.last_used_at is not None
    assert (
        timezone.localtime(token.last_used_at).strftime("%H:%M")
        in client.get(reverse("profile")).content.decode()
    )


def test_revoking_a_token_stops_it_and_is_logged(client_as, analyst_user, caplog):
    client = client_as("analyst")
    _, key = create(client)
    token = ApiToken.objects.get(user=analyst_user)
    with caplog.at_level("INFO", logger="trustplan.security"):
        response = client.post(reverse("profile-token-revoke"), {"token": token.pk}, follow=True)
    assert response.status_code == 200 and "was revoked" in response.content.decode()
    assert any("revoked" in r.getMessage() and token.prefix in r.getMessage() for r in caplog.records)
    assert api(key).get(reverse("api:borough-list")).status_code == 401
    assert "Revoked" in client.get(reverse("profile")).content.decode()


def test_a_user_only_revokes_their_own_tokens(client_as, oversight_user):
    theirs, key = issue_token(user=oversight_user, name="Theirs", scope="read", days=30)
    client_as("analyst").post(reverse("profile-token-revoke"), {"token": theirs.pk})
    client_as("analyst").post(reverse("profile-token-revoke"), {"token": "9" * 30})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and find_token(key) == theirs


def test_several_tokens_live_side_by_side(client_as, analyst_user):
    client = client_as("analyst")
    _, first = create(client, name="Power BI")
    _, second = create(client, name="R script")
    assert api(first).get(reverse("api:borough-list")).status_code == 200
    assert api(second).get(reverse("api:borough-list")).status_code == 200
    assert ApiToken.objects.filter(user=analyst_user).count() == 2


def test_a_wrong_key_with_a_real_prefix_is_refused(analyst_user):
    token, key = issue_token(user=analyst_user, name="x", scope="read", days=7)
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert find_token(forged) is None and find_token(key) == token
    assert digest(forged) != token.key_hash


def test_an_inactive_users_token_is_refused(analyst_user):
    _, key = issue_token(user=analyst_user, name="x", scope="read", days=7)
    analyst_user.is_active = False
    analyst_user.save(update_fields=["is_active"])
    assert api(key).get(reverse("api:borough-list")).status_code == 401


def test_token_forms_need_the_csrf_token(world, analyst_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst_user)
    assert client.post(reverse("profile-token-create"), NEW_TOKEN).status_code == 403
    assert not ApiToken.objects.filter(user=analyst_user).exists()


def test_token_pages_refuse_get_and_anonymous(client_as):
    assert client_as("analyst").get(reverse("profile-token-create")).status_code == 405
    anonymous = client_as("anonymous").post(reverse("profile-token-create"), NEW_TOKEN)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]


def test_plain_tokens_are_moved_hashed_and_their_table_dropped(transactional_db):
    """Migration 0003: a token of the old plain table keeps working, hashed, and the table of
    plain keys is gone."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    user = get_user_model().objects.create_user("legacy.script")
    executor = MigrationExecutor(connection)
    executor.migrate([("plans", "0002_reporting_cycle")])
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, created timestamp, user_id integer)'
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", ["a" * 40, timezone.now(), user.pk])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        assert "authtoken_token" not in connection.introspection.table_names(cursor)
    token = find_token("a" * 40)
    assert token is not None and token.user == user and token.scope == "write"
    assert token.key_hash == digest("a" * 40) and token.expires_at > timezone.now() + dt.timedelta(days=89)
