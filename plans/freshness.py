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

The generation changes on every ``post_save``, ``post_delete`` and ``m2m_changed`` of a model of
the project (plans, drivers, users and groups; not the last-login stamp of a log-in), after the
transaction commits; code that writes in bulk (``bulk_create``, ``QuerySet.update``) calls
``data_changed()`` itself. The time limit is
the backstop for the one thing a write does not announce: an action becoming stale as time
passes, which is therefore shown at most ``DASHBOARD_CACHE_SECONDS`` late. A page with a message
to show (after a save) is never cached or served from the cache.
"""

import functools
import hashlib
import logging
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

from . import page_keys

logger = logging.getLogger(__name__)
GENERATION_KEY = "trustplan:data-generation"
WATCHED_APPS = {"plans", "drivers", "auth", "authtoken"}


def generation():
    """The current data generation (a new one is started if the cache lost it)."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY)
    return token


def _new_generation():
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 — the write has committed; never fail it for the cache
        logger.exception("Could not start a new data generation: cached pages may be stale.")


def data_changed():
    """Call after a write that sends no model signal; takes effect when the transaction commits."""
    transaction.on_commit(_new_generation)


def _on_write(sender, update_fields=None, **kwargs):
    if sender._meta.app_label not in WATCHED_APPS:
        return
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # a log-in changes no page anyone is shown
    data_changed()


def connect():
    """Called once from ``PlansConfig.ready``."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"trustplan-freshness-{signal!r}")


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
