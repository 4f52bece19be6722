"""The database settings read from the environment: PostgreSQL's prepared statements."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "from django.conf import settings; import json; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def _options(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PG_PREPARED_STATEMENTS")}
    environment.update(DJANGO_SETTINGS_MODULE="trustplan.settings", DEBUG="1", **env)
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgresql_keeps_statements_prepared_with_generic_plans_unless_told_not_to():
    options = _options(DATABASE_URL="postgres://someone@db.example:5432/trustplan")
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2
    assert "plan_cache_mode=force_generic_plan" in options["options"]
    off = _options(DATABASE_URL="postgres://someone@db.example:5432/trustplan", PG_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in off and "prepare_threshold" not in off


def test_the_connection_options_of_the_url_are_kept_beside_the_plan_mode():
    url = "postgres://someone@db.example:5432/trustplan?options=-c%20search_path%3Dtrust&sslmode=require"
    options = _options(DATABASE_URL=url)
    assert options["options"] == "-c search_path=trust -c plan_cache_mode=force_generic_plan"
    assert options["sslmode"] == "require"


def test_sqlite_is_not_given_postgresql_options():
    options = _options(DATABASE_URL="sqlite:////tmp/trustplan-settings-test.sqlite3")
    assert "server_side_binding" not in options and options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_a_statement_run_twice_is_prepared_on_the_server():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    if not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        pytest.skip("PG_PREPARED_STATEMENTS=0")
    sql = "SELECT COUNT(*) FROM plans_borough WHERE slug <> %s"
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(sql, ["nowhere"])
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        prepared = {statement: generic for statement, generic in cursor.fetchall()}
    found = [generic for statement, generic in prepared.items() if "slug <> $1" in statement]
    assert found and found[0] >= 1, prepared
