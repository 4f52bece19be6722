"""The dashboards' page cache and the data generation that keeps it honest.

A dashboard is read far more often than the data behind it changes, and building one costs
dozens of aggregate queries and a large template. ``cached_page`` keeps the rendered page of a
GET for ``DASHBOARD_CACHE_SECONDS`` (0 turns it off), keyed by

- the user and their session (a page is never served to anyone but the person it was built
  for, and its CSRF token stays that session's),
- the path and the normalised filters (``plans/page_keys.py``: unknown parameters are not
  cached at all; at most ``PAGE_CACHE_ENTRIES_PER_USER`` pages per user; expired entries culled),
- today's date (overdue counts change at midnight),
- the *data generation*: a token that changes after every committed write to the project's
  data, so the next request builds the page afresh.

The generation changes after every committed write to a table of the project's data, by one
mechanism: ``connect()`` puts ``_watch`` on every database connection, which sees each INSERT,
UPDATE and DELETE into a table of the plans, drivers, auth and authtoken apps (a model's save,
a bulk write, a queryset update or raw SQL alike; not the last-login stamp of a log-in, nor
the permissions ``migrate`` writes) and starts a new generation when the transaction commits,
once per commit. Nothing else announces a write. The time limit is
the backstop for the one thing a write does not announce: an action becoming stale as time
passes, which is therefore shown at most ``DASHBOARD_CACHE_SECONDS`` late. A page with a message
to show (after a save) is never cached or served from the cache.
"""

import functools
import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.utils import timezone

from . import page_keys

logger = logging.getLogger(__name__)
GENERATION_KEY = "trustplan:data-generation"
REFERENCE_KEY = "trustplan:reference-generation"
# The reference tables every page reads (plans/shared_tables.py keeps them between requests): a
# committed write to one of them also starts a new reference generation.
REFERENCE_TABLES = {
    "plans_bcu",
    "plans_borough",
    "plans_plan",  # a borough's plan row (its title, period, review interval), not its actions
    "plans_pillar",
    "drivers_framework",
    "drivers_driver",
    "drivers_measure",
    "drivers_measure_drivers",
    "drivers_respondentfile",  # the kept key-driver analysis behind the importance weights
    "plans_measurereading",  # the survey readings and targets the outcome panels show
    "plans_target",
}
WATCHED_APPS = {"plans", "drivers", "auth", "authtoken"}
# Written by migrate (no page shows it), and the statuses kept at a quarter's end (they equal the
# history they are built from: keeping them changes no page).
UNWATCHED_TABLES = {
    "auth_permission",
    "plans_quarterendstatus",
    "plans_quarterendsnapshot",
    "plans_boroughstamp",
}
WRITE = re.compile(
    r'\s*(?:INSERT(?:\s+OR\s+(?:IGNORE|REPLACE))?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?P<table>[A-Za-z0-9_]+)',
    re.IGNORECASE,
)
LOGIN_STAMP = re.compile(r'\s*UPDATE\s+"?auth_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE', re.IGNORECASE)


def generation(key=GENERATION_KEY):
    """The current data generation (``REFERENCE_KEY``: the reference generation), a new one
    started if the cache lost it."""
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key)
    return token


def _new_generation(reference=False):
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
        if reference:
            cache.set(REFERENCE_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 — the write has committed; never fail it for the cache
        logger.exception("Could not start a new data generation: cached pages may be stale.")


class _Commit:
    """The writes of one transaction: the first of its on-commit calls starts the generation (and
    the reference generation when one of them wrote a reference table)."""

    done = False
    reference = False

    def run(self):
        if not self.done:
            self.done = True
            _new_generation(self.reference)


def _announce(connection, reference):
    commit = getattr(connection, "_trustplan_commit", None)
    if commit is None or commit.done:
        commit = connection._trustplan_commit = _Commit()
    commit.reference = commit.reference or reference
    transaction.on_commit(commit.run, using=connection.alias)


def is_watched_write(sql):
    """True for an INSERT, UPDATE or DELETE into a table of the project's data (not a log-in's
    last-login stamp, not the permissions table)."""
    found = WRITE.match(sql)
    if found is None:
        return False
    table = found["table"]
    if table in UNWATCHED_TABLES or table.split("_", 1)[0] not in WATCHED_APPS:
        return False
    return not LOGIN_STAMP.match(sql)


def _watch(execute, sql, params, many, context):
    connection = context["connection"]
    if not is_watched_write(sql):
        return execute(sql, params, many, context)
    reference = WRITE.match(sql)["table"] in REFERENCE_TABLES
    if not connection.in_atomic_block:
        # Autocommit: the statement commits by itself. Start the generation before it, never
        # between it and the fetch of its RETURNING row: the cache's own statements there would
        # end the unfinished INSERT on SQLite and lose the row.
        _new_generation(reference)
        return execute(sql, params, many, context)
    result = execute(sql, params, many, context)
    _announce(connection, reference)
    return result


def _install(connection, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)  # first: a scoped execute_wrapper pops the last


def connect():
    """Called once from ``PlansConfig.ready``: every connection, open or opened later, is watched."""
    connection_created.connect(_install, dispatch_uid="trustplan-freshness")
    for connection in connections.all(initialized_only=True):
        _install(connection)


def _key(request, query):
    parts = [
        str(request.user.pk),
        request.session.session_key or "",
        request.path,
        query,
        timezone.localdate().isoformat(),
        generation(),
    ]
    return "trustplan:page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_page(view):
    """Serve a dashboard's GET from the page cache when nothing has changed since it was built."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 0)
        if (
            not seconds
            or request.method != "GET"
            or not request.user.is_authenticated
            or len(get_messages(request))
        ):
            return view(request, *args, **kwargs)
        query = page_keys.normalised_query(request.GET)
        if query is None:
            return view(request, *args, **kwargs)  # not a dashboard's own parameters: never stored
        if request.session.session_key is None:
            request.session.save()
        key = _key(request, query)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), seconds)
            page_keys.remember(request.user.pk, key, seconds)
            page_keys.cull_expired()
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
