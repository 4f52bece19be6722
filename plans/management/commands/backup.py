"""manage.py backup PATH: a consistent copy of the live database.

The file is readable by its owner only (mode 0600 from the moment it is created), and holds no
live log-in: the rows of the session table and of the database cache (pages rendered for one
user) are left out (the tables themselves are kept, empty). API tokens are stored hashed
(``plans.models.ApiToken``), so a backup holds no usable token either.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def pg_environment(settings_dict):
    """Connection settings for the PostgreSQL client tools, passed by environment (never on the
    command line, where other users of the machine could read a password)."""
    env = dict(os.environ)
    mapping = {
        "HOST": "PGHOST",
        "PORT": "PGPORT",
        "USER": "PGUSER",
        "PASSWORD": "PGPASSWORD",
        "NAME": "PGDATABASE",
    }
    for key, variable in mapping.items():
        value = settings_dict.get(key)
        if value not in (None, ""):
            env[variable] = str(value)
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    return env


def pg_tool(name):
    path = shutil.which(name)
    if not path:
        raise CommandError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools of the server's "
            f"major version (Debian: apt-get install postgresql-client) and try again."
        )
    return path


BACKUP_MODE = 0o600


def excluded_tables():
    """Tables whose rows a backup leaves out: sessions (live log-ins) and the database cache."""
    tables = ["django_session"]
    for cache in settings.CACHES.values():
        if cache.get("BACKEND", "").endswith("DatabaseCache"):
            tables.append(cache["LOCATION"])
    return tables


def create_private(path):
    """Create ``path`` empty, readable and writable by its owner only (0600), whatever the umask."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, BACKUP_MODE))
    os.chmod(path, BACKUP_MODE)


def run_tool(args, env):
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{Path(args[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to PATH while the service runs: SQLite through its "
        "online backup API, PostgreSQL with pg_dump in custom format (-Fc). Restore with "
        "`manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write (refused if it exists, unless --force).")
        parser.add_argument("--force", action="store_true", help="Overwrite PATH if it exists.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path, force, database, **options):
        target = Path(path).expanduser().resolve()
        if target.exists() and not force:
            raise CommandError(f"{target} already exists: choose a new name or pass --force.")
        if not target.parent.is_dir():
            raise CommandError(f"Folder {target.parent} does not exist.")
        connection = connections[database]
        if connection.in_atomic_block:
            raise CommandError("A backup must run on its own, outside a database transaction.")
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            create_private(partial)
            if connection.vendor == "sqlite":
                self._sqlite(connection, partial)
            elif connection.vendor == "postgresql":
                self._postgresql(connection, partial)
            else:
                raise CommandError(f"Backups of {connection.vendor} databases are not supported.")
            os.chmod(partial, BACKUP_MODE)
            partial.replace(target)  # the file appears complete, or not at all
        finally:
            partial.unlink(missing_ok=True)
        size = target.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written: {target} ({size:,} bytes)."))

    def _sqlite(self, connection, partial):
        connection.ensure_connection()
        destination = sqlite3.connect(partial)
        try:
            # The online backup API copies a consistent snapshot, including pages still in
            # the write-ahead log; a plain file copy would not.
            connection.connection.backup(destination)
            destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            present = {r[0] for r in destination.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            for table in excluded_tables():
                if table in present:
                    destination.execute(f'DELETE FROM "{table}"')  # noqa: S608 — names from settings
            destination.commit()
            destination.execute("VACUUM")  # the deleted rows' pages are not kept either
        finally:
            destination.close()

    def _postgresql(self, connection, partial):
        tool = pg_tool("pg_dump")
        run_tool(
            [
                tool,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *[f"--exclude-table-data={table}" for table in excluded_tables()],
                f"--file={partial}",
            ],
            pg_environment(connection.settings_dict),
        )
