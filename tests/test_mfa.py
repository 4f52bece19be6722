"""The second factor of password log-ins: authenticator app (TOTP), recovery codes, required for
administrators, throttled, and never asked again after the organisation's sign-in."""

import re

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_ADMINS = True


def log_in(client, username):
    answer = client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert answer.status_code == 302
    return client


def code_for(key_hex, offset=0):
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time += offset * 30
    return f"{totp.token():06d}"


def enrol(client):
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert b'src="data:image/svg+xml' in page.content  # the QR code, drawn on the server
    key = client.session["trustplan_totp_setup_key"]
    answer = client.post("/accounts/two-factor/setup/", {"code": code_for(key)})
    assert answer.status_code == 200, answer.content
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", answer.content.decode())
    return key, codes


def enrolled_then_back(client, username):
    """Logs in, adds an authenticator, logs out and logs in again with the password; returns the
    key and the recovery codes."""
    log_in(client, username)
    key, codes = enrol(client)
    client.post("/accounts/logout/")
    log_in(client, username)
    return key, codes


def test_an_administrator_must_set_up_an_authenticator_before_anything_else(client, required, world):
    log_in(client, "admin")
    answer = client.get("/oversight/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/two-factor/setup/")
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/boroughs/").status_code == 403  # nor the API with that session
    key, codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/oversight/").status_code == 200


def test_a_user_with_an_authenticator_gives_a_code_after_the_password(client, world):
    key, _ = enrolled_then_back(client, "southwark.editor")
    held = client.get("/boroughs/southwark/")
    assert held.status_code == 302 and held["Location"].startswith("/accounts/two-factor/verify/")
    wrong = client.post("/accounts/two-factor/verify/", {"code": "000000", "next": "/boroughs/southwark/"})
    assert wrong.status_code == 400 and b"did not match" in wrong.content
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = client.post(
        "/accounts/two-factor/verify/", {"code": code_for(key, 1), "next": "/boroughs/southwark/"}
    )
    assert right.status_code == 302 and right["Location"] == "/boroughs/southwark/"
    assert client.get("/boroughs/southwark/").status_code == 200


def test_a_recovery_code_works_once(client, world):
    _, codes = enrolled_then_back(client, "lambeth.editor")
    assert client.post("/accounts/two-factor/verify/", {"code": codes[0]}).status_code == 302
    assert client.get("/").status_code == 200  # verified: home opens instead of asking again
    client.post("/accounts/logout/")
    log_in(client, "lambeth.editor")
    assert client.post("/accounts/two-factor/verify/", {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user__username="lambeth.editor").count() == 9


def test_wrong_codes_are_throttled_even_before_the_right_one(client, world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # a wait of 10 minutes after one failure, doubling
    key, _ = enrolled_then_back(client, "southwark.editor")
    for _ in range(3):
        client.post("/accounts/two-factor/verify/", {"code": "123456"})
    # django-otp's throttle: after failures, even the right code is refused for a while
    assert client.post("/accounts/two-factor/verify/", {"code": code_for(key, 1)}).status_code == 400


def test_code_attempts_per_hour_are_limited(client, world, settings):
    settings.MFA_CODE_RATE = 2
    log_in(client, "southwark.editor")
    enrol_page = client.get("/accounts/two-factor/setup/")
    assert enrol_page.status_code == 200
    statuses = [client.post("/accounts/two-factor/setup/", {"code": "1"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_a_wrong_set_up_code_adds_nothing(client, world):
    log_in(client, "southwark.editor")
    client.get("/accounts/two-factor/setup/")
    answer = client.post("/accounts/two-factor/setup/", {"code": "12345x"})
    assert answer.status_code == 400 and b"did not match" in answer.content
    assert not TOTPDevice.objects.exists()


def test_new_recovery_codes_replace_the_old_ones(client, world):
    log_in(client, "southwark.editor")
    _, old = enrol(client)
    answer = client.post("/accounts/two-factor/recovery-codes/")
    new = re.findall(r"<code>([a-z2-7]{8})</code>", answer.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_the_operator_resets_a_lost_second_factor(client, world, required):
    log_in(client, "admin")
    enrol(client)
    call_command("reset_second_factor", "admin", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not TOTPDevice.objects.filter(user__username="admin").exists()
    fresh = log_in(type(client)(), "admin")
    assert fresh.get("/").status_code == 302 and fresh.get("/")["Location"].startswith(
        "/accounts/two-factor/setup/"
    )


def test_lockout_still_counts_wrong_passwords(client, world):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "southwark.editor", "password": "wrong-password-1"})
    locked = client.post("/accounts/login/", {"username": "southwark.editor", "password": TEST_PASSWORD})
    assert locked.status_code == 429
