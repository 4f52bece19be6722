"""Production settings, headers, CSRF, sessions, passwords, security events."""

import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import TEST_PASSWORD

ROOT = Path(settings.BASE_DIR)


def manage(*args, **env):
    """Run manage.py in a fresh interpreter with a production environment (DEBUG off)."""
    # The test run's own switches (and DJANGO_ALLOW_ASYNC_UNSAFE, set for Playwright) stay out.
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update({"DEBUG": "0", "ALLOWED_HOSTS": "trustplan.example.police.uk"}, **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- production settings --------------------------------------------------------------------


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_settings_values():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS)"
    )
    result = manage("shell", "--no-imports", "-c", code, SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("False True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') DENY")


def test_a_missing_secret_key_is_refused_in_production():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key",
    ["short-key", "django-insecure-" + "x" * 60, "a" * 80, "abab" * 20],
    ids=["short", "django-insecure", "one-character", "few-characters"],
)
def test_a_weak_secret_key_is_refused_in_production(key):
    result = manage("check", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_debug_mode_runs_without_a_secret_key():
    result = manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


# --- headers: clickjacking, CSP, sniffing ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "southwark_editor"])
def test_pages_forbid_framing_and_inline_script(client_as, role):
    url = reverse("login") if role == "anonymous" else reverse("borough-returns", args=["southwark"])
    response = client_as(role).get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def our_templates():
    return sorted((ROOT / "templates").rglob("*.html")) + sorted(ROOT.glob("*/templates/**/*.html"))


@pytest.mark.parametrize("template", our_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_handler_or_style(template):
    """The CSP blocks these in the browser; this finds them before a user does."""
    text = template.read_text()
    for pattern, what in (
        (INLINE_SCRIPT, "inline <script>"),
        (INLINE_HANDLER, "inline event handler"),
        (INLINE_STYLE, 'style="..." attribute'),
        (JS_URL, "javascript: URL"),
    ):
        match = pattern.search(text)
        assert match is None, f"{template.relative_to(ROOT)}: {what}: {match.group(0)[:80]}"


def test_no_template_or_view_turns_escaping_off():
    offenders = []
    for path in our_templates():
        text = path.read_text()
        if re.search(r"\|\s*safe\b|{%\s*autoescape\s+off", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"escaping turned off in {offenders}: build HTML with format_html instead"


# --- CSRF -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(reverse("login"), {"username": "southwark.editor", "password": TEST_PASSWORD})
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = client.post(
        reverse("login"),
        {"username": "southwark.editor", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_a_write_without_the_csrf_token_is_refused_and_writes_nothing(world, southwark_editor):
    from plans.models import Plan, QuarterlyReturn

    client = Client(enforce_csrf_checks=True)
    client.force_login(southwark_editor)
    before = QuarterlyReturn.objects.count()
    response = client.post(reverse("borough-returns", args=["southwark"]), {"quarter": "2025-Q1"})
    assert response.status_code == 403
    assert QuarterlyReturn.objects.count() == before
    plan = Plan.objects.get(borough__slug="southwark")
    response = client.post(reverse("admin:plans_plan_change", args=[plan.pk]), {"title": "Changed"})
    assert response.status_code == 403
    assert Plan.objects.get(pk=plan.pk).title == plan.title
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_every_form_in_our_templates_posts_with_a_csrf_token():
    missing = []
    for path in our_templates():
        text = path.read_text()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
            if re.search(r'method="post"', form, re.I) and "{% csrf_token %}" not in form:
                missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"POST forms without {{% csrf_token %}}: {missing}"


# --- sessions -------------------------------------------------------------------------------

PAGE = "/boroughs/southwark/returns/"


@pytest.mark.django_db
def test_a_session_expires_after_the_idle_time(world, southwark_editor):
    client = Client()
    client.force_login(southwark_editor)
    assert client.get(PAGE).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    expected = timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.expire_date - expected).total_seconds()) < 60
    # Idle past the limit: the session is gone and the next request goes to the login page.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_request_extends_the_session(world, southwark_editor):
    client = Client()
    client.force_login(southwark_editor)
    key = client.session.session_key
    soon = timezone.now() + timezone.timedelta(minutes=5)
    Session.objects.filter(pk=key).update(expire_date=soon)
    assert client.get(PAGE).status_code == 200
    assert Session.objects.get(pk=key).expire_date > soon + timezone.timedelta(hours=1)


def test_session_settings():
    assert settings.SESSION_RENEW_SECONDS <= 60  # the idle limit renewed at most a minute late
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is True


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_refuses_a_weak_password_for_a_new_user(client_as):
    admin = client_as("administrator")
    before = get_user_model().objects.count()
    response = admin.post(
        reverse("admin:auth_user_add"),
        {
            "username": "new.editor",
            "password1": "password123",
            "password2": "password123",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "password" in str(response.context["adminform"].form.errors).lower()
    assert get_user_model().objects.count() == before


@pytest.mark.django_db
def test_the_admin_refuses_a_weak_password_change(client_as, southwark_editor):
    old_hash = southwark_editor.password
    response = client_as("administrator").post(
        reverse("admin:auth_user_password_change", args=[southwark_editor.pk]),
        {"password1": "southwark1", "password2": "southwark1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    southwark_editor.refresh_from_db()
    assert southwark_editor.password == old_hash


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["short", "password12345", "123456789012"])
def test_demo_users_refuse_a_weak_password(world, weak):
    from plans.demo import ensure_demo_users

    with pytest.raises(ValidationError):
        ensure_demo_users(weak)


def test_password_validators_are_on():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


# --- security events ------------------------------------------------------------------------


def security_records(caplog):
    return [r for r in caplog.records if r.name == "trustplan.security"]


@pytest.mark.django_db
def test_login_success_and_failure_are_logged_with_user_address_and_time(world, caplog):
    with caplog.at_level(logging.INFO, logger="trustplan.security"):
        Client(REMOTE_ADDR="192.0.2.10").post(
            reverse("login"), {"username": "analyst", "password": "nope-nope-nope"}
        )
        Client(REMOTE_ADDR="192.0.2.11").post(
            reverse("login"), {"username": "analyst", "password": TEST_PASSWORD}
        )
    records = security_records(caplog)
    failed = [r for r in records if r.getMessage().startswith("login failed")]
    succeeded = [r for r in records if r.getMessage().startswith("login succeeded")]
    assert len(failed) == 1 and len(succeeded) == 1
    assert "username='analyst'" in failed[0].getMessage()
    assert failed[0].ip == "192.0.2.10"
    assert succeeded[0].ip == "192.0.2.11"
    assert succeeded[0].user.startswith("analyst#")
    line = formatted(succeeded[0])
    assert re.match(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO trustplan\.security user=analyst#\d+ ip=192\.0\.2\.11 ",
        line,
    )


@pytest.mark.django_db
def test_a_refused_request_is_logged_with_the_user(world, client_as, caplog, lambeth_plan):
    from plans.models import Plan

    with caplog.at_level(logging.INFO, logger="trustplan.security"):
        response = client_as("analyst").post(reverse("borough-returns", args=["lambeth"]), {})
    assert response.status_code == 403
    denials = [r for r in security_records(caplog) if "permission denied" in r.getMessage()]
    assert denials, [r.getMessage() for r in security_records(caplog)]
    assert denials[-1].user.startswith("analyst#")
    assert "POST /boroughs/lambeth/returns/" in denials[-1].getMessage()
    assert Plan.objects.filter(pk=lambeth_plan.pk).exists()


def formatted(record):
    handler = next(h for h in logging.getLogger("trustplan.security").handlers if h.formatter)
    return handler.format(record)


def test_a_log_line_cannot_be_forged_through_a_username():
    from trustplan.security import log_event

    logger = logging.getLogger("trustplan.security")
    captured = []

    class Keep(logging.Handler):
        def emit(self, record):
            captured.append(formatted(record))

    keep = Keep()
    logger.addHandler(keep)
    try:
        log_event("login failed", username="x\n2026-01-01T00:00:00.000Z INFO login succeeded user=admin")
    finally:
        logger.removeHandler(keep)
    assert len(captured) == 1
    assert "\n" not in captured[0]
    assert "user=system:" in captured[0]


def test_a_line_break_in_any_security_message_is_escaped():
    record = logging.LogRecord(
        "trustplan.security", logging.INFO, __file__, 1, "plan import file=%s", ("a.xlsx\nINFO forged",), None
    )
    from trustplan.security import RequestContextFilter

    RequestContextFilter().filter(record)
    line = formatted(record)
    assert "\n" not in line
    assert "a.xlsx\\nINFO forged" in line


def test_events_from_a_command_name_the_operator():
    from trustplan.security import RequestContextFilter

    record = logging.LogRecord("trustplan.security", logging.INFO, __file__, 1, "import", (), None)
    RequestContextFilter().filter(record)
    assert record.user.startswith("system:")
    assert record.ip == "-"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1", "10.0.0.1"),
        (1, "203.0.113.9", "10.0.0.1", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "10.0.0.1", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "10.0.0.1", "203.0.113.9"),
        (1, "", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(proxies, forwarded, remote, expected):
    from trustplan.security import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


# --- admin history cannot be reverted -------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_cannot_revert_an_actions_text(client_as, southwark_plan):
    from plans.models import Action

    action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
    history_id = action.history.order_by("history_id").first().history_id
    url = reverse("admin:plans_action_simple_history", args=[action.pk, history_id])
    form = {"text": "Reverted by someone", "objective": action.objective_id, "position": action.position}
    assert client_as("southwark_editor").post(url, form).status_code == 403
    assert client_as("lambeth_editor").post(url, form).status_code == 404
    assert client_as("lambeth_editor").get(url).status_code == 404
    assert client_as("administrator").post(url, form).status_code == 403
    action.refresh_from_db()
    assert action.text != "Reverted by someone"


def test_rest_framework_is_closed_by_default():
    defaults = settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]
    assert "rest_framework.permissions.IsAuthenticated" in defaults
    assert "rest_framework.permissions.AllowAny" not in defaults
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT
