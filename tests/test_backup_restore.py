"""backup/restore round-trip a synthetic London: every table's rows and checksum survive.

SQLite: file databases in a temporary folder, each command in its own process (the test
database is never touched). PostgreSQL (DATABASE_URL=postgres://…): the test database is
backed up and restored into a fresh database created and dropped here.
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

ROOT = settings.BASE_DIR
# Rows a backup leaves out on purpose (live log-ins, cached pages): tests/test_backup_contents.py
LEFT_OUT = {"django_session", "trustplan_cache"}
SYNTHETIC = ["make_synthetic", "--boroughs", "32", "--months", "3", "--seed", "1", "--actions", "10"]


def manage(database_url, *args, check=True):
    env = {
        k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DATABASE_URL=database_url, DEBUG="1")
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check:
        assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result


def sqlite_url(path):
    return f"sqlite:///{path}"


def sqlite_fingerprint(path):
    """{table: (row count, sha256 of every row in a stable order)}."""
    db = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        result = {}
        for table in [t for t in tables if t not in LEFT_OUT]:
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            order = ", ".join(f'"{c}"' for c in columns)
            rows = db.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()  # noqa: S608
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return result
    finally:
        db.close()


@pytest.fixture(scope="module")
def london_database_file(tmp_path_factory):
    """A file database with the reference data and a synthetic London (32 boroughs)."""
    path = tmp_path_factory.mktemp("london") / "london.sqlite3"
    manage(sqlite_url(path), "migrate", "--no-input", "-v", "0")
    manage(sqlite_url(path), "load_reference", "-v", "0")
    manage(sqlite_url(path), *SYNTHETIC)
    return path


def test_sqlite_round_trip_keeps_every_table_identical(london_database_file, tmp_path):
    backup = tmp_path / "london.backup"
    result = manage(sqlite_url(london_database_file), "backup", str(backup))
    assert "Backup written" in result.stdout
    restored = tmp_path / "restored.sqlite3"
    result = manage(sqlite_url(restored), "restore", str(backup))
    assert "Restored" in result.stdout
    original = sqlite_fingerprint(london_database_file)
    assert original["plans_plan"][0] == 32
    assert original["plans_action"][0] == 320
    assert original["plans_statusupdate"][0] > 320
    assert sqlite_fingerprint(restored) == original


def test_restore_refuses_a_database_with_data_unless_forced(london_database_file, tmp_path):
    backup = tmp_path / "london.backup"
    manage(sqlite_url(london_database_file), "backup", str(backup))
    # A database holding something else: restore refuses, then --force replaces it.
    other = tmp_path / "other.sqlite3"
    manage(sqlite_url(other), "migrate", "--no-input", "-v", "0")
    manage(sqlite_url(other), "load_reference", "-v", "0")
    before = sqlite_fingerprint(other)
    refused = manage(sqlite_url(other), "restore", str(backup), check=False)
    assert refused.returncode != 0
    assert "already holds data" in refused.stderr
    assert sqlite_fingerprint(other) == before
    manage(sqlite_url(other), "restore", "--force", str(backup))
    assert sqlite_fingerprint(other) == sqlite_fingerprint(london_database_file)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    garbage = tmp_path / "not-a-backup.sqlite3"
    garbage.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 100)
    target = tmp_path / "target.sqlite3"
    result = manage(sqlite_url(target), "restore", str(garbage), check=False)
    assert result.returncode != 0
    assert "not a SQLite backup" in result.stderr
    assert "Traceback" not in result.stderr
    other = tmp_path / "plain.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = manage(sqlite_url(target), "restore", str(other), check=False)
    assert result.returncode != 0
    assert "not a TrustPlan backup" in result.stderr


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    result = manage(
        sqlite_url(tmp_path / "db.sqlite3"), "restore", str(tmp_path / "nowhere.backup"), check=False
    )
    assert result.returncode != 0
    assert "No backup file" in result.stderr


@pytest.mark.django_db
def test_backup_never_overwrites_a_file_unless_forced(world, tmp_path):
    existing = tmp_path / "keep.backup"
    existing.write_text("yesterday's backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_text() == "yesterday's backup"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite online backup of the live database")
def test_backup_of_the_live_database_is_a_readable_copy(transactional_world, tmp_path):
    from plans.models import Action, StatusUpdate

    target = tmp_path / "live.backup"
    call_command("backup", str(target), stdout=open(os.devnull, "w"))  # noqa: SIM115
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT count(*) FROM plans_action").fetchone()[0] == Action.objects.count()
        assert (
            copy.execute("SELECT count(*) FROM plans_statusupdate").fetchone()[0]
            == StatusUpdate.objects.count()
        )
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        copy.close()


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_fingerprint(cursor):
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [r[0] for r in cursor.fetchall() if r[0] not in LEFT_OUT]
    result = {}
    for table in tables:
        digest = "md5(coalesce(string_agg(t::text, chr(30) ORDER BY t::text), ''))"
        cursor.execute(f'SELECT count(*), {digest} FROM "{table}" t')  # noqa: S608
        result[table] = tuple(cursor.fetchone())
    return result


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs when DATABASE_URL is PostgreSQL")
def test_postgresql_round_trip_keeps_every_table_identical(transactional_world, tmp_path):
    import psycopg

    from plans.synthetic import make_synthetic

    make_synthetic(boroughs=32, months=3, seed=1, actions_per_plan=10)
    backup = tmp_path / "london.dump"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    params = connection.settings_dict
    fresh = f"{params['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    server = {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        user = params["USER"] or ""
        host = params["HOST"] or "localhost"
        port = params["PORT"] or 5432
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        url = f"postgres://{user}{password}@{host}:{port}/{fresh}"
        result = manage(url, "restore", str(backup))
        assert "Restored" in result.stdout
        with connection.cursor() as cursor:
            original = pg_fingerprint(cursor)
        with psycopg.connect(dbname=fresh, **server) as restored, restored.cursor() as cursor:
            copy = pg_fingerprint(cursor)
        assert original["plans_plan"][0] >= 32
        assert original["plans_statusupdate"][0] > 320
        assert copy == original
        refused = manage(url, "restore", str(backup), check=False)
        assert refused.returncode != 0
        assert "already holds data" in refused.stderr
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
