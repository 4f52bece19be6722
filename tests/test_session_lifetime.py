"""A session ends a fixed time after its log-in, however active (issue 16, item 12); the idle
limit still applies on its own."""

import logging

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import ROLE_USERS, TEST_PASSWORD
from trustplan.session_limits import RENEWED_KEY, STARTED_KEY

pytestmark = pytest.mark.django_db


def logged_in_client():
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": ROLE_USERS["oversight"], "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def age_session(client, seconds):
    session = client.session
    session[STARTED_KEY] -= seconds
    session.save()


def test_a_log_in_stamps_the_session(world):
    client = logged_in_client()
    assert isinstance(client.session[STARTED_KEY], int)


def test_an_active_session_ends_after_the_absolute_lifetime(world, caplog):
    client = logged_in_client()
    assert client.get("/oversight/").status_code == 200
    age_session(client, settings.SESSION_ABSOLUTE_SECONDS - 60)
    assert client.get("/oversight/").status_code == 200  # still within the lifetime
    age_session(client, 61)
    with caplog.at_level(logging.INFO, logger="trustplan.security"):
        response = client.get("/oversight/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in client.session
    assert any("session expired (absolute lifetime)" in r.getMessage() for r in caplog.records)


def test_the_api_refuses_an_expired_session(world):
    client = logged_in_client()
    assert client.get("/api/v1/boroughs/").status_code == 200
    age_session(client, settings.SESSION_ABSOLUTE_SECONDS)
    assert client.get("/api/v1/boroughs/").status_code in (401, 403)


def test_the_idle_limit_is_still_the_cookie_age():
    assert settings.SESSION_COOKIE_AGE < settings.SESSION_ABSOLUTE_SECONDS


def _expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


def test_a_request_renews_the_idle_limit_at_most_once_a_minute(world, settings):
    settings.SESSION_RENEW_SECONDS = 60  # as in production (the suite renews on every request)
    client = logged_in_client()
    assert client.get("/oversight/").status_code == 200
    first = _expiry(client)
    assert client.get("/oversight/").status_code == 200
    assert _expiry(client) == first  # renewed a moment ago: the session row is not written
    session = client.session
    session[RENEWED_KEY] -= settings.SESSION_RENEW_SECONDS
    session.save()
    stamped = _expiry(client)
    assert client.get("/oversight/").status_code == 200
    assert _expiry(client) > stamped  # a minute on: the expiry counts from this request
