"""What every panel of one dashboard shares, read once from the page's FilterSet: the Frame, and
its ``Tables`` (the reference tables a page reads, each at most once)."""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.utils.safestring import mark_safe

from drivers.kept import driver_weights
from drivers.models import Driver, Measure

from .. import shared_tables
from ..filtersets import ActionFilterSet
from ..models import BCU, Borough, MeasureReading, Pillar, Plan
from ..outcomes.readings import Survey
from .coverage import CONFIDENCE_FRAMEWORK
from .links import base_query


class Tables:
    """The reference tables of one page, each read at most once (on first use) for the user: the
    one place every panel, the outcomes panels and the filter choices take them from. Lists in
    the order the models give them (boroughs, BCUs by name; pillars by order; drivers by
    framework, order and name). BCUs, boroughs, pillars, drivers, measures, the plans and
    the survey's readings and targets come from the process's kept copy (``plans.shared_tables``:
    read again after any write to them)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _kept(self):
        return shared_tables.current()

    @cached_property
    def plans(self):
        """Every plan the user may read, with its borough and BCU (the force plan's borough None):
        kept with the reference tables for a user who reads every plan."""
        visible = Plan.objects.visible_to(self.user).select_related("borough__bcu")
        if not visible.is_every_row():
            return list(visible)
        return self._kept.get("plans", lambda: list(visible))

    @cached_property
    def review_intervals(self):
        """The review intervals plans use (days), sorted."""
        return sorted({plan.review_interval_days for plan in self.plans})

    @cached_property
    def boroughs(self):
        """Every borough the user may read, with its BCU, by name."""
        visible = Borough.objects.visible_to(self.user).select_related("bcu")
        if not visible.is_every_row():  # none, or a narrower scope: read for this user
            return list(visible)
        return self._kept.get("boroughs", lambda: list(visible))

    @cached_property
    def bcus(self):
        return self._kept.get("bcus", lambda: list(BCU.objects.all()))

    @cached_property
    def pillars(self):
        return self._kept.get("pillars", lambda: list(Pillar.objects.all()))

    @cached_property
    def drivers(self):
        """Every driver, with its framework, and its measures (``driver.measures.all()``, as a
        prefetch gives them) from ``measures``: 2 queries for drivers and measures."""
        return self._kept.get("drivers", self._read_drivers)

    def _read_drivers(self):
        drivers = list(Driver.objects.select_related("framework"))
        for driver in drivers:
            kept = driver.measures.all()
            kept._result_cache = [m for m in self.measures if driver.pk in m.driver_ids]
            kept._prefetch_done = True
            driver._prefetched_objects_cache = {"measures": kept}
        return drivers

    @cached_property
    def confidence_drivers(self):
        """The drivers of the MPS confidence model, by order and name."""
        chosen = [d for d in self.drivers if d.framework.slug == CONFIDENCE_FRAMEWORK]
        return sorted(chosen, key=lambda d: (d.order, d.name))

    @cached_property
    def driver_weights(self):
        """The key-driver importance weights and their source (``drivers.kept.driver_weights``:
        the latest kept analysis of real respondents, else the shipped synthetic sample)."""
        return self._kept.get("driver_weights", driver_weights)

    @cached_property
    def measures(self):
        """Every survey measure, by order and name, each with ``driver_ids`` (the drivers it
        reflects): one query, a row per measure and driver."""
        return self._kept.get("measures", _read_measures)

    @cached_property
    def survey(self):
        """Every survey reading and target (``outcomes.readings.Survey``), kept with the reference
        tables, for a user who reads every reading; None otherwise (the panels read their own)."""
        if not MeasureReading.objects.visible_to(self.user).is_every_row():
            return None
        return self._kept.get("survey", Survey.read)

    def kept_store(self, key):
        """A dict kept with the reference tables under ``key`` (a tuple naming what it holds and
        the day it is for), for figures that depend on the survey alone (``outcomes.driver_gaps``'
        measure gaps); None when the survey is not kept for this user."""
        if self.survey is None:
            return None
        return self._kept.get(("store", *key), dict)

    def kept_markup(self, key, render):
        """Markup that depends on the kept reference tables alone (and on what ``key``, a tuple,
        names: the borough, the day, the user's rights), written by ``render()`` once per
        reference generation and process, and kept with the tables (a safe string: markup the
        template wrote). Written afresh, and not kept, when nothing is kept
        (``REFERENCE_TABLES_SECONDS`` 0)."""
        return self._kept.get(("markup", *key), lambda: mark_safe(render()))  # noqa: S308 — a template's output

    def share_choices(self, form):
        """Give the page's filter form these rows as the choices of its borough, BCU, pillar and
        driver fields (the same rows and order as their querysets give), read when a field is
        rendered, once for the page."""
        for name, rows in (
            ("borough", "boroughs"),
            ("bcu", "bcus"),
            ("pillar", "pillars"),
            ("driver", "drivers"),
        ):
            if name in form.fields:
                known = {"tables": self, "table": rows}
                form.fields[name].iterator = type("KnownChoices", (KnownChoices,), known)
                form.fields[name].widget.choices = form.fields[name].choices


def _read_measures():
    measures = {}
    for measure in Measure.objects.annotate(driver_link=F("drivers")).order_by("order", "name", "pk"):
        kept = measures.setdefault(measure.pk, measure)
        kept.driver_ids = getattr(kept, "driver_ids", set())
        if measure.driver_link is not None:
            kept.driver_ids.add(measure.driver_link)
    return list(measures.values())


class KnownChoices(ModelChoiceIterator):
    """The choices of a model choice field from a page's ``tables`` (the list named ``table``)."""

    tables = None
    table = ""

    @property
    def rows(self):
        return getattr(self.tables, self.table)

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.rows:
            yield self.choice(obj)

    def __len__(self):
        return len(self.rows) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.rows)


@dataclass
class Frame:
    """The page's valid ``ActionFilterSet`` and what follows from it: the instant (``now``, aware)
    and day (``today``, local) the figures are for (the end of the as-at day, or now), the review
    intervals in days that decide "stale", and the filter part of the query string for
    drill-down links. Every panel of a dashboard is built from a Frame, never from the request.
    """

    filterset: ActionFilterSet
    user: object
    intervals: list
    query: QueryDict
    tables: Tables = field(default=None)
    by_borough_driver: dict | None = None  # {(borough_id, driver_id): Counts} once the heatmap has them
    today_counts: object = None  # the oversight page's kept counts of today (kept_counts.Today)
    counts_in_view: object = None  # the Counts of the page's actions (every borough in view) once counted
    listed_actions: list | None = None  # a borough dashboard's actions, with their drivers
    own_keys: frozenset = frozenset({"as_at"})  # the query keys that are the page's own, not filters

    @property
    def unfiltered(self):
        """True when the page has no filter but its own (the as-at day; a borough dashboard's
        borough): its actions are its whole scope."""
        return set(self.query) <= self.own_keys

    @classmethod
    def of(cls, filterset, *, user, intervals=None, tables=None):
        """The page's Frame; ``intervals`` default to those of every plan (``tables.review_intervals``)."""
        tables = tables or Tables(user)
        intervals = tables.review_intervals if intervals is None else intervals
        return cls(
            filterset=filterset,
            user=user,
            intervals=intervals,
            query=base_query(filterset.data),
            tables=tables,
        )

    @property
    def now(self) -> dt.datetime:
        return self.filterset.reference_time

    @property
    def today(self) -> dt.date:
        return self.filterset.reference_date

    @property
    def as_at(self) -> dt.date | None:
        """The as-at day, or None for today's figures."""
        return self.filterset.as_at_date

    @property
    def qs(self):
        """The page's actions: scoped, filtered, annotated with the effective status (cached)."""
        return self.filterset.qs

    @property
    def scope(self):
        """The page's actions before its filters (scope only), with the status as at the page's day."""
        return self.filterset.queryset.with_status(self.as_at)

    def counted(self):
        """Keyword arguments of counts.group_counts and total_counts for this page."""
        return {"now": self.now, "today": self.today, "intervals": self.intervals}
