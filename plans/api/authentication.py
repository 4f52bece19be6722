"""Token authentication with refused tokens throttled per client address (the project's
default authentication, REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"])."""

import logging

from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed, Throttled

from .throttling import FailedTokenThrottle

security_log = logging.getLogger("trustplan.security")


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, as DRF's, except that a wrong, malformed or revoked token
    counts against ``FailedTokenThrottle``: 401 until the rate is reached, then 429 with
    Retry-After for every token from that address (not looked up) until the window passes."""

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None  # no token offered (a session may still authenticate)
        throttle = FailedTokenThrottle()
        if throttle.blocked(request):
            raise Throttled(throttle.wait(), detail="Too many refused tokens from your address.")
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            if throttle.record_failure():
                security_log.warning(
                    "api: %s refused tokens from %s within %ss: its tokens are refused (429) for now",
                    throttle.num_requests,
                    throttle.get_ident(request),
                    throttle.duration,
                )
            raise
