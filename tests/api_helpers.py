"""Clients for the API tests: a real token in the Authorization header, per role."""

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import ROLE_USERS


def token_client(username):
    user = get_user_model().objects.get(username=username)
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


def api_client_as(role):
    if role == "anonymous":
        return APIClient()
    return token_client(ROLE_USERS.get(role, role))
