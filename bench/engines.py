"""Which database engines a run measures, and switching the orchestrator between them (no Django).

SQLite is always measured. PostgreSQL is measured too when a server is named: by
``--postgres URL``, by ``BENCH_POSTGRES_URL``, or by a PostgreSQL ``DATABASE_URL``. The URL's
database name is the prefix of the benchmark's own databases (``<name>_bench_london`` and so
on, created and dropped by ``bench.datasets``); the database it names is never touched.
"""

import contextlib
import os

from bench import datasets

ENGINES = ("sqlite", "postgresql")


def postgres_url(explicit=None):
    """The PostgreSQL server to measure, or "" when none is named."""
    for url in (explicit, os.environ.get("BENCH_POSTGRES_URL"), os.environ.get("DATABASE_URL")):
        if url and datasets.is_postgres(url):
            return url
    return ""


def chosen(names=None, explicit_postgres=None):
    """{engine: DATABASE_URL} in the order measured. ``names`` (a comma-separated string)
    narrows the choice; asking for PostgreSQL with no server named is an error."""
    pg = postgres_url(explicit_postgres)
    wanted = [n.strip() for n in (names or "").split(",") if n.strip()] or (
        list(ENGINES) if pg else ["sqlite"]
    )
    unknown = [n for n in wanted if n not in ENGINES]
    if unknown:
        raise ValueError(f"unknown engine {unknown[0]!r}: choose from {', '.join(ENGINES)}")
    if "postgresql" in wanted and not pg:
        raise ValueError("PostgreSQL asked for but no server named: set BENCH_POSTGRES_URL or --postgres")
    return {name: (pg if name == "postgresql" else "") for name in wanted}


@contextlib.contextmanager
def using(url):
    """``DATABASE_URL`` set to ``url`` ("" for the SQLite files) while the block runs."""
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


def load_average():
    """The 1-minute load average (the machine is shared: every figure is read beside it)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None
