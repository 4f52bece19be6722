"""The user's profile page: who they are, what they may do, and their API token.

A token is shown once, in the response to creating it, and never again (only when it was
created). Creating a new token replaces the old one; revoking deletes it. Both are logged on
the "trustplan.security" logger.
"""

import logging

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from rest_framework.authtoken.models import Token

from plans.models import Borough
from plans.querysets import scope_for

security_log = logging.getLogger("trustplan.security")


def _render(request, *, new_key=None, status=200):
    scope = scope_for(request.user)
    token = Token.objects.filter(user=request.user).first()
    context = {
        "scope": scope,
        "roles": sorted(scope.roles),
        "edit_boroughs": Borough.objects.filter(pk__in=scope.edit_borough_ids).order_by("name"),
        "token": token,
        "new_key": new_key,
        "api_root": request.build_absolute_uri("/api/v1/"),
    }
    response = render(request, "registration/profile.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_safe
def profile(request):
    return _render(request)


@never_cache
@require_POST
def token_create(request):
    """Create the user's API token, replacing any earlier one; show it this once."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=request.user).delete()[0] > 0
        token = Token.objects.create(user=request.user)
    security_log.info(
        "api token %s: user=%s", "replaced" if replaced else "created", request.user.get_username()
    )
    return _render(request, new_key=token.key)


@never_cache
@require_POST
def token_revoke(request):
    deleted = Token.objects.filter(user=request.user).delete()[0] > 0
    if deleted:
        security_log.info("api token revoked: user=%s", request.user.get_username())
        messages.success(request, "Your API token was revoked: scripts using it can no longer connect.")
    else:
        messages.info(request, "You had no API token.")
    return redirect("profile")
