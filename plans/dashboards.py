"""Dashboard figures: plain functions over scoped, filtered action querysets.

Every figure is counted in SQL with ``values().annotate(Count(..., filter=Q(...)))`` over an
``ActionFilterSet(...).qs`` (already scoped and annotated with the effective status, now or as at
a date), so the number of queries does not grow with boroughs, actions or status updates. The
monthly trend is the one place that reads the StatusUpdate table: one ordered query, folded in
Python.
"""

import datetime as dt
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import QueryDict

from drivers.models import Driver

from .choices import STATUS_ORDER, STATUS_RANK, Status
from .filtersets import ActionFilterSet
from .models import Action, Challenge, Pillar, Plan, StatusUpdate
from .quarters import Quarter
from .querysets import end_of_day, is_overdue, is_stale, overdue_condition, stale_condition
from .refs import objective_ref
from .reporting import signed_off_beside_live

STATUSES = [s.value for s in STATUS_ORDER]
ON_TRACK = {Status.GREEN.value, Status.COMPLETE.value}
CONFIDENCE_FRAMEWORK = "mps-confidence-model"
TREND_MONTHS = 12


# --- counting ---------------------------------------------------------------------------------
@dataclass
class Counts:
    """How a set of actions stands: totals per status, stale, overdue, last review."""

    total: int = 0
    red: int = 0
    amber: int = 0
    green: int = 0
    not_rated: int = 0
    complete: int = 0
    stale: int = 0
    overdue: int = 0
    last_review: dt.datetime | None = None

    def count(self, status):
        return getattr(self, Status(status).value)

    def share(self, status):
        """Percentage of the total, rounded; 0 when there are no actions."""
        return round(100 * self.count(status) / self.total) if self.total else 0

    @property
    def on_track(self):
        return self.green + self.complete

    def add(self, other):
        for name in FIELDS[:-1]:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_review and (self.last_review is None or other.last_review > self.last_review):
            self.last_review = other.last_review
        return self

    def statuses(self):
        """[(Status, count, share)] in dashboard order."""
        return [(s, self.count(s), self.share(s)) for s in STATUS_ORDER]


FIELDS = [
    "total",
    "red",
    "amber",
    "green",
    "not_rated",
    "complete",
    "stale",
    "overdue",
    "last_review",
]


def review_intervals():
    """The review intervals plans use (a handful of values): one small query."""
    return sorted(set(Plan.objects.order_by().values_list("review_interval_days", flat=True).distinct()))


def state_annotations(*, now, today, intervals):
    return {
        "stale": Count("pk", filter=stale_condition(now, intervals), distinct=True),
        "overdue": Count("pk", filter=overdue_condition(today), distinct=True),
        "last_review": Max("eff_reviewed_at"),
    }


def _key_of(row, keys):
    return row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)


def group_counts(qs, keys, *, now, today, intervals, statuses_only=False):
    """{key (or tuple of keys): Counts} for an annotated action queryset.

    Two queries: counts per status grouped by the keys and the status (the status expression,
    a subquery when as at a date, is evaluated once per row), then stale, overdue and the last
    review per key (skipped with ``statuses_only``).
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    qs = qs.order_by()
    result = defaultdict(Counts)
    for row in qs.values(*keys, "eff_status").annotate(n=Count("pk", distinct=True)):
        counts = result[_key_of(row, keys)]
        setattr(counts, row["eff_status"], row["n"])
        counts.total += row["n"]
    if not statuses_only:
        state = state_annotations(now=now, today=today, intervals=intervals)
        for row in qs.values(*keys).annotate(**state):
            counts = result[_key_of(row, keys)]
            counts.stale, counts.overdue, counts.last_review = (
                row["stale"],
                row["overdue"],
                row["last_review"],
            )
    return dict(result)


def total_counts(qs, *, now, today, intervals):
    """Counts over the whole queryset, in two queries."""
    counts = Counts()
    for row in qs.order_by().values("eff_status").annotate(n=Count("pk", distinct=True)):
        setattr(counts, row["eff_status"], row["n"])
        counts.total += row["n"]
    row = qs.order_by().aggregate(**state_annotations(now=now, today=today, intervals=intervals))
    counts.stale, counts.overdue, counts.last_review = row["stale"], row["overdue"], row["last_review"]
    return counts


def statuses_by_action(qs, *extra):
    """{action id: (effective status, *extra values)} in one query."""
    return {row[0]: row[1:] for row in qs.order_by().values_list("pk", "eff_status", *extra).distinct()}


# --- drill-down links -------------------------------------------------------------------------
FILTER_KEYS = ("borough", "bcu", "pillar", "objective", "driver", "owner", "rag", "stale", "overdue", "as_at")


def base_query(data):
    """The filter part of a query string (no sort, compare or page), as a mutable QueryDict."""
    query = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        values = [v for v in data.getlist(key) if v != ""]
        if values:
            query.setlist(key, values)
    return query


def drill(query, **replace):
    """A query string for the action list: ``query`` with some filters replaced."""
    query = query.copy()
    for key, value in replace.items():
        if value is None:
            query.pop(key, None)
        else:
            query.setlist(key, [value] if isinstance(value, str) else list(value))
    return query.urlencode()


def with_as_at(data, day):
    """The same filters as ``data`` with ``as_at`` set to ``day``."""
    query = base_query(data)
    query.setlist("as_at", [day.isoformat()])
    return query


# --- moves between two dates ------------------------------------------------------------------
@dataclass
class Move:
    action_id: int
    before: Status | None
    after: Status | None
    extra: tuple = ()  # values asked of moves_since beside the status (e.g. the borough id)

    @property
    def direction(self):
        if self.before is None:
            return "new"
        if self.after is None:
            return "gone"
        diff = STATUS_RANK[self.after] - STATUS_RANK[self.before]
        return "up" if diff > 0 else "down" if diff < 0 else "same"


def moves_between(before, after):
    """Actions whose status changed between two {action id: (status, ...)} maps, as Moves.

    An action missing from ``before`` did not exist yet (or had no status) then.
    Moves between two statuses of equal rank (e.g. Amber and Not rated) are "same".
    """
    moves = []
    for action_id in sorted(set(before) | set(after)):
        was = before.get(action_id, (None,))[0]
        now = after.get(action_id, (None,))[0]
        if was != now:
            moves.append(Move(action_id, Status(was) if was else None, Status(now) if now else None))
    return moves


MOVE_ORDER = {"down": 0, "up": 1, "new": 2, "gone": 3}


def moves_since(compare_qs, current, *extra, directions=("up", "down", "new")):
    """What moved between ``compare_qs`` (the actions as at the comparison date) and
    ``current`` ({action id: (status, *extra values)}), as Moves in ``directions``.

    One query (the statuses then, with the same ``extra`` values as ``current``). Each Move gets
    ``extra`` (its values now, or then for an action gone since) and the list is sorted down,
    then up, then new, then by action id. Both dashboards list their changes with this.
    """
    then = statuses_by_action(compare_qs, *extra)
    moves = []
    for move in moves_between(then, current):
        if move.direction in directions:
            move.extra = tuple((current.get(move.action_id) or then[move.action_id])[1:])
            moves.append(move)
    moves.sort(key=lambda m: (MOVE_ORDER[m.direction], m.action_id))
    return moves


# --- monthly trend ----------------------------------------------------------------------------
def month_ends(end_day, months=TREND_MONTHS):
    """The last day of each of the ``months - 1`` months before ``end_day``'s month, then
    ``end_day`` itself: the points of a trend chart ending at the reference date."""
    points = []
    year, month = end_day.year, end_day.month
    for _ in range(months - 1):
        first = dt.date(year, month, 1)
        last_of_previous = first - dt.timedelta(days=1)
        points.append(last_of_previous)
        year, month = last_of_previous.year, last_of_previous.month
    return sorted(points) + [end_day]


def monthly_trend(action_qs, *, end_day, months=TREND_MONTHS):
    """RAG counts at the end of each month, rebuilt from the status history.

    One query over the updates of the actions in ``action_qs`` (ordered by action and time),
    folded in Python: for each point, each action counts with its latest update before the end
    of that day. Actions with no update by then did not exist yet and are not counted.
    Returns [(date, Counter of status → count)].
    """
    days = month_ends(end_day, months)
    cutoffs = [end_of_day(day) for day in days]
    updates = (
        StatusUpdate.objects.filter(action__in=action_qs.order_by().values("pk"), created_at__lt=cutoffs[-1])
        .order_by("action_id", "created_at", "version")
        .values_list("action_id", "created_at", "to_rag", "to_completed")
    )
    counts = [Counter() for _ in days]
    for _, rows in itertools.groupby(updates.iterator(chunk_size=5000), key=lambda r: r[0]):
        rows = list(rows)
        index, state = 0, None
        for point, cutoff in enumerate(cutoffs):
            while index < len(rows) and rows[index][1] < cutoff:
                state = "complete" if rows[index][3] else rows[index][2]
                index += 1
            if state is not None:
                counts[point][state] += 1
    return list(zip(days, counts, strict=True))


# --- driver coverage --------------------------------------------------------------------------
COVERED, AT_RISK, GAP = "covered", "at_risk", "gap"
COVERAGE_LABELS = {
    COVERED: ("●", "Covered"),
    AT_RISK: ("▲", "At risk"),
    GAP: ("○", "Gap"),
}
COVERAGE_CLASS = {COVERED: "cell-green", AT_RISK: "cell-amber", GAP: "cell-gap"}


def coverage_state(counts):
    """Covered: more than half its actions are on track (Green or Complete). At risk: it has
    actions but half or fewer are on track. Gap: no action serves the driver."""
    if counts is None or counts.total == 0:
        return GAP
    return COVERED if 2 * counts.on_track > counts.total else AT_RISK


def confidence_drivers():
    """The MPS confidence model's drivers, in order (one query)."""
    return list(Driver.objects.filter(framework__slug=CONFIDENCE_FRAMEWORK).order_by("order", "name"))


@dataclass
class Cell:
    counts: Counts | None
    state: str
    url: str = ""

    @property
    def glyph(self):
        return COVERAGE_LABELS[self.state][0]

    @property
    def label(self):
        return COVERAGE_LABELS[self.state][1]

    @property
    def css(self):
        return COVERAGE_CLASS[self.state]

    @property
    def total(self):
        return self.counts.total if self.counts else 0


# --- the oversight dashboard ------------------------------------------------------------------
SORT_KEYS = {
    "bcu": "BCU, then borough",
    "name": "Borough",
    "total": "Actions",
    "red": "Red (share)",
    "amber": "Amber (share)",
    "green": "Green (share)",
    "not_rated": "Not rated (share)",
    "complete": "Complete (share)",
    "stale": "Stale",
    "overdue": "Overdue",
    "last_review": "Last review",
}


@dataclass
class BoroughRow:
    borough: object
    plan: object
    counts: Counts
    previous: Counts | None = None
    cells: list = field(default_factory=list)
    moved_up: int = 0
    moved_down: int = 0
    moves_url: str = ""
    drivers: list = field(default_factory=list)
    total_url: str = ""
    stale_url: str = ""
    overdue_url: str = ""

    def sort_value(self, key):
        if key == "name":
            return self.borough.name.lower()
        if key == "bcu":
            return (self.borough.bcu.name.lower(), self.borough.name.lower())
        if key in STATUSES:
            return (self.counts.share(key), self.counts.count(key))
        if key == "last_review":
            return self.counts.last_review or dt.datetime.min.replace(tzinfo=dt.UTC)
        return getattr(self.counts, key)


def parse_sort(value):
    """ "-red" → ("red", True). Unknown keys fall back to the BCU grouping."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORT_KEYS:
        return "bcu", False
    return key, descending


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


def _in_boroughs(queryset):
    return queryset.filter(objective__plan__borough__isnull=False)


def _oversight_plans(filterset, user):
    """The borough plans in view: every visible one, narrowed by the borough and BCU filters."""
    plans = Plan.objects.visible_to(user).filter(borough__isnull=False).select_related("borough__bcu")
    chosen = filterset.form.cleaned_data
    if chosen.get("borough"):
        plans = plans.filter(borough__in=chosen["borough"])
    if chosen.get("bcu"):
        plans = plans.filter(borough__bcu__in=chosen["bcu"])
    return list(plans)


def _counts_last_quarter(data, *, user, today, intervals):
    """(the previous quarter, {borough_id: Counts}) as at that quarter's end, statuses only."""
    quarter = Quarter.containing(today).previous()
    previous_qs = _in_boroughs(ActionFilterSet(with_as_at(data, quarter.end), user=user).qs)
    counts = group_counts(
        previous_qs,
        "objective__plan__borough",
        now=end_of_day(quarter.end),
        today=quarter.end,
        intervals=intervals,
        statuses_only=True,
    )
    return quarter, counts


def _moves_by_borough(qs, data, *, user, compare):
    """(moves, {borough_id: Counter of up/down}) since ``compare``; ([], None) without it."""
    if not compare:
        return [], None
    compare_qs = _in_boroughs(ActionFilterSet(with_as_at(data, compare), user=user).qs)
    now_map = statuses_by_action(qs, "objective__plan__borough")
    moves = moves_since(compare_qs, now_map, "objective__plan__borough", directions=("up", "down"))
    by_borough = defaultdict(Counter)
    for move in moves:
        by_borough[move.extra[0]][move.direction] += 1
    return moves, by_borough


def _borough_rows(plans, by_borough, before, moves_by_borough):
    """(one BoroughRow per plan, London's Counts now, London's Counts last quarter)."""
    rows, london, london_before = [], Counts(), Counts()
    for plan in plans:
        borough = plan.borough
        counts = by_borough.get(borough.pk, Counts())
        previous = before.get(borough.pk, Counts())
        london.add(counts)
        london_before.add(previous)
        row = BoroughRow(borough=borough, plan=plan, counts=counts, previous=previous)
        if moves_by_borough is not None:
            row.moved_up = moves_by_borough[borough.pk]["up"]
            row.moved_down = moves_by_borough[borough.pk]["down"]
        rows.append(row)
    return rows, london, london_before


def _gap_counts(rows, drivers, by_driver):
    """How many boroughs in view have no action serving each driver, in the drivers' order."""
    gaps = dict.fromkeys((d.pk for d in drivers), 0)
    for row in rows:
        for driver in drivers:
            if coverage_state(by_driver.get((row.borough.pk, driver.pk))) == GAP:
                gaps[driver.pk] += 1
    return [gaps[d.pk] for d in drivers]


def _add_links(row, *, query, drivers, by_driver, compare, with_moves):
    """Give one shown row its status cells, drill-down links and heatmap cells."""
    borough = row.borough
    extra = {"borough": borough.slug}
    row.cells = status_cells(row.counts, row.previous, query=query, extra=extra)
    row.total_url = drill(query, **extra)
    row.stale_url = drill(query, stale="true", **extra)
    row.overdue_url = drill(query, overdue="true", **extra)
    for driver in drivers:
        driver_counts = by_driver.get((borough.pk, driver.pk))
        row.drivers.append(
            Cell(
                counts=driver_counts,
                state=coverage_state(driver_counts),
                url=drill(query, borough=borough.slug, driver=driver.slug),
            )
        )
    if with_moves:
        row.moves_url = borough_compare_query(query, compare)


def _pillar_rows(qs, *, query, now, today, intervals):
    """One entry per pillar: its Counts, status cells and drill-down link."""
    pillar_counts = group_counts(qs, "objective__pillar", now=now, today=today, intervals=intervals)
    pillars = []
    for pillar in Pillar.objects.order_by("order"):
        counts = pillar_counts.get(pillar.pk, Counts())
        pillars.append(
            {
                "pillar": pillar,
                "label": pillar.name,
                "counts": counts,
                "cells": status_cells(counts, None, query=query, extra={"pillar": pillar.slug}),
                "url": drill(query, pillar=pillar.slug),
            }
        )
    return pillars


BOROUGH_DRIVER = ("objective__plan__borough", "drivers")


def _moves_total(rows):
    return {"up": sum(r.moved_up for r in rows), "down": sum(r.moved_down for r in rows)}


def _sorted_page(rows, sort, *, page, per_page):
    """Sort ``rows`` in place; (key, descending, the page shown, [(BCU, its rows)] when by BCU)."""
    key, descending = parse_sort(sort)
    rows.sort(key=lambda r: (r.sort_value(key), r.borough.name.lower()), reverse=descending)
    shown = Paginator(rows, per_page or BOROUGHS_PER_PAGE).get_page(page)
    groups = []
    if key == "bcu":
        groups = [
            (bcu, list(members))
            for bcu, members in itertools.groupby(shown.object_list, key=lambda r: r.borough.bcu)
        ]
    return key, descending, shown, groups


def oversight(filterset, *, user, sort="bcu", compare=None, page=1, per_page=None):
    """Everything the oversight dashboard shows, from a valid ActionFilterSet.

    A fixed number of queries whatever the number of boroughs, actions or updates. Totals, the
    sort and the driver gaps cover every borough in view; ``rows`` (with their links and heatmap
    cells) are one page of ``per_page`` boroughs of that order, so the page stays the same size
    at national scale.
    """
    data = filterset.data
    now, today = filterset.reference_time, filterset.reference_date
    intervals = review_intervals()
    query = base_query(data)
    qs = _in_boroughs(filterset.qs)
    previous_quarter, before = _counts_last_quarter(data, user=user, today=today, intervals=intervals)
    plans = _oversight_plans(filterset, user)
    by_borough = group_counts(qs, "objective__plan__borough", now=now, today=today, intervals=intervals)
    drivers = confidence_drivers()
    by_driver = group_counts(
        qs, BOROUGH_DRIVER, now=now, today=today, intervals=intervals, statuses_only=True
    )
    moves, moves_by_borough = _moves_by_borough(qs, data, user=user, compare=compare)
    rows, london, london_before = _borough_rows(plans, by_borough, before, moves_by_borough)
    key, descending, shown, groups = _sorted_page(rows, sort, page=page, per_page=per_page)
    # Links and heatmap cells only for the boroughs shown: a page of them at national scale.
    for row in shown.object_list:
        _add_links(
            row,
            query=query,
            drivers=drivers,
            by_driver=by_driver,
            compare=compare,
            with_moves=moves_by_borough is not None,
        )
    changes = (
        changes_in_view(moves, plans, user=user, show_all=data.get("changes") == "all") if compare else None
    )
    return {
        "rows": list(shown.object_list),
        "borough_page": shown,
        "groups": groups,
        "sort_key": key,
        "sort_label": SORT_KEYS[key] + (" (descending)" if descending else ""),
        "sort_descending": descending,
        "london": london,
        "london_cells": status_cells(london, london_before, query=query, extra={}),
        "previous_quarter": previous_quarter,
        "drivers": drivers,
        "driver_gaps": _gap_counts(rows, drivers, by_driver),
        "pillars": _pillar_rows(qs, query=query, now=now, today=today, intervals=intervals),
        "query": query,
        "compare": compare,
        "moves_total": _moves_total(rows) if compare else None,
        "changes": changes,
        "changes_all_query": _with_changes_all(data) if changes and changes["hidden"] else "",
        "stale_url": drill(query, stale="true"),
        "overdue_url": drill(query, overdue="true"),
    }


BOROUGHS_PER_PAGE = 40  # every London borough on one page
CHANGES_LIMIT = 200  # moved actions listed on the oversight dashboard before "show all"


def borough_compare_query(query, compare):
    """The query string of a borough dashboard with the same filters and comparison date."""
    query = query.copy()
    for key in ("borough", "bcu"):
        query.pop(key, None)
    query.setlist("compare", [compare.isoformat()])
    return query.urlencode()


def _with_changes_all(data):
    query = data.copy()
    query.setlist("changes", ["all"])
    return query.urlencode()


def changes_in_view(moves, plans, *, user, show_all=False, limit=None):
    """The oversight dashboard's list of moved actions: up and down moves of the boroughs in
    view, by borough name, then down before up; the first ``limit`` unless ``show_all``.

    One query (the texts of the actions listed; run even when none moved, so that the page's
    query count does not depend on the data). Each Move listed gets ``borough`` and ``text``.
    """
    boroughs = {plan.borough_id: plan.borough for plan in plans}
    in_view = [m for m in moves if m.extra[0] in boroughs]
    in_view.sort(key=lambda m: (boroughs[m.extra[0]].name.lower(), MOVE_ORDER[m.direction], m.action_id))
    limit = CHANGES_LIMIT if limit is None else limit
    shown = in_view if show_all else in_view[:limit]
    texts = dict(
        Action.objects.visible_to(user)
        .filter(pk__in=[m.action_id for m in shown] or [0])
        .values_list("pk", "text")
    )
    for move in shown:
        move.borough = boroughs[move.extra[0]]
        move.text = texts.get(move.action_id, "")
    return {
        "moves": shown,
        "total": len(in_view),
        "up": sum(1 for m in in_view if m.direction == "up"),
        "down": sum(1 for m in in_view if m.direction == "down"),
        "hidden": len(in_view) - len(shown),
        "limit": limit,
    }


# --- the borough dashboard --------------------------------------------------------------------
def borough_dashboard(filterset, *, plan, user, compare=None):
    """Everything the borough dashboard shows, from a valid ActionFilterSet scoped to ``plan``."""
    data = filterset.data
    now, today = filterset.reference_time, filterset.reference_date
    intervals = [plan.review_interval_days]
    query = base_query(data)
    query.setlist("borough", [plan.borough.slug])
    query.pop("bcu", None)
    qs = filterset.qs

    actions = list(
        qs.select_related("objective__pillar", "objective__theme")
        .prefetch_related("owners")
        .order_by("objective__pillar__order", "objective__number", "position", "id")
    )
    for action in actions:
        action.age_days = (now - action.eff_reviewed_at).days if action.eff_reviewed_at else None
        action.is_stale_now = is_stale(
            reviewed_at=action.eff_reviewed_at,
            completed=action.eff_completed,
            interval_days=plan.review_interval_days,
            now=now,
        )
        action.is_overdue_now = is_overdue(
            due_date=action.due_date, completed=action.eff_completed, today=today
        )

    totals = total_counts(qs, now=now, today=today, intervals=intervals)
    by_pillar = group_counts(qs, "objective__pillar", now=now, today=today, intervals=intervals)
    by_objective = group_counts(qs, "objective", now=now, today=today, intervals=intervals)
    by_driver = group_counts(qs, "drivers", now=now, today=today, intervals=intervals, statuses_only=True)

    objectives = {}
    for action in actions:
        objectives.setdefault(action.objective_id, {"objective": action.objective, "actions": []})
        objectives[action.objective_id]["actions"].append(action)
    pillars = []
    for pillar in Pillar.objects.order_by("order"):
        items = []
        for oid, entry in objectives.items():
            if entry["objective"].pillar_id != pillar.pk:
                continue
            objective_counts = by_objective.get(oid, Counts())
            items.append(
                {
                    **entry,
                    "label": f"{objective_ref(entry['objective'])}. {entry['objective'].title}",
                    "counts": objective_counts,
                    "cells": status_cells(objective_counts, None, query=query, extra={"objective": str(oid)}),
                    "url": drill(query, objective=str(oid)),
                }
            )
        counts = by_pillar.get(pillar.pk, Counts())
        pillars.append(
            {
                "pillar": pillar,
                "label": pillar.name,
                "counts": counts,
                "objectives": items,
                "cells": status_cells(counts, None, query=query, extra={"pillar": pillar.slug}),
                "url": drill(query, pillar=pillar.slug),
            }
        )

    coverage = []
    for driver in confidence_drivers():
        counts = by_driver.get(driver.pk)
        coverage.append(
            {
                "driver": driver,
                "cell": Cell(
                    counts=counts,
                    state=coverage_state(counts),
                    url=drill(query, driver=driver.slug),
                ),
            }
        )

    moves = []
    if compare:
        compare_qs = ActionFilterSet(with_as_at(data, compare), user=user).qs.filter(objective__plan=plan)
        by_id = {a.pk: a for a in actions}
        for move in moves_since(compare_qs, {a.pk: (a.eff_status,) for a in actions}):
            move.action = by_id[move.action_id]  # up, down and new moves are all in view now
            moves.append(move)

    challenges = list(
        Challenge.objects.visible_to(user)
        .filter(plan=plan)
        .exclude(status="closed")
        .select_related("raised_by", "action")
        .prefetch_related("replies__author")
        .order_by("due_date", "raised_at")
    )
    closed_challenges = Challenge.objects.visible_to(user).filter(plan=plan, status="closed").count()

    trend = monthly_trend(qs, end_day=today)
    return {
        **signed_off_beside_live(plan, user=user),
        "actions": actions,
        "totals": totals,
        "total_cells": status_cells(totals, None, query=query, extra={}),
        "pillars": pillars,
        "coverage": coverage,
        "trend": trend,
        "red_actions": [a for a in actions if a.eff_status == Status.RED],
        "stale_actions": [a for a in actions if a.is_stale_now],
        "overdue_actions": [a for a in actions if a.is_overdue_now],
        "moves": moves,
        "moves_up": sum(1 for m in moves if m.direction == "up"),
        "moves_down": sum(1 for m in moves if m.direction == "down"),
        "challenges": challenges,
        "closed_challenges": closed_challenges,
        "query": query,
        "list_url": drill(query),
        "red_url": drill(query, rag="red"),
        "stale_url": drill(query, stale="true"),
        "overdue_url": drill(query, overdue="true"),
    }
