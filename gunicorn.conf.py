"""gunicorn's settings for TrustPlan (read by ``make serve`` and ``make load``).

Sync workers, two per core plus one: a request spends part of its time waiting on the
database (and, on SQLite, on a writer's lock), so a core is kept busy by a second worker
while the first waits. ``WORKERS`` overrides the number. Each worker keeps its database
connection between requests (``CONN_MAX_AGE``, 60 s unless set), which saves opening one per
request (on PostgreSQL a new backend process and authentication; on SQLite the pragmas).
"""

import multiprocessing
import os

workers = int(os.environ.get("WORKERS") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = 60
os.environ.setdefault("CONN_MAX_AGE", "60")
