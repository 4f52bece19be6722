"""The user's profile page: who they are, what they may do, and their API tokens.

A token is created with a name, a scope (read only, or read and write) and an expiry; its key is
shown once, in the response to creating it, and never again (only its digest is stored, with a
visible prefix). The page lists the user's tokens with their prefix, scope, expiry and last use;
each can be revoked. Creating and revoking are logged on the "trustplan.security" logger.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from plans.models import ApiToken, Borough, TokenScope
from plans.scope import scope_for
from plans.tokens import EXPIRY_DAYS, issue_token, revoke_token


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name", help_text="What the token is for, e.g. 'Power BI'.")
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        label="Access",
        help_text="Read only is enough for reports; a script that updates RAG needs read and write.",
    )
    days = forms.TypedChoiceField(
        choices=[(d, f"{d} days") for d in EXPIRY_DAYS],
        coerce=int,
        initial=90,
        label="Expires after",
    )


def _render(request, *, form=None, new_key=None, new_token=None, status=200):
    scope = scope_for(request.user)
    context = {
        "scope": scope,
        "roles": sorted(scope.roles),
        "edit_boroughs": Borough.objects.filter(pk__in=scope.edit_borough_ids).order_by("name"),
        "tokens": ApiToken.objects.filter(user=request.user),
        "form": form or TokenForm(),
        "new_key": new_key,
        "new_token": new_token,
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
    """Create an API token with the name, scope and expiry chosen; show its key this once."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    try:
        token, key = issue_token(user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render(request, form=form, status=400)
    return _render(request, new_key=key, new_token=token)


@never_cache
@require_POST
def token_revoke(request):
    """Revoke one of the user's tokens (POST ``token``: its id)."""
    token_id = request.POST.get("token", "")
    token = (
        revoke_token(user=request.user, token_id=int(token_id))
        if token_id.isdigit() and len(token_id) < 19
        else None
    )
    if token is not None:
        messages.success(
            request, f"Token “{token.name}” was revoked: scripts using it can no longer connect."
        )
    else:
        messages.info(request, "No such active token of yours: nothing was revoked.")
    return redirect("profile")
