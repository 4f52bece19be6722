"""Throttling of refused requests: anonymous requests and wrong tokens are counted (DRF alone
checks throttles only after authentication and permissions, so it never counts them), while the
requests of a user who is let in are not slowed by it."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from tests.api_helpers import token_client, token_key

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"  # another client address than the test client's 127.0.0.1
BAD_TOKENS = ["0" * 40, "f" * 40, "not-a-token", "0" * 39]


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The throttles keep their counts in the cache: start and end each test with none."""
    cache.clear()
    yield
    cache.clear()


def rate(scope):
    """(requests, seconds) of a rate of REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""
    number, period = api_settings.DEFAULT_THROTTLE_RATES[scope].split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def bad_token_client(key, address=ATTACKER):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_throttled(response, seconds):
    assert response.status_code == 429, response.content
    assert 0 < int(response["Retry-After"]) <= seconds
    assert "seconds" in response.json()["detail"]


def test_the_rates_come_from_settings(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"anon", "user", "failed_token"} <= set(rates)
    assert rate("failed_token")[0] < rate("anon")[0] < rate("user")[0]
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] == (
        "plans.api.authentication.TokenAuthentication"
    )


def test_wrong_tokens_are_401_until_the_rate_then_429(world, caplog):
    limit, seconds = rate("failed_token")
    url = reverse("api:action-list")
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        for i in range(limit):
            response = bad_token_client(BAD_TOKENS[i % len(BAD_TOKENS)]).get(url)
            assert response.status_code == 401, (i, response.content)
            assert response["WWW-Authenticate"] == "Token"
    assert any(ATTACKER in r.getMessage() and "refused tokens" in r.getMessage() for r in caplog.records)
    response = bad_token_client("1" * 40).get(url)
    assert_throttled(response, seconds)
    assert "refused tokens" in response.json()["detail"]
    # Every endpoint, and a malformed header too, while the window lasts.
    assert_throttled(bad_token_client("1" * 40).get(reverse("api:driver-list")), seconds)
    malformed = APIClient(REMOTE_ADDR=ATTACKER, HTTP_AUTHORIZATION="Token a b")
    assert_throttled(malformed.get(url), seconds)


def test_malformed_token_headers_count_as_wrong_tokens(world):
    limit, seconds = rate("failed_token")
    headers = ["Token", "Token a b", "token " + "2" * 40]
    for i in range(limit):
        client = APIClient(REMOTE_ADDR=ATTACKER, HTTP_AUTHORIZATION=headers[i % len(headers)])
        assert client.get(reverse("api:borough-list")).status_code == 401
    assert_throttled(bad_token_client("3" * 40).get(reverse("api:borough-list")), seconds)


def test_a_blocked_address_cannot_tell_a_right_token_from_a_wrong_one(world, analyst_user):
    """Once over the rate, a token from that address is not even looked up: a right guess gets
    429 like a wrong one. The owner of the token, from their own address, is not affected."""
    limit, seconds = rate("failed_token")
    for _ in range(limit):
        bad_token_client("4" * 40).get(reverse("api:action-list"))
    right = token_client(analyst_user.username)
    key = token_key(analyst_user, scope="read")
    assert_throttled(bad_token_client(key).get(reverse("api:action-list")), seconds)
    assert right.get(reverse("api:action-list")).status_code == 200  # from 127.0.0.1


def test_an_authenticated_user_is_not_slowed_by_the_refusal_throttles(world, client_as):
    anon_limit, _ = rate("anon")
    token_limit, _ = rate("failed_token")
    analyst = token_client("analyst")
    session = client_as("oversight")
    # Someone else hammers the API with wrong tokens and no credentials, from another address.
    for i in range(max(anon_limit, token_limit) + 1):
        bad_token_client(BAD_TOKENS[i % len(BAD_TOKENS)]).get(reverse("api:action-list"))
        APIClient(REMOTE_ADDR=ATTACKER).get(reverse("api:action-list"))
    assert APIClient(REMOTE_ADDR=ATTACKER).get(reverse("api:action-list")).status_code == 429
    # More requests than either refusal rate allows: all answered.
    codes = {analyst.get(reverse("api:framework-list")).status_code for _ in range(anon_limit + 1)}
    codes |= {session.get(reverse("api:framework-list")).status_code for _ in range(token_limit + 1)}
    assert codes == {200}


def test_anonymous_requests_are_401_until_the_rate_then_429(world):
    limit, seconds = rate("anon")
    client = APIClient()
    # Plans and drivers endpoints and an unknown path share the one count of the address.
    urls = [reverse("api:action-list"), reverse("api:measure-list"), "/api/v1/no-such-thing/"]
    for i in range(limit):
        response = client.get(urls[i % len(urls)])
        assert response.status_code == 401, (i, response.content)
        assert response["WWW-Authenticate"] == "Token"
    for url in urls:
        assert_throttled(client.get(url), seconds)
        assert_throttled(client.patch(url, {"version": 1}, format="json"), seconds)
    # Another address is still told to log in.
    assert APIClient(REMOTE_ADDR="198.51.100.1").get(urls[0]).status_code == 401


def test_a_user_without_a_role_is_counted_before_being_refused(world, monkeypatch):
    from django.contrib.auth import get_user_model

    get_user_model().objects.get_or_create(username="no.role")
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)
    client = token_client("no.role")
    codes = [client.get(reverse("api:framework-list")).status_code for _ in range(4)]
    assert codes == [403, 403, 403, 429]


def test_the_schema_documents_429_on_every_operation_and_415_on_patch(world, analyst_user):
    client = APIClient()
    client.force_authenticate(analyst_user)
    paths = client.get("/api/schema/?format=json").json()["paths"]
    operations = [
        (path, method, op)
        for path, ops in paths.items()
        for method, op in ops.items()
        if method in {"get", "patch"}
    ]
    assert operations and all("429" in op["responses"] for _, _, op in operations)
    assert "415" in paths["/api/v1/actions/{id}/"]["patch"]["responses"]
    patch = paths["/api/v1/actions/{id}/"]["patch"]["responses"]
    assert patch["415"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    bad_request = patch["400"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/Error"} in bad_request["anyOf"]  # {"detail": ...} of bad JSON
