"""The reference tables every dashboard reads, kept in the process between requests.

BCUs, boroughs, the plans, pillars, the drivers (with their framework and measures), the survey measures,
the survey's readings and targets, and the key-driver importance weights (from the latest kept
respondent file) change only when an
administrator, an analyst's upload or a loader writes them, yet every dashboard needs them. A page
reads them through ``plans.dashboards.frame.Tables``, which takes them from here: read from the
database once, then kept in this process and given to each later page for as long as

- the *reference generation* is the one they were read under (``plans.freshness``: any committed
  write to one of these tables starts a new one, whichever way it was written), checked once per
  page with one cache read, and
- they were read less than ``REFERENCE_TABLES_SECONDS`` ago (a setting, 60 by default: a backstop
  for the moment between a write that commits by itself and its commit, when a page may read the
  old rows under the new generation). 0 keeps nothing: every page reads them (the test suite,
  whose writes are rolled back and never commit).

What is kept is shared by every user and request of the process: the lists and their rows are
never changed after they are read (callers build their own objects around them). Which rows a
user may see is decided by the caller (``Tables``), never here.
"""

import threading
import time

from django.conf import settings

from . import freshness

_lock = threading.RLock()  # a kept table may be read while another is (drivers, then measures)
_kept = {"generation": None, "read_at": 0.0, "tables": {}}


class Kept:
    """The tables of one reference generation, as one page sees them: ``get(name, load)`` gives
    the kept list ``name``, reading it with ``load()`` (a function returning a list) the first
    time it is asked for under this generation."""

    def __init__(self, tables):
        self._tables = tables

    def get(self, name, load):
        with _lock:
            if name not in self._tables:
                self._tables[name] = load()
            return self._tables[name]


def current():
    """The kept tables under today's reference generation (one cache read); a new, empty set
    when the generation changed or what is kept is older than ``REFERENCE_TABLES_SECONDS``
    (always, and no cache read, when that is 0)."""
    max_age = settings.REFERENCE_TABLES_SECONDS
    if max_age <= 0:
        return Kept({})
    token = freshness.generation(freshness.REFERENCE_KEY)
    now = time.monotonic()
    with _lock:
        if _kept["generation"] != token or now - _kept["read_at"] > max_age:
            _kept.update(generation=token, read_at=now, tables={})
        return Kept(_kept["tables"])


def forget():
    """Drop what is kept (the test suite calls it between tests: each test has its own data)."""
    with _lock:
        _kept.update(generation=None, read_at=0.0, tables={})
