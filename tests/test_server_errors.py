"""A server error is logged with its traceback and a reference, and the user gets a page with
that reference to quote (issue 16, item 5)."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@override_settings(ROOT_URLCONF="tests.urls_with_error", DEBUG=False)
def test_a_server_error_shows_a_reference_and_logs_it_with_the_traceback(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test-failure/")
    assert response.status_code == 500
    page = response.content.decode()
    reference = re.search(r"Reference: <code>([0-9A-F]{8})</code>", page).group(1)
    assert "RuntimeError" not in page and "database went away" not in page
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert f"reference={reference}" in records[0].getMessage()
    assert records[0].exc_info and records[0].exc_info[0] is RuntimeError


def test_a_server_error_reaches_stderr_and_the_security_log_file_in_production(tmp_path):
    log_file = tmp_path / "security.log"
    script = (
        "import django; django.setup();"
        "from django.test import Client; from django.test.utils import override_settings;"
        "c = Client(raise_request_exception=False, HTTP_X_FORWARDED_PROTO='https');"
        "r = override_settings(ROOT_URLCONF='tests.urls_with_error')(lambda: c.get('/test-failure/'))();"
        "print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trustplan.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 30 + "production-like-secret-key-0123456789",
        "SECURITY_LOG_FILE": str(log_file),
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    result = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.startswith("500 "), result.stderr[-2000:]
    reference = re.search(r"Reference: <code>([0-9A-F]{8})</code>", result.stdout).group(1)
    for text in (result.stderr, log_file.read_text()):
        assert f"reference={reference}" in text
        assert "Traceback (most recent call last)" in text
        assert "RuntimeError: the database went away (test)" in text
