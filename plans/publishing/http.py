"""What every public response shares: no login, no cookies, cacheable, rate-limited.

``public_view`` wraps a view of /public/: it needs no login, answers GET and HEAD only, limits
each client address to ``settings.PUBLIC_RATE_LIMIT`` requests (e.g. "120/minute"; 429 beyond),
and marks the response public for ``PublicResponseMiddleware``, which sits outside the session,
CSRF and message middleware and removes every cookie and the ``Vary: Cookie`` they add. A public
page never depends on who asks, so one cached copy serves everyone for
``settings.PUBLIC_CACHE_SECONDS``.
"""

import functools
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate):
    """("120/minute") → (120, 60): requests allowed per window of seconds.

    Raises ValueError naming the setting for anything else."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip()]
    except (ValueError, KeyError):
        raise ValueError(
            f"PUBLIC_RATE_LIMIT '{rate}' is not a rate: write e.g. 120/minute (second, minute, hour, day)."
        ) from None


def client_address(request):
    """The client's address; behind ``TRUSTED_PROXY_COUNT`` proxies, the one the outermost
    trusted proxy saw (a client-supplied X-Forwarded-For is never trusted without proxies)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if ip.strip()]
    if proxies <= 0 or not forwarded:
        return remote
    return forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]


def over_limit(request, now=None):
    """Count this request against its client's window; True when the limit is passed.

    The count lives in the project's cache (database or Redis), so every app server shares it;
    two requests at the same instant may be counted as one, which a limit can afford."""
    allowed, window = parse_rate(settings.PUBLIC_RATE_LIMIT)
    slot = int((now or time.time()) // window)
    key = f"public-rate:{client_address(request)}:{slot}"
    count = cache.get(key, 0) + 1  # read then write: concurrent requests may be counted once
    cache.set(key, count, timeout=window + 5)
    return count > allowed


def public_view(view):
    """Make ``view`` a public page (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if over_limit(request):
            response = HttpResponse(
                "Too many requests from your address: wait a minute and try again.\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "60"
            patch_cache_control(response, no_store=True)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        response.is_public = True
        return response

    return login_not_required(require_safe(wrapper))


class PublicResponseMiddleware:
    """Strips cookies (session, CSRF, messages) and ``Vary: Cookie`` from public responses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "is_public", False):
            response.cookies.clear()
            if response.has_header("Vary"):
                kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
                if kept:
                    response["Vary"] = ", ".join(kept)
                else:
                    del response["Vary"]
        return response
