"""The action sheets: Summary, Actions (also the CSV), Driver coverage; and the ExportContext
every sheet writer receives (the filtered actions, who asked, the workbook)."""

import datetime as dt
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from drivers.models import Driver

from ..choices import STATUS_ORDER
from ..models import Action
from ..querysets import is_stale
from .sheet import CHUNK, Column, Sheet, local_naive, objective_label


@dataclass
class ActionRow:
    id: int
    borough: str
    bcu: str
    pillar: str
    pillar_order: int
    objective: str
    text: str
    owners: str
    drivers: str
    rag: str
    status: str
    due: dt.date | None
    completed: bool
    stale: bool
    overdue: bool
    last_update: dt.datetime | None
    commentary: str
    next_steps: str = ""


@dataclass
class ExportContext:
    """What every sheet writer gets: the filtered actions, who asked, and the workbook.

    ``filterset`` is an ``ActionFilterSet`` whose queryset already holds the scope
    (``plans``, ``mine``: see ``plans.exports.scope``); those two fields name it."""

    filterset: object
    user: object
    generated_at: dt.datetime = field(default_factory=timezone.now)
    workbook: object = None
    formats: dict = field(default_factory=dict)
    row_counts: dict = field(default_factory=dict)
    by: str = ""
    plans: str = ""  # "", "boroughs" or "force": a key of plans.exports.scope.PLAN_SCOPES (?scope=)
    mine: bool = False  # only the actions the user owns (?mine=1)

    @property
    def as_at(self):
        return self.filterset.as_at_date

    @property
    def actions_qs(self):
        return self.filterset.qs

    def sheet(self, name, columns):
        return Sheet(self, name, columns)

    @functools.cached_property
    def action_ids(self):
        return self.actions_qs.order_by().values("pk")

    @functools.cached_property
    def history_action_ids(self):
        """The exported actions and the retired ones the same scope and filters select (a
        subquery): a retired action's status history stays in the export."""
        retired_too = type(self.filterset)(
            self.filterset.data, self.filterset.queryset, user=self.user, with_retired=True
        )  # the same scope (``scope``, ``mine``: ``plans.exports.scope.scoped_actions``)
        return retired_too.qs.order_by().values("pk")

    @functools.cached_property
    def actions(self):
        """The filtered actions as ActionRow, in plan order (bounded by plan size, not history)."""
        return list(iter_action_rows(self.filterset))


def _join_by_action(through, action_ids, label_field):
    grouped = defaultdict(list)
    rows = (
        through.objects.filter(action_id__in=action_ids)
        .order_by("action_id", "pk")
        .values_list("action_id", label_field)
        .iterator(chunk_size=CHUNK)
    )
    for action_id, label in rows:
        grouped[action_id].append(label)
    return {k: "; ".join(v) for k, v in grouped.items()}


# The fields of an action row, read in one query (``values_list(named=True)``).
ACTION_FIELDS = (
    "pk",
    "objective__plan__borough__name",
    "objective__plan__borough__bcu__name",
    "objective__pillar__name",
    "objective__pillar__order",
    "objective__number",
    "objective__title",
    "text",
    "eff_rag",
    "eff_status",
    "due_date",
    "eff_completed",
    "eff_reviewed_at",
    "eff_commentary",
    "next_steps",
    "objective__plan__review_interval_days",
)


def action_values_rows(filterset):
    """The filterset's actions in plan order as named tuples of ``ACTION_FIELDS``, with their
    status, review time and commentary as at the filterset's date, read in chunks."""
    return (
        filterset.qs.with_commentary(filterset.as_at_date)
        .in_plan_order()
        .values_list(*ACTION_FIELDS, named=True)
        .iterator(chunk_size=CHUNK)
    )


def action_row(values, *, owners, drivers, ref_time, ref_date):
    """One ``ActionRow`` from a row of ``action_values_rows``; stale and overdue as at
    ``ref_time`` (aware) and ``ref_date`` (local date); owners and drivers by action id."""
    completed = bool(values.eff_completed)
    due = values.due_date
    return ActionRow(
        id=values.pk,
        borough=values.objective__plan__borough__name or "Force-wide",
        bcu=values.objective__plan__borough__bcu__name or "",
        pillar=values.objective__pillar__name or "",
        pillar_order=values.objective__pillar__order or 0,
        objective=objective_label(values.objective__number, values.objective__title),
        text=values.text,
        owners=owners.get(values.pk, ""),
        drivers=drivers.get(values.pk, ""),
        rag=values.eff_rag,
        status=values.eff_status,
        due=due,
        completed=completed,
        stale=is_stale(
            reviewed_at=values.eff_reviewed_at,
            completed=completed,
            interval_days=values.objective__plan__review_interval_days,
            now=ref_time,
        ),
        overdue=bool(due and not completed and due < ref_date),
        last_update=local_naive(values.eff_reviewed_at),
        commentary=values.eff_commentary or "",
        next_steps=values.next_steps or "",
    )


def iter_action_rows(filterset):
    """The filterset's actions as ``ActionRow`` in plan order: three queries (owners, drivers,
    the actions), whatever the number of actions."""
    ids = filterset.qs.order_by().values("pk")
    owners = _join_by_action(Action.owners.through, ids, "owner__label")
    drivers = _join_by_action(Action.drivers.through, ids, "driver__name")
    ref_time, ref_date = filterset.reference_time, filterset.reference_date
    for values in action_values_rows(filterset):
        yield action_row(values, owners=owners, drivers=drivers, ref_time=ref_time, ref_date=ref_date)


ACTION_COLUMNS = [
    Column("Borough", width=18),
    Column("BCU", width=22),
    Column("Pillar", width=16),
    Column("Objective", "wrap", 40),
    Column("Action", "wrap", 60),
    Column("Owners", "wrap", 30),
    Column("Drivers", "wrap", 30),
    Column("RAG", "rag", 11),
    Column("Due", "date", 11),
    Column("Complete", "bool", 10),
    Column("Stale", "bool", 8),
    Column("Overdue", "bool", 9),
    Column("Last update", "datetime", 17),
    Column("Last commentary", "wrap", 60),
    Column("Next steps", "wrap", 50),
    Column("Action ID", "int", 10),
]


def action_values(row):
    return (
        row.borough,
        row.bcu,
        row.pillar,
        row.objective,
        row.text,
        row.owners,
        row.drivers,
        row.rag,
        row.due,
        row.completed,
        row.stale,
        row.overdue,
        row.last_update,
        row.commentary,
        row.next_steps,
        row.id,
    )


def write_summary(ctx):
    """RAG counts by borough × pillar: a pandas pivot of the filtered actions."""
    import pandas as pd

    columns = [Column("Borough", width=22), Column("Pillar", width=18)]
    columns += [Column(s.label, "int", 11) for s in STATUS_ORDER] + [Column("Total", "int", 9)]
    sheet = ctx.sheet("Summary", columns)
    for index, status in enumerate(STATUS_ORDER, start=2):
        sheet.ws.write_string(0, index, status.label, ctx.formats[f"rag_{status.value}"])
    frame = pd.DataFrame(
        [(a.borough, a.pillar_order, a.pillar or "(no pillar)", a.status) for a in ctx.actions],
        columns=["borough", "order", "pillar", "status"],
    )
    if not frame.empty:
        pivot = frame.pivot_table(
            index=["borough", "order", "pillar"], columns="status", aggfunc="size", fill_value=0
        ).reindex(columns=[s.value for s in STATUS_ORDER], fill_value=0)
        for (borough, _order, pillar), counts in pivot.iterrows():
            values = [int(n) for n in counts.tolist()]
            sheet.write([borough, pillar, *values, sum(values)])
    return sheet.close()


def write_actions(ctx):
    """One row per action."""
    sheet = ctx.sheet("Actions", ACTION_COLUMNS)
    for row in ctx.actions:
        sheet.write(action_values(row))
    return sheet.close()


def write_driver_coverage(ctx):
    """Borough × driver: how many of the exported actions serve each driver."""
    drivers = list(Driver.objects.select_related("framework").order_by("framework__order", "order", "name"))
    counts = Counter(
        Action.drivers.through.objects.filter(action_id__in=ctx.action_ids)
        .values_list("action__objective__plan__borough__name", "driver_id")
        .iterator(chunk_size=CHUNK)
    )
    totals = Counter(a.borough for a in ctx.actions)
    columns = [Column("Borough", width=22), Column("Actions", "int", 9)]
    columns += [Column(d.name, "int", max(10, min(24, len(d.name) * 0.9))) for d in drivers]
    sheet = ctx.sheet("Driver coverage", columns)
    for borough in sorted(totals):
        sheet.write(
            [borough, totals[borough]]
            + [counts.get((None if borough == "Force-wide" else borough, d.pk), 0) for d in drivers]
        )
    if len(drivers):
        last = sheet.row - 1
        if last >= 1:
            sheet.ws.conditional_format(
                1,
                2,
                last,
                len(columns) - 1,
                {"type": "cell", "criteria": "==", "value": 0, "format": ctx.formats["gap"]},
            )
    return sheet.close()
