"""Drill-down links: the filter part of a page's query string, and the status cells that link
to the action list."""

from functools import lru_cache
from urllib.parse import quote_plus

from django.http import QueryDict

from ..choices import STATUS_ORDER
from .counts import Counts

FILTER_KEYS = ("borough", "bcu", "pillar", "objective", "driver", "owner", "rag", "stale", "overdue", "as_at")


# The same few names and values (statuses, pillars, boroughs, drivers) are quoted hundreds of times
# a page: quoted once per process. Long values (only a visitor's own query string has them) are
# quoted each time, so that the kept ones stay small.
_quoted_short = lru_cache(maxsize=4096)(quote_plus)


def _quoted(value):
    return _quoted_short(value) if len(value) <= 80 else quote_plus(value)


def base_query(data):
    """The filter part of a query string (no sort, compare or page), as a mutable QueryDict."""
    query = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        values = [v for v in data.getlist(key) if v != ""]
        if values:
            query.setlist(key, values)
    return query


def drill(query, **replace):
    """A query string for the action list: ``query`` with some filters replaced (None removes
    one). The same string as ``QueryDict.urlencode`` of the changed copy, without copying it."""
    lists = dict(query.lists())
    for key, value in replace.items():
        if value is None:
            lists.pop(key, None)
        else:
            lists[key] = [value] if isinstance(value, str) else list(value)
    return "&".join(f"{_quoted(key)}={_quoted(str(v))}" for key, values in lists.items() for v in values)


def with_as_at(data, day):
    """The same filters as ``data`` with ``as_at`` set to ``day``."""
    query = base_query(data)
    query.setlist("as_at", [day.isoformat()])
    return query


def status_cells(counts, previous, *, query, extra):
    cells = []
    for status in STATUS_ORDER:
        before = previous.count(status) if previous is not None else None
        cells.append(
            {
                "status": status,
                "count": counts.count(status),
                "share": counts.share(status),
                "delta": None if before is None else counts.count(status) - before,
                "delta_abs": None if before is None else abs(counts.count(status) - before),
                "url": drill(query, rag=status.value, **extra),
            }
        )
    return cells


def pillar_entries(frame, by_pillar):
    """One entry per pillar, in order: {pillar, label, counts (``by_pillar``: {pillar_id: Counts}),
    cells (status cells linking to the action list), url (drill-down)}, filtered as the page
    (``frame.query``). No query (the pillars of ``frame.tables``)."""
    entries = []
    for pillar in frame.tables.pillars:
        counts = by_pillar.get(pillar.pk, Counts())
        entries.append(
            {
                "pillar": pillar,
                "label": pillar.name,
                "counts": counts,
                "cells": status_cells(counts, None, query=frame.query, extra={"pillar": pillar.slug}),
                "url": drill(frame.query, pillar=pillar.slug),
            }
        )
    return entries
