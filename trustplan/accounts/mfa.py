"""A second factor for password log-ins (django-otp): an authenticator app (TOTP) and
recovery codes (static tokens, each usable once).

Anyone may add an authenticator on /accounts/two-factor/; administrators (superusers and the
Administrator role) must, when ``MFA_REQUIRED_FOR_ADMINS`` is on (the default). After a password
log-in, ``SecondFactorMiddleware`` sends a user who has an authenticator to the code page, and
an administrator without one to the set-up page, before anything else. A sign-in through the
organisation's provider is not asked again: the provider runs its own multi-factor checks.
Wrong codes are throttled per device by django-otp (each failure doubles the wait) and counted
per user in an hour window; every success and failure is logged.
"""

import base64
import logging
import secrets
import textwrap
from urllib.parse import quote

import django_otp
import segno
from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.choices import Role
from trustplan.security import log_event

from .oidc import BACKEND_PATH
from .passwords import rate_limited

RECOVERY_CODES = 10
SETUP_KEY = "trustplan_totp_setup_key"
# What a user who still owes a second factor may open: these pages, log-out, static files.
OPEN_URL_NAMES = {"mfa-verify", "mfa-setup", "logout", "admin:logout", "login", "healthz"}


def is_administrator(user):
    """A superuser or a holder of the Administrator role (the roles the request has read for
    its scope already: no query of its own)."""
    from plans.scope import scope_for

    return user.is_superuser or Role.ADMINISTRATOR in scope_for(user).roles


def second_factor_owed(request):
    """ "verify" when the session must give a code, "setup" when an administrator must first add
    an authenticator, None when nothing is owed (no password log-in, or already verified)."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if request.session.get(auth.BACKEND_SESSION_KEY) == BACKEND_PATH:
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "verify"
    if settings.MFA_REQUIRED_FOR_ADMINS and is_administrator(user):
        return "setup"
    return None


class SecondFactorMiddleware:
    """Holds a password log-in that owes a second factor at the code or set-up page (API calls
    made with that session get 403). After django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_URL_NAMES:
            return None
        owed = second_factor_owed(request)
        if owed is None:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": "Give your second factor on the web page first."}, status=403)
        target = reverse("mfa-verify" if owed == "verify" else "mfa-setup")
        return redirect(f"{target}?next={quote(request.get_full_path())}")


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


def _qr_svg(uri):
    """The otpauth URI as an SVG QR code (data: URI), drawn here: nothing from elsewhere."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


@transaction.atomic
def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODES new ones; returns them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _render_codes(request, codes):
    response = render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("mfa-setup", "MFA_CODE_RATE", [lambda request: request.user.pk])
def setup(request):
    """Add an authenticator: a fresh secret (kept in the session until confirmed) shown as a QR
    code and as text; a right code confirms it, verifies the session and shows recovery codes."""
    if (
        TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
        and not request.user.is_verified()
    ):
        return redirect("mfa-verify")
    key = request.session.get(SETUP_KEY)
    if request.method == "GET" or not key:
        key = secrets.token_hex(20)
        request.session[SETUP_KEY] = key
    device = TOTPDevice(user=request.user, name="Authenticator app", key=key, confirmed=True)
    error = None
    if request.method == "POST":
        code = str(request.POST.get("code", "")).strip().replace(" ", "")
        checker = TOTP(device.bin_key, device.step, device.t0, device.digits)
        if code.isdigit() and checker.verify(int(code), tolerance=1):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user).delete()
                device.last_t = checker.t()
                device.save()
            del request.session[SETUP_KEY]
            django_otp.login(request, device)
            log_event("second factor added", request=request)
            return _render_codes(request, new_recovery_codes(request.user))
        error = "That code did not match. Check the time on your phone and type the newest code."
        log_event("second factor set-up code wrong", request=request, level=logging.WARNING)
    context = {
        "qr": _qr_svg(device.config_url),
        "secret": " ".join(textwrap.wrap(base64.b32encode(device.bin_key).decode(), 4)),
        "error": error,
        "next": _next_url(request),
        "required": settings.MFA_REQUIRED_FOR_ADMINS and is_administrator(request.user),
    }
    return render(request, "accounts/mfa_setup.html", context, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("mfa-verify", "MFA_CODE_RATE", [lambda request: request.user.pk])
def verify(request):
    """The code page after a password log-in: an authenticator code or a recovery code."""
    if request.user.is_verified() or not django_otp.user_has_device(request.user):
        return redirect(_next_url(request))
    error = None
    if request.method == "POST":
        code = str(request.POST.get("code", "")).strip().replace(" ", "").lower()
        device = django_otp.match_token(request.user, code) if code else None
        if device is not None:
            django_otp.login(request, device)
            kind = "recovery code" if isinstance(device, StaticDevice) else "authenticator"
            log_event("second factor verified", request=request, method=kind)
            return redirect(_next_url(request))
        error = "That code did not match. Wrong codes make you wait longer before the next try."
        log_event("second factor failed", request=request, level=logging.WARNING)
    left = StaticToken.objects.filter(device__user=request.user).count()
    context = {"error": error, "next": _next_url(request), "recovery_left": left}
    return render(request, "accounts/mfa_verify.html", context, status=400 if error else 200)


@never_cache
@require_safe
def manage(request):
    """The user's second-factor page: whether an authenticator is set, codes left."""
    context = {
        "has_authenticator": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "recovery_left": StaticToken.objects.filter(device__user=request.user).count(),
        "required": settings.MFA_REQUIRED_FOR_ADMINS and is_administrator(request.user),
        "sso_session": request.session.get(auth.BACKEND_SESSION_KEY) == BACKEND_PATH,
    }
    return render(request, "accounts/mfa.html", context)


@never_cache
@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), for a user verified with a device."""
    if not request.user.is_verified():
        return redirect("mfa")
    log_event("recovery codes replaced", request=request)
    return _render_codes(request, new_recovery_codes(request.user))


@never_cache
@require_POST
def remove(request):
    """Removes the authenticator and the recovery codes (a verified session only)."""
    if request.user.is_verified():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=request.user).delete()
            StaticDevice.objects.filter(user=request.user).delete()
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        log_event("second factor removed", request=request)
    return redirect("mfa")


urlpatterns = [
    path("two-factor/", manage, name="mfa"),
    path("two-factor/setup/", setup, name="mfa-setup"),
    path("two-factor/verify/", verify, name="mfa-verify"),
    path("two-factor/recovery-codes/", recovery_codes, name="mfa-recovery-codes"),
    path("two-factor/remove/", remove, name="mfa-remove"),
]
