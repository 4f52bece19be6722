"""Login lockout (django-axes): 5 failures for one username from one address lock that pair
for 15 minutes, with a clear page; an administrator can lift the lock; events are logged."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

USERNAME = "southwark.editor"


def attempt(client, password, username=USERNAME, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail_until_locked(client, username=USERNAME, **extra):
    responses = [
        attempt(client, "wrong-password-123", username, **extra) for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    return responses


def logged_in(client):
    return "_auth_user_id" in client.session


def test_settings_lock_username_and_address_together_with_a_cool_off():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_failures_below_the_limit_do_not_lock(world):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong-password-123").status_code == 200
    response = attempt(client, TEST_PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_fifth_failure_locks_even_the_right_password_out_with_a_clear_page(world):
    client = Client()
    responses = fail_until_locked(client)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    response = attempt(client, TEST_PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Log-in locked after 5 failed attempts" in page
    assert "Try again in <strong>15 minutes</strong>" in page
    assert "administrator" in page
    assert AccessFailureLog.objects.filter(username=USERNAME).count() >= settings.AXES_FAILURE_LIMIT


def test_the_lock_is_for_that_username_from_that_address_only(world):
    fail_until_locked(Client())
    # The same officer from another address, and another user from the same address, get in:
    # nobody can lock a named officer out of every machine by guessing at their username.
    other_address = Client(REMOTE_ADDR="10.9.9.9")
    assert attempt(other_address, TEST_PASSWORD).status_code == 302
    assert logged_in(other_address)
    same_address = Client()
    assert attempt(same_address, TEST_PASSWORD, username="lambeth.editor").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(world):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong-password-123", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = attempt(client, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    assert not logged_in(client)


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(world):
    # One proxy in front: each client is told apart by the address the proxy saw.
    settings_override = {"TRUSTED_PROXY_COUNT": 1}
    from django.test import override_settings

    with override_settings(**settings_override):
        proxy = Client(REMOTE_ADDR="10.0.0.1")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(proxy, "wrong-password-123", HTTP_X_FORWARDED_FOR="203.0.113.5")
        assert attempt(proxy, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
        other_client = Client(REMOTE_ADDR="10.0.0.1")
        assert attempt(other_client, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_the_lock_lifts_after_the_cool_off(world):
    fail_until_locked(Client())
    AccessAttempt.objects.filter(username=USERNAME).update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    client = Client()
    assert attempt(client, TEST_PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_administrator_lifts_the_lock_in_the_admin(world, client_as):
    fail_until_locked(Client())
    assert attempt(Client(), TEST_PASSWORD).status_code == 429
    locks = AccessAttempt.objects.filter(username=USERNAME)
    assert locks.exists()
    admin = client_as("administrator")
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = admin.get(changelist)
    assert listing.status_code == 200
    assert USERNAME in listing.content.decode()
    response = admin.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [a.pk for a in locks], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=USERNAME).exists()
    client = Client()
    assert attempt(client, TEST_PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_editor_cannot_lift_a_lock(world, client_as):
    fail_until_locked(Client())
    locks = list(AccessAttempt.objects.filter(username=USERNAME).values_list("pk", flat=True))
    editor = client_as("lambeth_editor")
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert editor.get(changelist).status_code == 403
    editor.post(changelist, {"action": "delete_selected", "_selected_action": locks, "post": "yes"})
    assert AccessAttempt.objects.filter(pk__in=locks).count() == len(locks)


def test_failures_and_the_lockout_are_logged_with_username_and_address(world, caplog):
    with caplog.at_level(logging.INFO, logger="trustplan.security"):
        fail_until_locked(Client(REMOTE_ADDR="192.0.2.44"))
    messages = [(r.levelname, r.getMessage(), r.ip) for r in caplog.records if r.name == "trustplan.security"]
    failures = [m for m in messages if m[1].startswith("login failed")]
    assert len(failures) == settings.AXES_FAILURE_LIMIT
    assert all(f"username='{USERNAME}'" in m[1] and m[2] == "192.0.2.44" for m in failures)
    locks = [m for m in messages if m[1].startswith("account locked out")]
    assert len(locks) == 1
    assert locks[0][0] == "WARNING"
