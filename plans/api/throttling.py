"""Throttling of refused credentials.

DRF checks throttles last (authentication, then permissions, then throttles), so a request it
refuses is never counted: a token guesser would never be slowed. Two things close that gap:

- ``plans.api.permissions.ReadsPlans`` (the first default permission) runs the view's throttles
  before it refuses a request, so anonymous requests count against the ``anon`` rate (401 until
  the rate is reached, then 429 with Retry-After);
- ``plans.api.authentication.TokenAuthentication`` counts every refused token against
  ``FailedTokenThrottle`` (rate ``failed_token``, per client address).
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class FailedTokenThrottle(SimpleRateThrottle):
    """Refused tokens per client address (``DEFAULT_THROTTLE_RATES["failed_token"]``).

    Unlike a view throttle it counts only failures, and it is asked *before* a token is looked
    up: once an address is over the rate, every token it sends is answered 429 without being
    checked until the window has passed, so a right guess cannot be told from a wrong one.
    A session login, or a token sent from another address, is not affected."""

    scope = "failed_token"

    def get_rate(self):
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # as configured now
        return super().get_rate()

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        return True  # not a view throttle: TokenAuthentication asks blocked() and records failures

    def blocked(self, request):
        """Whether this address has used up its refused tokens (records nothing)."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def record_failure(self):
        """Count one refused token (after ``blocked()``). Returns whether the address is now
        over the rate."""
        if self.rate is None:
            return False
        self.throttle_success()
        return len(self.history) >= self.num_requests
