"""A per-account rate on password guessing, whatever the number of source addresses.

django-axes locks a *username and address* pair after 5 failures: an attacker with many
addresses (a botnet, or a proxy pool) gets 5 guesses per address. This module counts failed
log-ins per *account*, across all addresses, in the shared cache:

- the first ``ACCOUNT_FREE_FAILURES`` failures within ``ACCOUNT_FAILURE_WINDOW_MINUTES`` cost
  nothing (people mistype);
- after that, each further attempt at the account must wait ``2, 4, 8 … seconds`` after the
  last failure, at most ``ACCOUNT_MAX_DELAY_SECONDS`` (default 60). A log-in posted sooner is
  answered 429 with Retry-After, without checking the password, and logged;
- a browser that has logged in to this account before carries a signed *device cookie*
  (``DEVICE_COOKIE``, 90 days) and is not slowed: the real user logs in at once during an
  attack on their account, from their usual browser; from a new browser they wait at most
  ``ACCOUNT_MAX_DELAY_SECONDS`` between attempts, never a long lock-out.

So an attacker gets at most about one guess a minute at an account (about 60 an hour, instead of
100 in 25 seconds), and cannot lock its owner out for longer than a minute. The trade-off is in
SECURITY.md. The counters need the shared cache (database or Redis) to hold across workers.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse

from .security import log_event

DEVICE_COOKIE = "trustplan_device"
DEVICE_SALT = "trustplan.login_rate.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 90


def _limits():
    return (
        getattr(settings, "ACCOUNT_FREE_FAILURES", 10),
        getattr(settings, "ACCOUNT_MAX_DELAY_SECONDS", 60),
        getattr(settings, "ACCOUNT_FAILURE_WINDOW_MINUTES", 60) * 60,
    )


def _key(username):
    digest = hashlib.sha256(str(username).strip().lower().encode()).hexdigest()
    return f"trustplan:account-failures:{digest}"


def recent_failures(username, now=None):
    """Times (seconds since the epoch) of the account's failed log-ins within the window."""
    now = now or time.time()
    window = _limits()[2]
    return [t for t in cache.get(_key(username), []) if t > now - window]


def wait_seconds(username, now=None):
    """Seconds before the next attempt at ``username`` is checked (0: now)."""
    now = now or time.time()
    free, max_delay, _ = _limits()
    failures = recent_failures(username, now)
    if len(failures) < free:
        return 0
    delay = min(max_delay, 2 ** (len(failures) - free + 1))
    return max(0, int(failures[-1] + delay - now + 0.999))


def has_device_cookie(request, username):
    """True when the request carries this browser's signed proof of an earlier log-in as
    ``username``."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return False
    try:
        known = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return known == str(username).strip().lower()


@receiver(user_login_failed, dispatch_uid="trustplan.login_rate.failed")
def _record_failure(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    if not username:
        return
    now = time.time()
    failures = recent_failures(username, now) + [now]
    cache.set(_key(username), failures[-200:], _limits()[2])
    if len(failures) == _limits()[0]:
        log_event(
            "account slowed: repeated failed log-ins",
            request=request,
            level=logging.WARNING,
            username=username,
        )


@receiver(user_logged_in, dispatch_uid="trustplan.login_rate.logged_in")
def _remember_device(sender, request, user, **kwargs):
    if request is not None:
        request.trustplan_device_user = user.get_username().strip().lower()


def login_paths():
    return {reverse("login"), reverse("admin:login")}


class AccountLoginRateMiddleware:
    """Answers 429 to a log-in posted too soon after an account's repeated failures (see the
    module docstring), and gives a browser that logs in its device cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in login_paths():
            username = str(request.POST.get("username", ""))[:150]
            wait = wait_seconds(username) if username else 0
            if wait and not has_device_cookie(request, username):
                log_event(
                    "login refused: account slowed", request=request, level=logging.WARNING, username=username
                )
                response = render(
                    request, "login_slowed.html", {"wait": wait, "username": username}, status=429
                )
                response["Retry-After"] = str(wait)
                return response
        response = self.get_response(request)
        device_user = getattr(request, "trustplan_device_user", None)
        if device_user:
            response.set_cookie(
                DEVICE_COOKIE,
                signing.dumps(device_user, salt=DEVICE_SALT),
                max_age=DEVICE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
