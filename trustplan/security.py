"""Security events: who did what, when, from where, on the "trustplan.security" logger.

Logged here: log-in success and failure, lockouts (django-axes), log-outs and every refused
request (403). Features log their own imports, exports and refused writes on the same logger
(``logging.getLogger("trustplan.security")``). Every record carries the time, the user and the
client address: ``SecurityContextMiddleware`` puts the request's user and address into a context
variable and ``RequestContextFilter`` adds them to each record, so a feature's
``security_log.info("export actions.xlsx rows=%s", n)`` is attributed without passing the user.

Persistent record: django-axes keeps every log-in (``AccessLog``), every failure
(``AccessFailureLog``) and every lock (``AccessAttempt``) in the database, readable by
administrators in the admin. Ship the log itself to the force's log store (see SECURITY.md).
"""

import contextvars
import getpass
import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("trustplan.security")

_context = contextvars.ContextVar("trustplan_security_context", default=None)


def client_ip(request):
    """The client's address. Behind ``TRUSTED_PROXY_COUNT`` proxies, the address the outermost
    trusted proxy saw (the last N entries of X-Forwarded-For were appended by our proxies);
    without proxies, REMOTE_ADDR only: a client-supplied X-Forwarded-For is never trusted.
    Used by django-axes (AXES_CLIENT_IP_CALLABLE) so a lockout cannot be escaped by sending a
    different header on each attempt."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if ip.strip()]
    # REMOTE_ADDR is the nearest proxy; the header holds the chain before it.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


class UTCFormatter(logging.Formatter):
    """Times in UTC, ISO 8601 with the zone, so logs from several servers sort and compare;
    line breaks inside a message escaped."""

    converter = time.gmtime

    def formatMessage(self, record):  # noqa: N802 — logging's name
        # One event, one line: text a user controls (a file name, a username) cannot start a
        # forged record on a new line.
        record.message = record.message.replace("\r", "\\r").replace("\n", "\\n")
        return super().formatMessage(record)

    def formatTime(self, record, datefmt=None):  # noqa: N802 — logging's name
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


def describe_user(user):
    if user is None:
        return "-"
    if not getattr(user, "is_authenticated", False):
        return "anonymous"
    return f"{user.get_username()}#{user.pk}"


class RequestContextFilter(logging.Filter):
    """Adds ``user`` and ``ip`` to every record: the request's, or the operator's for a
    management command (``system:<os user>``)."""

    def filter(self, record):
        context = _context.get()
        if context is None:
            record.user = getattr(record, "user", None) or f"system:{_os_user()}"
            record.ip = getattr(record, "ip", None) or "-"
        else:
            request = context
            if not hasattr(record, "user"):
                record.user = describe_user(getattr(request, "user", None))
            if not hasattr(record, "ip"):
                record.ip = client_ip(request) or "-"
        return True


def _os_user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


class SecurityContextMiddleware:
    """Makes the current request available to the security log filter, and logs every
    refused request (403) with its method and path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403 and not getattr(response, "_security_logged", False):
                log.warning(
                    "permission denied: %s %s",
                    request.method,
                    request.path,
                    extra={"user": describe_user(getattr(request, "user", None))},
                )
            return response
        finally:
            _context.reset(token)


def log_event(event, *, request=None, user=None, level=logging.INFO, **details):
    """Log one security event with sorted key=value details (values repr-quoted so that text
    an attacker controls cannot forge a second record or field)."""
    extra = {}
    if user is not None:
        extra["user"] = describe_user(user)
    if request is not None:
        extra["ip"] = client_ip(request) or "-"
        extra.setdefault("user", describe_user(getattr(request, "user", None)))
    fields = " ".join(f"{key}={value!r}" for key, value in sorted(details.items()))
    log.log(level, "%s %s", event, fields, extra=extra)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log_event("login succeeded", request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    log_event("logout", request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    log_event(
        "login failed",
        request=request,
        level=logging.WARNING,
        username=username,
    )


def _locked_out(sender, request, username, ip_address, **kwargs):
    log_event(
        "account locked out",
        request=request,
        level=logging.WARNING,
        username=str(username or "")[:150],
        address=ip_address,
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked log-in: 429 with a page saying how long to wait."""
    from django.shortcuts import render

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes, "username": username}
    return render(request, "registration/locked_out.html", context, status=429)


def connect_receivers():
    """Called from the app's ready(): django-axes' signal needs the app registry."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="trustplan.security.locked_out")
