"""Local passwords: change, reset by e-mail without telling who has an account, rate limits; and
the role map's settings checks."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import TEST_PASSWORD
from trustplan.accounts.checks import check_sign_in_settings
from trustplan.accounts.claims import grants_for, parse_role_map

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-long-passphrase-77"


def test_reset_mails_a_link_that_sets_a_new_password(client, southwark_editor):
    southwark_editor.email = "editor@force.example"
    southwark_editor.save()
    answer = client.post("/accounts/password_reset/", {"email": "editor@force.example"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1 and "southwark.editor" in mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert b"Set a new password" in form.content
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    logged_in = client.post("/accounts/login/", {"username": "southwark.editor", "password": NEW_PASSWORD})
    assert logged_in.status_code == 302
    assert client.get(link, follow=True).content.count(b"This link does not work") == 1  # used once


def test_reset_answers_the_same_for_an_unknown_address(client, world):
    known = client.post("/accounts/password_reset/", {"email": "no.role@example.org"})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["no.role@example.org"]]


def test_an_account_without_a_password_gets_no_reset_mail(client, world):
    user = get_user_model().objects.create(username="sso.person", email="sso@force.example")
    user.set_unusable_password()
    user.save()
    answer = client.post("/accounts/password_reset/", {"email": "sso@force.example"})
    assert answer.status_code == 302 and mail.outbox == []


def test_reset_requests_are_rate_limited_per_address(client, world, settings):
    settings.PASSWORD_RESET_RATE = 2
    statuses = [
        client.post("/accounts/password_reset/", {"email": f"x{i}@example.org"}).status_code for i in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_change_needs_the_old_password_and_a_strong_new_one(client, southwark_editor):
    client.force_login(southwark_editor)
    wrong = client.post(
        "/accounts/password_change/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and b"incorrectly" in wrong.content
    weak = client.post(
        "/accounts/password_change/",
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200 and b"too short" in weak.content
    right = client.post(
        "/accounts/password_change/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert right.status_code == 302 and right["Location"] == "/accounts/password_change/done/"
    southwark_editor.refresh_from_db()
    assert southwark_editor.check_password(NEW_PASSWORD)


def test_change_attempts_are_rate_limited(client, southwark_editor, settings):
    settings.PASSWORD_CHANGE_RATE = 1
    client.force_login(southwark_editor)
    data = {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert [client.post("/accounts/password_change/", data).status_code for _ in range(2)] == [200, 429]


def test_role_map_grants_roles_and_memberships(settings):
    settings.OIDC_GROUPS_CLAIM = "groups,roles"
    role_map = parse_role_map('{"a": "Analyst", "b": ["borough:southwark:commander"]}')
    grants = grants_for({"groups": ["a", "zzz"], "roles": "b"}, role_map)
    assert grants.roles == {"Analyst", "Borough editor"}
    assert grants.memberships == {("southwark", "commander")}
    assert grants.matched == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("{not json", "not valid JSON"),
        ('["Analyst"]', "must be a JSON object"),
        ('{"g1": "Chief"}', "OIDC_ROLE_MAP['g1']: 'Chief' is not a role"),
        ('{"g2": "borough:southwark:boss"}', "OIDC_ROLE_MAP['g2']"),
    ],
)
def test_a_bad_role_map_is_named_by_the_settings_check(settings, text, names):
    settings.OIDC_ROLE_MAP = text
    with pytest.raises(ImproperlyConfigured, match=re.escape(names)):
        parse_role_map(text)
    problems = check_sign_in_settings(None)
    assert [p.id for p in problems] == ["trustplan.E101"] and names in problems[0].msg
