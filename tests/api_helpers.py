"""Clients for the API tests: a real token in the Authorization header, per role."""

from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.conftest import ROLE_USERS


def token_key(user, scope="write"):
    """A fresh API key of ``user`` (read and write unless ``scope`` says otherwise)."""
    from plans.tokens import issue_token

    return issue_token(user=user, name="tests", scope=scope, days=30)[1]


def token_client(username):
    user = get_user_model().objects.get(username=username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key(user)}")
    client.user = user
    return client


def api_client_as(role):
    if role == "anonymous":
        return APIClient()
    return token_client(ROLE_USERS.get(role, role))
