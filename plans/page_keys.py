"""What the dashboards' page cache (``plans/freshness.py``) keys on, and how much it may hold.

- **Key**: the path and the *normalised* query: only the parameters a dashboard reads (the
  filters of ``ActionFilterSet``, the options of ``DashboardOptionsForm``, the page and the sort
  orders of its panels), each value list de-duplicated and sorted, empty values dropped. A
  request carrying any other parameter, more than ``MAX_VALUES`` values or a value longer than
  ``MAX_VALUE_CHARS`` is served but never stored, so junk parameters cannot grow the cache.
- **Cap**: at most ``PAGE_CACHE_ENTRIES_PER_USER`` pages per user (default 30); storing one more
  drops that user's oldest.
- **Culling**: with the database cache, expired rows are deleted at most once every
  ``CULL_EVERY_SECONDS`` (Django's own culling starts only once the table is full).
The cache table is also left out of backups (``manage.py backup``).
"""

import functools
import logging

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone

logger = logging.getLogger(__name__)
EXTRA_PARAMETERS = frozenset({"page", "nu_sort", "outcomes_sort"})
MAX_VALUES = 40
MAX_VALUE_CHARS = 80
CULL_EVERY_SECONDS = 60
CULL_KEY = "trustplan:page-cull"


@functools.cache
def known_parameters():
    """The query parameters the cached dashboards read (a frozenset of names)."""
    from .filtersets import ActionFilterSet
    from .views.dashboards import DashboardOptionsForm

    return (
        frozenset(ActionFilterSet.base_filters)
        | frozenset(DashboardOptionsForm.base_fields)
        | EXTRA_PARAMETERS
    )


def normalised_query(query):
    """``query`` (a QueryDict) as a canonical string, e.g. ``"borough=lambeth&borough=southwark
    &rag=red"``; None when the page must not be stored (an unknown parameter, too many or too
    long values)."""
    known = known_parameters()
    parts = []
    for name in sorted(query.keys()):
        if name not in known:
            return None
        values = sorted({value for value in query.getlist(name) if value != ""})
        if len(values) > MAX_VALUES or any(len(value) > MAX_VALUE_CHARS for value in values):
            return None
        parts.extend(f"{name}={value}" for value in values)
    return "&".join(parts)


def per_user_cap():
    return getattr(settings, "PAGE_CACHE_ENTRIES_PER_USER", 30)


def remember(user_pk, key, seconds):
    """Record that ``key`` holds a page of user ``user_pk``; drop that user's oldest pages beyond
    the cap. Returns the keys dropped."""
    index_key = f"trustplan:page-index:{user_pk}"
    keys = [k for k in cache.get(index_key, []) if k != key] + [key]
    cap = per_user_cap()
    dropped, kept = keys[:-cap], keys[-cap:]
    if dropped:
        cache.delete_many(dropped)
    cache.set(index_key, kept, seconds)
    return dropped


def cull_expired(force=False):
    """Delete the database cache's expired rows, at most once every CULL_EVERY_SECONDS (always
    when ``force``). Returns the number of rows deleted (0 for other cache backends)."""
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return 0  # Redis and the local-memory cache expire entries themselves
    if not force and not cache.add(CULL_KEY, 1, CULL_EVERY_SECONDS):
        return 0
    alias = router.db_for_write(backend.cache_model_class)
    connection = connections[alias]
    now = timezone.now().replace(microsecond=0)
    if not settings.USE_TZ:
        now = timezone.make_naive(now)
    table = connection.ops.quote_name(backend._table)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE expires < %s",  # noqa: S608 — the table name is ours
                [connection.ops.adapt_datetimefield_value(now)],
            )
            return cursor.rowcount
    except Exception:  # noqa: BLE001 — a page must not fail because culling did
        logger.exception("Could not delete expired page-cache entries.")
        return 0
