"""Today's counts of every borough, kept in the process and counted again borough by borough.

The oversight page counts every action in view twice, by borough and pillar and by borough and
driver: at national scale two aggregates over 19,200 actions, on every page built afresh. Yet a
review-day write changes one borough. So, for the unfiltered page of a user who reads every
action, each borough's counts of today are kept in the process with

- its *stamp* (``plans.models.BoroughStamp``), which a database trigger changes in the same
  transaction as any change to what the counts are made of (migration ``0009_borough_stamps``):
  a page reads every stamp (one query) and counts again only the boroughs whose stamp changed;
- the day they were counted (overdue is ``due_date`` before today), and
- the moment they stop being right as time passes with no write: the first moment an action of
  the borough becomes stale or escalated (its last review plus one or two review intervals).

The counts are exactly those of ``counts.group_counts`` over the page's actions (the same
queries, restricted to the boroughs counted again). Nothing is kept when
``REFERENCE_TABLES_SECONDS`` is 0 (the test suite, whose rolled-back rows' ids repeat): every
page then counts every borough, as it would without this module.
"""

import dataclasses
import datetime as dt
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from ..models import BoroughStamp
from ..querysets import review_lengths
from .counts import BY_BOROUGH, Counts, group_counts

INTERVAL = "objective__plan__review_interval_days"

_lock = threading.Lock()
_kept = {}  # {borough id: Kept}
MAX_LISTED = 500  # more boroughs to count again than this: count every one (no list of ids)


class KeptCounts(Counts):
    """Counts shared by every page of the process: any change to one raises AttributeError (a
    caller adds them into its own ``Counts()``)."""

    _frozen = False

    def __setattr__(self, name, value):
        if self._frozen:
            raise AttributeError(f"Kept counts are shared and cannot change ({name}).")
        super().__setattr__(name, value)

    @classmethod
    def of(cls, counts):
        """A frozen copy of ``counts`` (a Counts)."""
        kept = cls(**{f.name: getattr(counts, f.name) for f in dataclasses.fields(Counts)})
        object.__setattr__(kept, "_frozen", True)
        return kept


@dataclass(frozen=True)
class Kept:
    """One borough's counts of today: ``by_pillar`` ({pillar id: Counts}), ``by_driver`` ({driver
    id: Counts}, statuses only), right on ``day`` (local) before ``until`` (aware, UTC) for as
    long as the borough's stamp is ``stamp``."""

    stamp: int
    day: dt.date
    until: dt.datetime
    by_pillar: dict
    by_driver: dict


@dataclass
class Today:
    """The page's counts of today, every borough in view: ``by_pillar`` ({(borough id, pillar id):
    Counts}) and ``by_driver`` ({(borough id, driver id): Counts}), as ``group_counts`` gives
    them; ``counted``: the boroughs counted for this page (the others were kept)."""

    by_pillar: dict
    by_driver: dict
    counted: set


def applies(frame):
    """True when the page's counts of today may be kept: today's figures, no filter in its query,
    the page's actions every action of a user who reads every one (its FilterSet's own queryset,
    no retired ones), and keeping on (``REFERENCE_TABLES_SECONDS`` above 0)."""
    filterset = frame.filterset
    return (
        settings.REFERENCE_TABLES_SECONDS > 0
        and frame.as_at is None
        and not frame.query
        and not filterset.with_retired
        and filterset.queryset.is_every_row()
    )


def today_counts(frame, actions) -> Today:
    """The counts of today of ``actions`` (the page's unfiltered actions in boroughs, annotated
    with today's status; ``applies(frame)`` must hold): the kept ones of every borough whose
    stamp, day and time still hold, the others counted again (four queries: the plans' review
    intervals, then over their actions only, by pillar, by driver, and when each stops being
    right) and kept. One query (the stamps) when nothing changed."""
    stamps = dict(BoroughStamp.objects.values_list("borough_id", "stamp"))
    now, today = frame.now, frame.today
    with _lock:
        kept = {
            borough: entry
            for borough, entry in _kept.items()
            if stamps.get(borough) == entry.stamp and entry.day == today and now < entry.until
        }
    # Every borough with a plan is counted, kept or not; one without a stamp (none is written
    # when the table was emptied by hand) is counted on every page and never kept.
    wanted = set(stamps) | {plan.borough_id for plan in frame.tables.plans if plan.borough_id is not None}
    again = wanted - set(kept)
    every = not kept or len(again) > MAX_LISTED
    fresh = _count(actions, again, stamps, now=now, today=today, listed=not every) if again else {}
    with _lock:
        for borough, entry in fresh.items():
            if entry.stamp is not None:
                _kept[borough] = entry
        for borough in set(_kept) - set(stamps):
            del _kept[borough]
    by_pillar, by_driver = {}, {}
    for source in (kept, fresh):
        for borough, entry in source.items():
            for pillar, counts in entry.by_pillar.items():
                by_pillar[(borough, pillar)] = counts
            for driver, counts in entry.by_driver.items():
                by_driver[(borough, driver)] = counts
    return Today(by_pillar, by_driver, set(fresh))


def _count(actions, boroughs, stamps, *, now, today, listed):
    """{borough id: Kept} for ``boroughs`` (ids, and any other borough of ``actions`` when not
    ``listed``: then every action is counted, without a list of ids in the queries)."""
    chosen = actions.filter(objective__plan__borough__in=boroughs) if listed else actions
    # The plans' review intervals as they are now, not the page's (kept with the reference tables,
    # which may lag a write by up to REFERENCE_TABLES_SECONDS): what is counted here is kept until
    # the borough's stamp changes, and a plan's new interval must be among them.
    intervals = sorted(review_lengths())
    counted = {"now": now, "today": today, "intervals": intervals}
    by_pillar, by_driver = defaultdict(dict), defaultdict(dict)
    for (borough, pillar), counts in group_counts(
        chosen, (BY_BOROUGH, "objective__pillar"), **counted
    ).items():
        by_pillar[borough][pillar] = KeptCounts.of(counts)
    pairs = group_counts(chosen, (BY_BOROUGH, "drivers"), **counted, statuses_only=True)
    for (borough, driver), counts in pairs.items():
        by_driver[borough][driver] = KeptCounts.of(counts)
    until = _right_until(chosen, intervals, now=now)
    ids = set(by_pillar) | set(by_driver) | set(boroughs)
    end_of_today = _next_midnight(today)
    return {
        borough: Kept(
            stamp=stamps.get(borough),
            day=today,
            until=min(until.get(borough, end_of_today), end_of_today),
            by_pillar=by_pillar.get(borough, {}),
            by_driver=by_driver.get(borough, {}),
        )
        for borough in ids
    }


def _right_until(actions, intervals, *, now):
    """{borough id: the first moment after ``now`` when one of its ``actions`` becomes stale (its
    last review one review interval ago) or escalated (two), none completed}: the counts of now
    are right before then. Boroughs with no such moment are left out. One query."""
    firsts = {}
    for days in intervals:
        for times in (1, 2):
            firsts[f"first_{days}_{times}"] = (
                days * times,
                Min(
                    "eff_reviewed_at",
                    filter=Q(
                        **{INTERVAL: days},
                        eff_completed=False,
                        eff_reviewed_at__gt=now - dt.timedelta(days=days * times),
                    ),
                ),
            )
    rows = actions.order_by().values(BY_BOROUGH).annotate(**{name: agg for name, (_, agg) in firsts.items()})
    until = {}
    for row in rows:
        moments = [
            row[name] + dt.timedelta(days=days) for name, (days, _) in firsts.items() if row[name] is not None
        ]
        if moments:
            until[row[BY_BOROUGH]] = min(moments)
    return until


def _next_midnight(today):
    """The start of the day after ``today`` in the project's time zone (aware)."""
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))


def forget():
    """Drop what is kept (the test suite: each test has its own data)."""
    with _lock:
        _kept.clear()
