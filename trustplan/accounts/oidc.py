"""OpenID Connect sign-in with the organisation's identity provider (mozilla-django-oidc).

Configured from the environment (settings ``OIDC_*``): the provider's issuer URL, whose
discovery document (``<issuer>/.well-known/openid-configuration``) gives the endpoints and the
signing keys; the client id and secret; the scopes. The authorization-code flow runs with PKCE
(S256), a random ``state`` tied to the browser's session (one use) and a ``nonce`` that must come
back inside the signed ID token. The ID token's signature (the provider's published keys, the
algorithm fixed by ``OIDC_RP_SIGN_ALGO``), issuer, audience and expiry are all checked.

The user is found by the provider's ``iss`` + ``sub`` (SignInIdentity), never by e-mail, and is
created at first sign-in with an unusable password. Tokens are never logged; the ID token is
kept in the server-side session only as the hint of the provider's sign-out.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from trustplan.models import SignInIdentity
from trustplan.security import log_event

from . import claims as claim_map

DISCOVERY_CACHE_SECONDS = 3600
BACKEND_PATH = "trustplan.accounts.oidc.OrganisationBackend"


class ProviderUnavailable(Exception):
    """The identity provider could not be reached or answered with an error."""


def sso_enabled():
    """True when an issuer and a client id are configured."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def discovery():
    """The provider's discovery document (dict), cached for an hour.

    Raises ProviderUnavailable when it cannot be fetched or does not name this issuer."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"trustplan-oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery failed: {type(error).__name__}") from error
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable("discovery document names another issuer")
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


class OrganisationBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with the endpoints from discovery, full ID-token checks,
    users found by issuer and subject, and roles set from the claims at every sign-in."""

    def __init__(self, *args, **kwargs):
        # The endpoints are read at sign-in (discovery), not at start-up: every request that
        # loads a session's user builds a backend, and must not need the provider.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not sso_enabled() or "code" not in request.GET:
            return None
        document = discovery()
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            raise ProviderUnavailable(f"token exchange failed: {type(error).__name__}") from error

    def _verify_jws(self, payload, key):
        """The signature with the provider's key and the fixed algorithm, then ``iss``, ``aud``,
        ``exp`` and ``iat`` (the library itself skips the audience)."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER.rstrip("/"),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=60,
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint when the provider has one
        (Entra ID puts groups and roles in the ID token only). A userinfo answer about another
        subject is refused."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if str(extra.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo names another subject")
            claims = {**extra, **payload}
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("the ID token has no subject")
        return sign_in_user(claims, request=self.request)


def _username_for(claims):
    """A free user name from ``preferred_username``, e-mail or subject (suffixed if taken)."""
    User = get_user_model()
    base = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def sign_in_user(claims, *, request=None):
    """The user of these claims (created at first sign-in), with names, e-mail, roles and
    memberships set from the claims; logged on the security log (who, matched values, grants;
    never a token). Returns the user."""
    User = get_user_model()
    issuer, subject = settings.OIDC_ISSUER.rstrip("/"), str(claims["sub"])
    identity = SignInIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if identity is None:
        user = User(username=_username_for(claims))
        user.set_unusable_password()
        user.save()
        identity = SignInIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        log_event("sso account created", request=request, user=user, subject=subject)
    user = identity.user
    user.email = str(claims.get("email") or user.email)[:254]
    user.first_name = str(claims.get("given_name") or user.first_name)[:150]
    user.last_name = str(claims.get("family_name") or user.last_name)[:150]
    user.save(update_fields=["email", "first_name", "last_name"])
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    grants = claim_map.grants_for(claims)
    unknown = claim_map.apply_grants(user, grants)
    log_event(
        "sso claims applied",
        request=request,
        user=user,
        subject=subject,
        claim_values=claim_map.claim_values(claims),
        matched=grants.matched,
        roles=sorted(grants.roles),
        boroughs=sorted(f"{slug}:{role}" for slug, role in grants.memberships),
    )
    if unknown:
        log_event(
            "sso role map names unknown boroughs",
            request=request,
            user=user,
            level=logging.WARNING,
            slugs=unknown,
        )
    return user
