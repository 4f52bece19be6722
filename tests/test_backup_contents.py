"""A backup is readable by its owner only and holds no live log-in, no cached page and no usable
API token (issue 16, items 2 and 10)."""

import os
import sqlite3
import stat

import pytest

from tests.test_backup_restore import manage, sqlite_url


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A migrated file database holding a session, a cached page and an API token."""
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    manage(sqlite_url(path), "migrate", "--no-input", "-v", "0")
    manage(
        sqlite_url(path),
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from django.core.cache import cache;"
        "from django.contrib.sessions.backends.db import SessionStore; from plans.tokens import issue_token;"
        "u = get_user_model().objects.create_user('backup.user');"
        "s = SessionStore(); s['_auth_user_id'] = str(u.pk); s.create();"
        "cache.set('trustplan:page:x', b'<html>a page for one user</html>', 600);"
        "print(issue_token(user=u, name='n', scope='read', days=7)[1])",
    )
    return path


def rows(path, table):
    db = sqlite3.connect(path)
    try:
        return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
    finally:
        db.close()


def test_a_backup_is_private_and_leaves_out_sessions_and_the_cache(live, tmp_path):
    assert rows(live, "django_session") == 1 and rows(live, "trustplan_cache") >= 1
    old = os.umask(0o022)  # a permissive umask, as on many servers
    try:
        backup = tmp_path / "live.backup"
        manage(sqlite_url(live), "backup", str(backup))
    finally:
        os.umask(old)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert rows(backup, "django_session") == 0
    assert rows(backup, "trustplan_cache") == 0
    assert rows(backup, "plans_apitoken") == 1
    content = backup.read_bytes()
    assert b"a page for one user" not in content
    assert rows(live, "django_session") == 1  # the live database keeps its sessions


def test_a_backup_holds_no_usable_api_token(live, tmp_path):
    backup = tmp_path / "tokens.backup"
    manage(sqlite_url(live), "backup", str(backup))
    db = sqlite3.connect(backup)
    try:
        stored = db.execute("SELECT prefix, key_hash FROM plans_apitoken").fetchall()
    finally:
        db.close()
    assert stored and all(len(key_hash) == 64 for _, key_hash in stored)
    assert "authtoken_token" not in {
        r[0] for r in sqlite3.connect(backup).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }


def test_a_restored_backup_works_with_empty_sessions(live, tmp_path):
    backup = tmp_path / "round.backup"
    manage(sqlite_url(live), "backup", str(backup))
    restored = tmp_path / "restored.sqlite3"
    manage(sqlite_url(restored), "restore", str(backup))
    assert rows(restored, "django_session") == 0 and rows(restored, "plans_apitoken") == 1
