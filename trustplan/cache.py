"""The database cache of the project (``CACHES["default"]`` when no ``REDIS_URL`` is set).

Django's database cache writes a value in five statements: a count of the whole table (to
cull it when over ``MAX_ENTRIES``), then a transaction of a read, an update or insert, and the
commit. The API's throttles write their count on every request and every status update starts
a new data generation (``plans/freshness.py``), so on SQLite each of them took the one
writer's lock for a transaction of its own. Here ``set`` is one statement, an upsert
(``INSERT … ON CONFLICT … DO UPDATE``, SQLite and PostgreSQL alike), and the table is counted
on one ``set`` in ``OPTIONS["COUNT_EVERY"]`` (per process; default 50), so it may exceed
``MAX_ENTRIES`` by that many entries per worker before it is culled. A count costs a scan of
the table (milliseconds when the page cache fills it). ``add`` and ``touch`` are Django's.
"""

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router
from django.utils.timezone import now as tz_now

COUNT_EVERY = 50
UPSERT_VENDORS = {"sqlite", "postgresql"}


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._sets = itertools.count()
        self.count_every = max(1, int(params.get("OPTIONS", {}).get("COUNT_EVERY", COUNT_EVERY)))

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if mode != "set" or connection.vendor not in UPSERT_VENDORS:
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table, key_column, value_column, expires_column = (
            quote(name) for name in (self._table, "cache_key", "value", "expires")
        )
        with connection.cursor() as cursor:
            if next(self._sets) % self.count_every == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 — quoted names only
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
            upsert = (
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "  # noqa: S608
                f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
                f"{value_column} = excluded.{value_column}, {expires_column} = excluded.{expires_column}"
            )
            try:
                cursor.execute(upsert, [key, encoded, expires])
            except DatabaseError:
                return False  # as Django's: a write the database refused is a miss, not an error
        return True
