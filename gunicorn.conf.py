"""gunicorn's settings for TrustPlan (read by ``make serve`` and ``make load``).

Sync workers, one per core plus one (``WORKERS`` overrides the number). The work of a request
is mostly Python on the CPU: one worker per core keeps the cores busy, and the extra one takes
a core while another waits on the database (PostgreSQL's answer, or SQLite's writer's lock).
More workers than that do not serve more requests on a busy machine; they share the cores, so
a slow page holds a worker longer and every request waits longer behind it. Requests beyond
the workers queue in the listening socket and are served in turn. (Measured under ``make
load``: README, "Benchmarks".)

The application is loaded once, before the workers are forked (``preload_app``), and warmed
there (``trustplan/startup.py``: every view imported, the templates compiled, the shipped
key-driver analysis fitted): a worker's first requests no longer spend about 2.5 s of CPU on
that, and every worker shares it.

The garbage collector is tuned for a server: what the warm-up loaded is moved out of its reach
before the workers are forked (``gc.freeze``: it is never freed, and a collection no longer walks
it, nor writes to its pages, which stay shared between the workers), and a worker collects its
youngest objects after 10,000 allocations instead of 700 (``GC_THRESHOLD``, three numbers). A
page allocates tens of thousands of objects, few of them in cycles: with the defaults the
collector ran about three times a request and took 3.1 ms of it (in-process, the load test's
mix of requests); frozen and with these thresholds, 1.0 ms.

Each worker keeps its database connection between requests (``CONN_MAX_AGE``, 60 s unless
set), checked before reuse (trustplan/settings/base.py), which saves opening one per request (on
PostgreSQL a new backend process and authentication; on SQLite the pragmas).
"""

import multiprocessing
import os

workers = int(os.environ.get("WORKERS") or multiprocessing.cpu_count() + 1)
worker_class = "sync"
preload_app = True
timeout = 60
os.environ.setdefault("CONN_MAX_AGE", "60")


def when_ready(server):
    """Once the application is loaded, before the workers are forked. A failure here is logged
    and the server starts anyway: the workers then do that work on their first requests."""
    from trustplan.startup import warm

    try:
        warm()
    except Exception:  # noqa: BLE001 — never keep the server from starting
        server.log.exception("Warm-up failed; the workers will do it on their first requests.")


def pre_fork(server, worker):
    """Before each worker is forked: what the server holds is frozen (never collected, shared)."""
    from trustplan.startup import freeze

    freeze()


def post_fork(server, worker):
    """In each new worker: collect less often (``GC_THRESHOLD``: ``trustplan.startup.gc_threshold``)."""
    from trustplan.startup import collect_less_often

    collect_less_often()
