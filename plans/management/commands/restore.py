"""manage.py restore PATH: put a backup made by `manage.py backup` back into the database."""

import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from .backup import pg_environment, pg_tool, run_tool


def has_data(connection):
    """True when any table of the database holds a row."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return True
    return False


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database. Refuses to "
        "overwrite a database that holds data unless --force is given. Stop the service first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A backup file written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database even though it holds data (everything in it is lost).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path, force, database, **options):
        source = Path(path).expanduser().resolve()
        if not source.is_file():
            raise CommandError(f"No backup file at {source}.")
        connection = connections[database]
        if connection.vendor == "sqlite":
            check = self._check_sqlite
            restore = self._sqlite
        elif connection.vendor == "postgresql":
            check = self._check_postgresql
            restore = self._postgresql
        else:
            raise CommandError(f"Restoring {connection.vendor} databases is not supported.")
        check(source)  # a wrong or damaged file is refused before anything is touched
        if has_data(connection) and not force:
            raise CommandError(
                "The database already holds data: restoring would replace all of it. "
                "Take a backup of it first, then run again with --force."
            )
        restore(connection, source)
        self.stdout.write(self.style.SUCCESS(f"Restored {source} into the {connection.vendor} database."))

    # --- SQLite ---------------------------------------------------------------------------

    def _check_sqlite(self, source):
        try:
            backup = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
            try:
                result = backup.execute("PRAGMA quick_check").fetchone()[0]
                tables = {r[0] for r in backup.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            finally:
                backup.close()
        except sqlite3.DatabaseError as exc:
            raise CommandError(f"{source} is not a SQLite backup: {exc}.") from exc
        if result != "ok":
            raise CommandError(f"{source} is damaged: {result}.")
        if "django_migrations" not in tables:
            raise CommandError(f"{source} is a SQLite file but not a TrustPlan backup.")

    def _sqlite(self, connection, source):
        connection.close()
        connection.ensure_connection()
        backup = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            # The backup API replaces the live database page by page, under its lock.
            backup.backup(connection.connection)
        finally:
            backup.close()
        connection.close()

    # --- PostgreSQL -----------------------------------------------------------------------

    def _check_postgresql(self, source):
        tool = pg_tool("pg_restore")
        listing = run_tool([tool, "--list", str(source)], pg_environment({}))
        if "django_migrations" not in listing.stdout:
            raise CommandError(f"{source} is a PostgreSQL dump but not a TrustPlan backup.")

    def _postgresql(self, connection, source):
        tool = pg_tool("pg_restore")
        env = pg_environment(connection.settings_dict)
        connection.close()
        run_tool(
            [
                tool,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",  # all or nothing
                "--exit-on-error",
                f"--dbname={env['PGDATABASE']}",
                str(source),
            ],
            env,
        )
