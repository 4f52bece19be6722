"""Local passwords: change and reset by e-mail with Django's own views and our templates.

Reset never tells whether an address has an account (the same page follows every request; an
account signed in through the organisation has no password and gets no e-mail). Every POST is
rate-limited in the shared cache: ``PASSWORD_RESET_RATE`` requests per address and per e-mail
address, ``PASSWORD_CHANGE_RATE`` attempts per user, each per hour; past it the answer is 429
whatever the input, so the limit reveals nothing either.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import render
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_http_methods

from trustplan.security import client_ip, log_event

WINDOW_SECONDS = 3600
# Django's form views treat PUT as POST: these answer GET and POST only.
get_or_post = require_http_methods(["GET", "HEAD", "POST"])


def over_limit(scope, value, limit):
    """Count one attempt for (scope, value) in this hour's window; True once past ``limit``."""
    digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()[:32]
    key = f"trustplan-rate:{scope}:{digest}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit


def rate_limited(scope, limit_setting, keys):
    """Decorator: a POST whose keys (callables of the request) passed the limit gets a 429 page."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                limit = getattr(settings, limit_setting)
                hits = [over_limit(f"{scope}:{i}", key(request), limit) for i, key in enumerate(keys)]
                if any(hits):
                    log_event("rate limited", request=request, level=logging.WARNING, scope=scope)
                    return render(request, "registration/rate_limited.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def limited(view, scope, limit_setting, keys, *, public=False):
    """A form view answering GET and POST only (Django's treat PUT as POST), its POSTs
    rate-limited; ``public``: open without logging in."""
    view = get_or_post(rate_limited(scope, limit_setting, keys)(view))
    return login_not_required(view) if public else view


password_reset = limited(
    auth_views.PasswordResetView.as_view(
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
    ),
    "password-reset",
    "PASSWORD_RESET_RATE",
    [client_ip, lambda request: request.POST.get("email", "")],
    public=True,
)
password_reset_confirm = limited(
    auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
    "password-reset-confirm",
    "PASSWORD_RESET_RATE",
    [client_ip],
    public=True,
)
password_change = limited(
    auth_views.PasswordChangeView.as_view(),
    "password-change",
    "PASSWORD_CHANGE_RATE",
    [lambda request: request.user.pk],
)

urlpatterns = [
    path("password_change/", password_change, name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password_reset/", password_reset, name="password_reset"),
    path(
        "password_reset/done/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", password_reset_confirm, name="password_reset_confirm"),
    path(
        "reset/done/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
