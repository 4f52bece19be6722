"""Signing in with the organisation's provider: a real OpenID Connect provider (django-oauth-toolkit,
tests/oidc_provider/) runs as a second process; TrustPlan talks to it over loopback."""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from plans.models import Membership
from tests.conftest import TEST_PASSWORD
from tests.oidc_provider.fixture import at_provider, oidc_provider  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db

ROLE_MAP = {
    "tp-oversight": "Oversight",
    "tp-southwark": ["borough:southwark", "borough:southwark:lead"],
    "tp-lambeth": "borough:lambeth",
    "tp-admins": "Administrator",
}
CALLBACK = "http://testserver/accounts/oidc/callback/"


@pytest.fixture
def provider(oidc_provider, world, settings):  # noqa: F811 — the imported fixture
    oidc_provider.setup(
        redirect_uris=[CALLBACK],
        users={
            "officer.one": {
                "password": TEST_PASSWORD,
                "email": "one@force.example",
                "groups": ["tp-southwark"],
            },
            "analyst.two": {
                "password": TEST_PASSWORD,
                "email": "two@force.example",
                "groups": ["tp-oversight"],
            },
            "visitor": {"password": TEST_PASSWORD, "email": "v@force.example", "groups": ["unmapped"]},
        },
    )
    for name, value in oidc_provider.settings(ROLE_MAP).items():
        setattr(settings, name, value)
    return oidc_provider


def sign_in(client, provider, username):
    start = client.get("/accounts/oidc/authenticate/")
    assert start.status_code == 302
    return client.get(at_provider(provider, start["Location"], username, callback="http://testserver"))


def test_the_authorization_request_carries_state_nonce_and_a_pkce_challenge(client, provider):
    start = client.get("/accounts/oidc/authenticate/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(provider.issuer + "/authorize/")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email profile"]


def test_sign_in_creates_the_user_with_roles_and_boroughs_from_the_groups(client, provider, caplog):
    with caplog.at_level(logging.INFO, logger="trustplan.security"):
        answer = sign_in(client, provider, "officer.one")
    assert answer.status_code == 302 and answer["Location"] == "/"
    user = get_user_model().objects.get(sign_in_identities__subject__isnull=False, email="one@force.example")
    assert not user.has_usable_password() and user.is_staff and not user.is_superuser
    assert set(user.groups.values_list("name", flat=True)) == {"Borough editor"}
    assert set(Membership.objects.filter(user=user).values_list("borough__slug", "role")) == {
        ("southwark", "editor"),
        ("southwark", "lead"),
    }
    home = client.get("/")  # home shows what waits for the editor in Southwark
    assert home.status_code == 200 and b"Southwark" in home.content
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "sso claims applied" in logged and "matched=['tp-southwark']" in logged
    assert "eyJ" not in logged  # no token (a JWT starts with eyJ) in the security log


def test_a_group_change_moves_the_borough_at_the_next_sign_in(client, provider):
    sign_in(client, provider, "officer.one")
    provider.setup(users={"officer.one": {"groups": ["tp-lambeth"]}})
    client.post("/accounts/logout/")
    sign_in(Client(), provider, "officer.one")
    user = get_user_model().objects.get(email="one@force.example")
    assert list(Membership.objects.filter(user=user).values_list("borough__slug", "role")) == [
        ("lambeth", "editor")
    ]
    assert get_user_model().objects.filter(email="one@force.example").count() == 1


def test_a_person_with_no_mapped_group_is_signed_in_but_sees_nothing(client, provider):
    answer = sign_in(client, provider, "visitor")
    assert answer.status_code == 302
    user = get_user_model().objects.get(email="v@force.example")
    assert not user.groups.exists() and not user.is_staff
    assert client.get("/").status_code == 403
    assert client.get("/oversight/").status_code == 403


def test_an_existing_local_account_with_the_same_email_is_not_taken_over(client, provider, southwark_editor):
    southwark_editor.email = "two@force.example"
    southwark_editor.save()
    sign_in(client, provider, "analyst.two")
    created = get_user_model().objects.get(sign_in_identities__isnull=False, email="two@force.example")
    assert created.pk != southwark_editor.pk
    assert set(created.groups.values_list("name", flat=True)) == {"Oversight"}


def test_a_tampered_state_is_refused_with_a_clear_page(client, provider):
    start = client.get("/accounts/oidc/authenticate/")
    callback = at_provider(provider, start["Location"], "officer.one", callback="http://testserver")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    answer = client.get(callback.replace(state, "x" * len(state)))
    assert answer.status_code == 400
    assert b"Sign-in was refused" in answer.content
    assert "_auth_user_id" not in client.session


def test_a_tampered_nonce_is_refused(client, provider):
    start = client.get("/accounts/oidc/authenticate/")
    callback = at_provider(provider, start["Location"], "officer.one", callback="http://testserver")
    session = client.session
    for entry in session["oidc_states"].values():
        entry["nonce"] = "another-nonce-" + "y" * 20
    session.save()
    answer = client.get(callback)
    assert answer.status_code == 400 and b"Sign-in was refused" in answer.content
    assert "_auth_user_id" not in client.session


def test_a_token_with_a_broken_signature_is_refused(client, provider, monkeypatch):
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend

    real = OIDCAuthenticationBackend.get_token

    def tampered(self, payload):
        tokens = real(self, payload)
        head, body, signature = tokens["id_token"].split(".")
        tokens["id_token"] = ".".join([head, body, ("A" if signature[0] != "A" else "B") + signature[1:]])
        return tokens

    monkeypatch.setattr(OIDCAuthenticationBackend, "get_token", tampered)
    answer = sign_in(client, provider, "officer.one")
    assert answer.status_code == 400 and b"Sign-in was refused" in answer.content
    assert not get_user_model().objects.filter(email="one@force.example").exists()


def test_a_provider_that_is_down_gives_a_clear_page(client, world):
    from tests.oidc_provider.fixture import free_port

    with override_settings(OIDC_ISSUER=f"http://127.0.0.1:{free_port()}/o", OIDC_RP_CLIENT_ID="x"):
        answer = client.get("/accounts/oidc/authenticate/")
    assert answer.status_code == 502
    assert b"did not answer" in answer.content


def test_sign_out_also_signs_out_at_the_provider(client, provider):
    sign_in(client, provider, "officer.one")
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 200 and b"Signed out of TrustPlan" in answer.content
    target = urlsplit(answer.context["provider_url"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.issuer + "/logout/"
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["id_token_hint"][0].startswith("eyJ")
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_the_organisation_button(client, provider):
    page = client.get("/accounts/login/")
    assert b"Sign in with your organisation" in page.content
    assert b'name="password"' in page.content


def test_password_login_can_be_turned_off(client, provider, settings):
    settings.LOCAL_LOGIN = "off"
    page = client.get("/accounts/login/")
    assert b"Sign in with your organisation" in page.content and b'name="password"' not in page.content
    refused = client.post("/accounts/login/", {"username": "southwark.editor", "password": TEST_PASSWORD})
    assert refused.status_code == 403 and "_auth_user_id" not in client.session


def test_password_login_for_administrators_only(client, provider, settings):
    settings.LOCAL_LOGIN = "admins"
    editor = client.post("/accounts/login/", {"username": "southwark.editor", "password": TEST_PASSWORD})
    assert editor.status_code == 200 and b"password log-in is turned off" in editor.content
    admin = client.post("/accounts/login/", {"username": "admin", "password": TEST_PASSWORD})
    assert admin.status_code == 302 and "_auth_user_id" in client.session
