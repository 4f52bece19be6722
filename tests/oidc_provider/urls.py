"""The test provider's URLs: django-oauth-toolkit under /o/, a log-in page, and /control/ (the
tests set up the client and the people, and change a person's groups, through it)."""

import json

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group, User
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator

CLIENT_ID = "trustplan-test"
CLIENT_SECRET = "trustplan-test-secret-0123456789"  # noqa: S105 — a loopback test provider


class GroupsValidator(OAuth2Validator):
    """Adds names, e-mail and the person's groups (as Entra ID's ``groups`` claim) to the tokens."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }


@csrf_exempt
def control(request):
    """POST {"redirect_uris": [...], "users": {name: {"password", "email", "groups"}}}: the
    client application and the people, created or updated."""
    body = json.loads(request.body)
    app, _ = Application.objects.get_or_create(
        client_id=CLIENT_ID,
        defaults={
            "name": "TrustPlan",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
            "client_secret": CLIENT_SECRET,
        },
    )
    if "redirect_uris" in body:
        app.redirect_uris = " ".join(body["redirect_uris"])
        app.post_logout_redirect_uris = " ".join(body.get("post_logout_redirect_uris", []))
        app.save()
    for name, person in body.get("users", {}).items():
        user, _ = User.objects.get_or_create(username=name)
        if "password" in person:
            user.set_password(person["password"])
        user.email = person.get("email", user.email)
        user.first_name = person.get("given_name", user.first_name)
        user.save()
        if "groups" in person:
            user.groups.set([Group.objects.get_or_create(name=g)[0] for g in person["groups"]])
    return JsonResponse({"client_id": CLIENT_ID})


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="provider_login.html")),
    path("control/", control),
]
