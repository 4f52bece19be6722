"""Sign-in pages: the log-in page (password and/or the organisation's provider), the OpenID
Connect start and callback, and sign-out (also at the provider where it offers it)."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from trustplan.security import log_event

from .oidc import BACKEND_PATH, ProviderUnavailable, discovery, sso_enabled

FAILURES = {
    "provider": (
        502,
        "Your organisation's sign-in service did not answer",
        "TrustPlan could not reach your organisation's sign-in service, or it answered with an "
        "error. Try again in a few minutes; if it goes on, tell your IT service desk.",
    ),
    "refused": (
        400,
        "Sign-in was refused",
        "The answer from your organisation's sign-in service did not pass TrustPlan's checks "
        "(it was altered, replayed, or came from another sign-in). Nothing was signed in. Start "
        "again from the log-in page; if it happens again, tell your information security team.",
    ),
    "cancelled": (
        400,
        "Sign-in did not finish",
        "Your organisation's sign-in service did not sign you in, or the sign-in started in "
        "another window or too long ago. Start again from the log-in page.",
    ),
}


def local_login_allowed(user=None):
    """Whether a password log-in is allowed (``LOCAL_LOGIN``: on, admins or off); for ``admins``,
    only for a superuser or an Administrator (the break-glass account when the provider is down)."""
    mode = settings.LOCAL_LOGIN
    if mode == "on":
        return True
    if mode == "admins":
        return user is None or user.is_superuser or user.groups.filter(name="Administrator").exists()
    return False


def sign_in_failed(request, reason, detail):
    """The clear page for a sign-in that did not complete; logged with the reason."""
    status, title, text = FAILURES[reason]
    log_event("sso sign-in failed", request=request, level=logging.WARNING, reason=reason, detail=detail)
    context = {"title": title, "text": text, "local_login": local_login_allowed()}
    return render(request, "registration/sso_failed.html", context, status=status)


class LocalAuthenticationForm(AuthenticationForm):
    """Django's form, refusing a password log-in that ``LOCAL_LOGIN`` does not allow."""

    local_login_refused = False

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not local_login_allowed(user):
            self.local_login_refused = True
            raise ValidationError(
                "Sign in with your organisation: password log-in is turned off.", code="sso"
            )


class LoginView(auth_views.LoginView):
    """The log-in page: the organisation's button when configured, the password form unless
    ``LOCAL_LOGIN`` is off (then a POST is refused)."""

    form_class = LocalAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not local_login_allowed():
            raise PermissionDenied("Password log-in is turned off: sign in with your organisation.")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sso_enabled=sso_enabled(),
            sso_label=settings.OIDC_BUTTON_LABEL,
            local_login=local_login_allowed(),
            **kwargs,
        )


class SignInStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and a PKCE challenge."""

    def __init__(self, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except (ProviderUnavailable, KeyError) as error:
            return sign_in_failed(request, "provider", str(error))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: every failure is a clear page, never a bare 400 or 500."""

    def get(self, request):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            return super().get(request)
        except ProviderUnavailable as error:
            return sign_in_failed(request, "provider", str(error))
        except SuspiciousOperation as error:
            return sign_in_failed(request, "refused", str(error))

    def login_failure(self):
        error = str(self.request.GET.get("error", ""))[:100]
        return sign_in_failed(self.request, "cancelled", error or "no matching sign-in")


def provider_logout_url(request):
    """The provider's end-session URL for this session (OpenID Connect RP-initiated logout),
    or None when the session did not come from the provider or it offers none."""
    if request.session.get(auth.BACKEND_SESSION_KEY) != BACKEND_PATH or not sso_enabled():
        return None
    try:
        endpoint = discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url("login")),
    }
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{endpoint}?{urlencode(params)}"


@never_cache
@require_POST
def logout(request):
    """Signs out here, then at the provider when the session came from it. The provider is
    reached from a page of ours (a refresh and a link), not by redirecting the form's POST: the
    Content Security Policy's form-action allows only this site."""
    provider_url = provider_logout_url(request)
    auth.logout(request)
    if provider_url is None:
        return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))
    return render(request, "registration/logged_out_provider.html", {"provider_url": provider_url})
