"""Distributed password guessing is capped per account without locking the real user out for
long (issue 16, item 11)."""

import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from trustplan import login_rate

pytestmark = pytest.mark.django_db
USERNAME = "southwark.editor"


def attempt(client, password, address, path=None):
    return client.post(
        path or reverse("login"), {"username": USERNAME, "password": password}, REMOTE_ADDR=address
    )


def guess_from_many_addresses(count):
    """One wrong password from each of ``count`` addresses (under django-axes' per-address lock)."""
    return [attempt(Client(), f"guess-{n}-wrong", f"198.51.100.{n + 1}").status_code for n in range(count)]


def age_failures(seconds):
    key = login_rate._key(USERNAME)
    cache.set(key, [t - seconds for t in cache.get(key)], 3600)


def test_guesses_from_many_addresses_are_slowed_per_account(world, caplog):
    free = settings.ACCOUNT_FREE_FAILURES
    with caplog.at_level(logging.WARNING, logger="trustplan.security"):
        statuses = guess_from_many_addresses(free + 10)
    assert statuses[:free] == [200] * free  # the form again: wrong password
    assert set(statuses[free:]) == {429}  # each further guess comes too soon: not checked
    messages = [r.getMessage() for r in caplog.records]
    assert any("account slowed" in m for m in messages)
    assert any("login refused: account slowed" in m for m in messages)


def test_a_slowed_attempt_is_not_checked_even_with_the_right_password(world):
    guess_from_many_addresses(settings.ACCOUNT_FREE_FAILURES)
    client = Client()
    response = attempt(client, TEST_PASSWORD, "203.0.113.9")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "_auth_user_id" not in client.session
    assert "Please wait" in response.content.decode()


def test_the_real_user_gets_in_after_a_short_wait(world):
    guess_from_many_addresses(settings.ACCOUNT_FREE_FAILURES + 5)
    assert login_rate.wait_seconds(USERNAME) <= settings.ACCOUNT_MAX_DELAY_SECONDS
    age_failures(settings.ACCOUNT_MAX_DELAY_SECONDS)
    client = Client()
    assert attempt(client, TEST_PASSWORD, "203.0.113.9").status_code == 302
    assert "_auth_user_id" in client.session


def test_the_wait_never_exceeds_the_maximum():
    import time

    now = time.time()
    cache.set(login_rate._key(USERNAME), [now - 1] * 150, 3600)
    assert 0 < login_rate.wait_seconds(USERNAME, now) <= settings.ACCOUNT_MAX_DELAY_SECONDS


def test_a_browser_that_logged_in_before_is_not_slowed(world):
    browser = Client()
    assert attempt(browser, TEST_PASSWORD, "203.0.113.9").status_code == 302
    assert login_rate.DEVICE_COOKIE in browser.cookies
    browser.post(reverse("logout"))
    guess_from_many_addresses(settings.ACCOUNT_FREE_FAILURES + 5)
    assert attempt(browser, TEST_PASSWORD, "203.0.113.9").status_code == 302
    assert "_auth_user_id" in browser.session


def test_a_device_cookie_of_another_account_or_forged_does_not_help(world):
    guess_from_many_addresses(settings.ACCOUNT_FREE_FAILURES)
    from django.core import signing

    other = Client()
    other.cookies[login_rate.DEVICE_COOKIE] = signing.dumps("lambeth.editor", salt=login_rate.DEVICE_SALT)
    assert attempt(other, TEST_PASSWORD, "203.0.113.10").status_code == 429
    forged = Client()
    forged.cookies[login_rate.DEVICE_COOKIE] = "southwark.editor:forged:signature"
    assert attempt(forged, TEST_PASSWORD, "203.0.113.11").status_code == 429


def test_the_admin_log_in_is_slowed_too(world):
    guess_from_many_addresses(settings.ACCOUNT_FREE_FAILURES)
    response = attempt(Client(), TEST_PASSWORD, "203.0.113.12", path=reverse("admin:login"))
    assert response.status_code == 429


def test_other_accounts_are_not_slowed(world):
    guess_from_many_addresses(settings.ACCOUNT_FREE_FAILURES + 3)
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": "lambeth.editor", "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.1",
    )
    assert response.status_code == 302
