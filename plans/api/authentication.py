"""Token authentication over hashed tokens with an expiry and a scope, refused tokens throttled
per client address (the project's default authentication,
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"])."""

import logging

from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.permissions import SAFE_METHODS

from ..tokens import find_token
from .throttling import FailedTokenThrottle

security_log = logging.getLogger("trustplan.security")
READ_ONLY_REFUSED = (
    "This API token is read-only: create a read-and-write token on your profile page to make changes."
)


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, looked up by the key's digest (``plans.tokens.find_token``).

    A wrong, malformed, expired or revoked token answers 401 and counts against
    ``FailedTokenThrottle``; once the rate is reached, 429 with Retry-After for every token from
    that address (not looked up) until the window passes. A read-only token used for a write
    answers 403 (logged), whatever the view's permissions. ``request.auth`` is the ApiToken."""

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None  # no token offered (a session may still authenticate)
        throttle = FailedTokenThrottle()
        if throttle.blocked(request):
            raise Throttled(throttle.wait(), detail="Too many refused tokens from your address.")
        try:
            user, token = super().authenticate(request)
        except AuthenticationFailed:
            if throttle.record_failure():
                security_log.warning(
                    "api: %s refused tokens from %s within %ss: its tokens are refused (429) for now",
                    throttle.num_requests,
                    throttle.get_ident(request),
                    throttle.duration,
                )
            raise
        if token.scope != "write" and request.method not in SAFE_METHODS:
            security_log.warning(
                "permission denied: read-only api token=%s used for %s %s",
                token.prefix,
                request.method,
                request.path,
            )
            raise PermissionDenied(READ_ONLY_REFUSED)
        return user, token

    def authenticate_credentials(self, key):
        token = find_token(key)
        if token is None:
            raise AuthenticationFailed("Invalid, expired or revoked token.")
        return token.user, token
