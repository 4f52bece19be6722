"""The oversight dashboard: every borough in view, built from small named steps, one per panel.

``oversight`` reads the page's valid ActionFilterSet once into a Frame and hands it to each
panel step: the London (or BCU) headline, the borough table with BCU subtotals, the driver
heatmap, London by pillar and the list of changes. A fixed number of queries whatever the number
of boroughs, actions or updates.
"""

import dataclasses
import datetime as dt
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator

from ..filtersets import ActionFilterSet
from ..models import Action
from ..quarters import Quarter
from ..querysets import end_of_day
from ..snapshots import current_snapshot, kept_figures
from .changes import changes_in_view, with_changes_all
from .counts import BY_BOROUGH, STATUSES, Counts, group_counts, roll_up, statuses_by_action
from .coverage import GAP, Cell, coverage_state
from .frame import Frame
from .kept_counts import applies, today_counts
from .links import drill, pillar_entries, status_cells, with_as_at
from .moves import moves_since

BOROUGHS_PER_PAGE = 40  # every London borough on one page
BOROUGH_DRIVER = (BY_BOROUGH, "drivers")


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


@dataclass
class BcuGroup:
    """The boroughs of one BCU on the page shown, and the BCU's subtotal over all its boroughs in
    view (not only those on this page): ``counts`` and its status ``cells`` with links."""

    bcu: object
    rows: list
    counts: Counts
    cells: list
    url: str = ""
    stale_url: str = ""
    overdue_url: str = ""

    def __iter__(self):  # unpacks as (BCU, its rows on the page)
        return iter((self.bcu, self.rows))


@dataclass
class BoroughTable:
    """Every borough row in view, the total of the scope now and at the last quarter's end, and
    the page's Counts per pillar ({pillar_id: Counts}, from the same query as the rows')."""

    rows: list
    total: Counts
    total_before: Counts
    previous_quarter: Quarter
    moves: list
    moves_by_borough: dict | None
    by_pillar: dict


def parse_sort(value):
    """ "-red" → ("red", True). Unknown keys fall back to the BCU grouping."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORT_KEYS:
        return "bcu", False
    return key, descending


def in_boroughs(queryset):
    return queryset.filter(objective__plan__borough__isnull=False)


def chosen_bcus(frame):
    """The BCUs of the page's BCU filter, in name order ([] without one)."""
    return sorted(frame.filterset.form.cleaned_data.get("bcu") or [], key=lambda b: b.name)


def scope_name(frame):
    """What the page covers, for its headline and total row: "London", or the BCU(s) filtered on
    (e.g. "Central South BCU")."""
    bcus = chosen_bcus(frame)
    if not bcus:
        return "London"
    return " and ".join(b.name for b in bcus) + (" BCU" if len(bcus) == 1 else " BCUs")


def oversight_plans(frame):
    """The borough plans in view: every visible one, narrowed by the borough and BCU filters."""
    chosen = frame.filterset.form.cleaned_data
    boroughs = {b.pk for b in chosen.get("borough") or []}
    bcus = {b.pk for b in chosen.get("bcu") or []}
    return [
        plan
        for plan in frame.tables.plans
        if plan.borough is not None
        and (not boroughs or plan.borough_id in boroughs)
        and (not bcus or plan.borough.bcu_id in bcus)
    ]


def counts_last_quarter(frame):
    """(the previous quarter, {borough_id: Counts}) as at that quarter's end, statuses only: from
    the statuses kept at that closed quarter's end (``plans.snapshots``), the page's filters as
    they stood then (the same figures as the history rule, without reading the history). With no
    filter and every borough in scope, counted once per process for the snapshot
    (``snapshots.kept_figures``)."""
    quarter = Quarter.containing(frame.today).previous()
    snapshot = current_snapshot(quarter)
    visible = Action.objects.visible_to(frame.user)

    def count():
        actions = visible.with_quarter_snapshot(None if snapshot is None else snapshot.quarter_end)
        previous = ActionFilterSet(with_as_at(frame.filterset.data, quarter.end), actions, user=frame.user).qs
        return group_counts(
            in_boroughs(previous),
            BY_BOROUGH,
            now=end_of_day(quarter.end),
            today=quarter.end,
            intervals=frame.intervals,
            statuses_only=True,
        )

    if snapshot is None or not frame.unfiltered or not visible.is_every_row():
        return quarter, count()
    # Unfiltered, every borough: the same figures for every such page until the snapshot changes.
    kept = kept_figures(snapshot, "oversight: every borough, unfiltered", count)
    return quarter, {borough_id: dataclasses.replace(counts) for borough_id, counts in kept.items()}


def moves_by_borough(frame, *, compare):
    """(moves, {borough_id: Counter of up/down}) since ``compare``; ([], None) without it."""
    if not compare:
        return [], None
    compare_qs = in_boroughs(ActionFilterSet(with_as_at(frame.filterset.data, compare), user=frame.user).qs)
    now_map = statuses_by_action(in_boroughs(frame.qs), BY_BOROUGH)
    moves = moves_since(compare_qs, now_map, BY_BOROUGH, directions=("up", "down"))
    by_borough = defaultdict(Counter)
    for move in moves:
        by_borough[move.extra[0]][move.direction] += 1
    return moves, by_borough


def borough_table(frame, plans, *, compare):
    """One BoroughRow per plan in view, with the scope's totals now and at the last quarter's end."""
    previous_quarter, before = counts_last_quarter(frame)
    if frame.today_counts is not None:
        by_borough_pillar = frame.today_counts.by_pillar
    else:
        by_borough_pillar = group_counts(
            in_boroughs(frame.qs), (BY_BOROUGH, "objective__pillar"), **frame.counted()
        )
    by_borough = roll_up(by_borough_pillar, 0)
    frame.counts_in_view = Counts()
    for counts in by_borough.values():
        frame.counts_in_view.add(counts)
    moves, moved = moves_by_borough(frame, compare=compare)
    rows, total, total_before = [], Counts(), Counts()
    for plan in plans:
        borough = plan.borough
        row = BoroughRow(
            borough=borough,
            plan=plan,
            counts=by_borough.get(borough.pk, Counts()),
            previous=before.get(borough.pk, Counts()),
        )
        total.add(row.counts)
        total_before.add(row.previous)
        if moved is not None:
            row.moved_up, row.moved_down = moved[borough.pk]["up"], moved[borough.pk]["down"]
        rows.append(row)
    return BoroughTable(
        rows, total, total_before, previous_quarter, moves, moved, roll_up(by_borough_pillar, 1)
    )


def headline_panel(frame, table, *, compare):
    """The headline tiles and the total row: London, or the BCU filtered on."""
    query = frame.query
    return {
        "scope_name": scope_name(frame),
        "london": table.total,
        "london_cells": status_cells(table.total, table.total_before, query=query, extra={}),
        "previous_quarter": table.previous_quarter,
        "moves_total": moves_total(table.rows) if compare else None,
        "stale_url": drill(query, stale="true"),
        "overdue_url": drill(query, overdue="true"),
    }


def moves_total(rows):
    return {"up": sum(r.moved_up for r in rows), "down": sum(r.moved_down for r in rows)}


def add_links(row, *, query, compare):
    """Give one shown row its status cells and drill-down links."""
    extra = {"borough": row.borough.slug}
    row.cells = status_cells(row.counts, row.previous, query=query, extra=extra)
    row.total_url = drill(query, **extra)
    row.stale_url = drill(query, stale="true", **extra)
    row.overdue_url = drill(query, overdue="true", **extra)
    if compare:
        row.moves_url = borough_compare_query(query, compare)


def bcu_groups(rows, shown, *, query):
    """The page's rows grouped by BCU (sorted by BCU), each with its BCU's subtotal over ``rows``."""
    totals = defaultdict(Counts)
    before = defaultdict(Counts)
    for row in rows:
        totals[row.borough.bcu_id].add(row.counts)
        before[row.borough.bcu_id].add(row.previous)
    groups = []
    for bcu, members in itertools.groupby(shown, key=lambda r: r.borough.bcu):
        extra = {"bcu": bcu.slug, "borough": None}
        cells = status_cells(totals[bcu.pk], before[bcu.pk], query=query, extra=extra)
        groups.append(
            BcuGroup(
                bcu,
                list(members),
                totals[bcu.pk],
                cells,
                url=drill(query, **extra),
                stale_url=drill(query, stale="true", **extra),
                overdue_url=drill(query, overdue="true", **extra),
            )
        )
    return groups


def boroughs_panel(frame, table, *, sort, page, per_page, compare):
    """The borough table: every row sorted, one page shown with links, BCU groups and subtotals."""
    key, descending = parse_sort(sort)
    rows = table.rows
    rows.sort(key=lambda r: (r.sort_value(key), r.borough.name.lower()), reverse=descending)
    shown = Paginator(rows, per_page or BOROUGHS_PER_PAGE).get_page(page)
    # Links only for the boroughs shown: a page of them at national scale.
    for row in shown.object_list:
        add_links(row, query=frame.query, compare=compare)
    return {
        "rows": list(shown.object_list),
        "borough_page": shown,
        "groups": bcu_groups(rows, shown.object_list, query=frame.query) if key == "bcu" else [],
        "sort_key": key,
        "sort_label": SORT_KEYS[key] + (" (descending)" if descending else ""),
        "sort_descending": descending,
    }


def heatmap_panel(frame, rows, shown):
    """The borough × driver heatmap: cells for the rows shown, gap counts over every row."""
    drivers = frame.tables.confidence_drivers
    if frame.today_counts is not None:
        by_driver = frame.today_counts.by_driver
    else:
        by_driver = group_counts(in_boroughs(frame.qs), BOROUGH_DRIVER, **frame.counted(), statuses_only=True)
    frame.by_borough_driver = by_driver
    for row in shown:
        for driver in drivers:
            counts = by_driver.get((row.borough.pk, driver.pk))
            url = drill(frame.query, borough=row.borough.slug, driver=driver.slug)
            row.drivers.append(Cell(counts=counts, state=coverage_state(counts), url=url))
    gaps = dict.fromkeys((d.pk for d in drivers), 0)
    for row in rows:
        for driver in drivers:
            if coverage_state(by_driver.get((row.borough.pk, driver.pk))) == GAP:
                gaps[driver.pk] += 1
    return {"drivers": drivers, "driver_gaps": [gaps[d.pk] for d in drivers]}


def pillars_panel(frame, table):
    """One entry per pillar: its Counts (``table.by_pillar``), status cells and drill-down link."""
    return {"pillars": pillar_entries(frame, table.by_pillar)}


def changes_panel(frame, table, plans, *, compare):
    """The actions that moved up or down since ``compare`` (None without a comparison date)."""
    if not compare:
        return {"changes": None, "changes_all_query": ""}
    data = frame.filterset.data
    changes = changes_in_view(table.moves, plans, user=frame.user, show_all=data.get("changes") == "all")
    return {"changes": changes, "changes_all_query": with_changes_all(data) if changes["hidden"] else ""}


def oversight(filterset, *, user, sort="bcu", compare=None, page=1, per_page=None):
    """Everything the oversight dashboard's figures show, from a valid ActionFilterSet.

    Totals, the sort, BCU subtotals and the driver gaps cover every borough in view; ``rows``
    (with their links and heatmap cells) are one page of ``per_page`` boroughs of that order, so
    the page stays the same size at national scale.
    """
    frame = Frame.of(filterset, user=user)
    return oversight_figures(frame, sort=sort, compare=compare, page=page, per_page=per_page)


def oversight_figures(frame, *, sort="bcu", compare=None, page=1, per_page=None):
    """``oversight`` from the page's Frame: one named step per panel."""
    plans = oversight_plans(frame)
    if applies(frame):  # unfiltered, today, every borough: each borough counted only when it changed
        frame.today_counts = today_counts(frame, in_boroughs(frame.qs))
    table = borough_table(frame, plans, compare=compare)
    context = {"query": frame.query, "compare": compare}
    context.update(headline_panel(frame, table, compare=compare))
    context.update(boroughs_panel(frame, table, sort=sort, page=page, per_page=per_page, compare=compare))
    context.update(heatmap_panel(frame, table.rows, context["rows"]))
    context.update(pillars_panel(frame, table))
    context.update(changes_panel(frame, table, plans, compare=compare))
    return context


def borough_compare_query(query, compare):
    """The query string of a borough dashboard with the same filters and comparison date."""
    query = query.copy()
    for key in ("borough", "bcu"):
        query.pop(key, None)
    query.setlist("compare", [compare.isoformat()])
    return query.urlencode()
