"""The benchmark datasets and their databases. No Django here: this runs in the orchestrator.

A scale is a set of ``make_synthetic`` parameters. Each scale has its own database: a SQLite
file under the data folder by default, or, when ``DATABASE_URL`` names PostgreSQL, a database
``<name>_bench_<scale>`` on the same server, created and dropped here. A database is reused
when its stamp (the parameters, the synthetic generator's source and the build date) matches.
"""

import datetime as dt
import hashlib
import json
import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_AGE_DAYS = 30  # synthetic histories end on the day they are built; rebuild when old
STAMP_TABLE = "bench_stamp"


@dataclass(frozen=True)
class Scale:
    name: str
    boroughs: int
    months: int
    actions: int
    seed: int = 1

    def stamp(self):
        source = (ROOT / "plans" / "synthetic.py").read_bytes()
        return {**asdict(self), "generator": hashlib.sha256(source).hexdigest()[:16]}


LONDON = Scale("london", boroughs=32, months=36, actions=60)
NATIONAL = Scale("national", boroughs=320, months=36, actions=60)
# The smoke test's scales: the same machinery on a few rows.
TINY_LONDON = Scale("tiny_london", boroughs=2, months=3, actions=10)
TINY_NATIONAL = Scale("tiny_national", boroughs=4, months=3, actions=10)


def base_url():
    return os.environ.get("DATABASE_URL", "")


def is_postgres(url=None):
    url = base_url() if url is None else url
    return url.split(":", 1)[0] in {"postgres", "postgresql", "pgsql", "postgis"}


def engine_name():
    return "postgresql" if is_postgres() else "sqlite"


class Database:
    """Where one named benchmark database lives, and how to stamp, check and drop it."""

    def __init__(self, label, data_dir=DEFAULT_DATA_DIR):
        self.label = label
        self.data_dir = Path(data_dir)
        self.postgres = is_postgres()
        if self.postgres:
            parts = urlsplit(base_url())
            base = parts.path.lstrip("/") or "trustplan"
            self.name = f"{base}_bench_{label}"
            self.url = urlunsplit(parts._replace(path="/" + self.name))
            self._admin_url = urlunsplit(parts._replace(path="/postgres"))
        else:
            self.name = label
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.path = self.data_dir / f"{label}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    # -- low level --------------------------------------------------------------------------
    def _pg_admin(self):
        import psycopg

        return psycopg.connect(self._admin_url, autocommit=True)

    def exists(self):
        if not self.postgres:
            return self.path.exists()
        with self._pg_admin() as conn:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
        return row is not None

    def create(self, template=None):
        if self.postgres:
            from psycopg import sql

            with self._pg_admin() as conn:
                query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
                if template:
                    query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(self.name), sql.Identifier(template.name)
                    )
                conn.execute(query)
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            if template:
                source = sqlite3.connect(template.path)
                target = sqlite3.connect(self.path)
                with target:
                    source.backup(target)
                source.close()
                target.close()

    def drop(self):
        if self.postgres:
            from psycopg import sql

            with self._pg_admin() as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
                )
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _connect(self):
        if self.postgres:
            import psycopg

            return psycopg.connect(self.url, autocommit=True)
        return sqlite3.connect(self.path)

    def read_stamp(self):
        if not self.exists():
            return None
        conn = self._connect()
        try:
            row = conn.execute(f"SELECT stamp FROM {STAMP_TABLE}").fetchone()  # noqa: S608
        except Exception:  # noqa: BLE001 — no stamp table: an unfinished build
            return None
        finally:
            conn.close()
        return json.loads(row[0]) if row else None

    def write_stamp(self, stamp):
        conn = self._connect()
        try:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (stamp TEXT NOT NULL)")
            conn.execute(f"DELETE FROM {STAMP_TABLE}")  # noqa: S608
            placeholder = "%s" if self.postgres else "?"
            conn.execute(f"INSERT INTO {STAMP_TABLE} (stamp) VALUES ({placeholder})", [json.dumps(stamp)])  # noqa: S608
            if not self.postgres:
                conn.commit()
        finally:
            conn.close()


def is_current(db, scale, today=None):
    """The database holds this scale's data, built recently with the same generator."""
    stamp = db.read_stamp()
    if not stamp:
        return False
    today = today or dt.date.today()
    built = dt.date.fromisoformat(stamp.get("built", "2000-01-01"))
    expected = scale.stamp()
    same = all(stamp.get(key) == value for key, value in expected.items())
    return same and (today - built).days <= MAX_AGE_DAYS


def make_stamp(scale):
    return {**scale.stamp(), "built": dt.date.today().isoformat()}
