"""Absolute session lifetime: a session ends this long after its log-in, however busy it is.

The idle limit (``SESSION_IDLE_SECONDS``, Django's ``SESSION_COOKIE_AGE``) ends a session nobody
uses. It is renewed by a request at most once every ``SESSION_RENEW_SECONDS`` (default 60): a
session idle for the limit less that minute may end (the limit is counted from the last renewal,
``RENEWED_KEY``), and a page no longer writes the session row on every request (a write, on
SQLite a turn of the one writer's lock, for each page read). A session in constant use (a
stolen cookie replayed by a script, or a browser left open on a wall display) would otherwise
live for ever. The log-in time is kept in the session (``STARTED_KEY``, seconds since the
epoch); a request after ``SESSION_ABSOLUTE_SECONDS`` (default 12 hours) logs the user out, logs
``session expired (absolute lifetime)``, and the page asks them to log in again.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .security import log_event

STARTED_KEY = "trustplan_login_at"
RENEWED_KEY = "trustplan_renewed_at"


@receiver(user_logged_in, dispatch_uid="trustplan.session_limits.started")
def _stamp(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[STARTED_KEY] = int(time.time())


def _renew(session, now):
    """Save the session (its expiry counted afresh) when its last renewal is a minute old."""
    renewed = session.get(RENEWED_KEY)
    if not isinstance(renewed, int) or now - renewed >= getattr(settings, "SESSION_RENEW_SECONDS", 60):
        session[RENEWED_KEY] = now


class AbsoluteSessionLifetimeMiddleware:
    """After AuthenticationMiddleware: logs out a session older than SESSION_ABSOLUTE_SECONDS,
    and renews the idle limit of any other at most once every SESSION_RENEW_SECONDS. A session
    without a log-in time (made before this limit existed) is stamped now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(STARTED_KEY)
            if not isinstance(started, int):
                request.session[STARTED_KEY] = now
            elif now - started >= settings.SESSION_ABSOLUTE_SECONDS:
                log_event(
                    "session expired (absolute lifetime)",
                    request=request,
                    user=user,
                    level=logging.INFO,
                    age_seconds=now - started,
                )
                logout(request)
                return self.get_response(request)
            _renew(request.session, now)
        return self.get_response(request)
