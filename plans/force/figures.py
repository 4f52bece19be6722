"""Figures of the force-wide plan (the selectors): the theme × Trust Test matrix, milestones,
contributions of borough actions."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from drivers.models import Driver, Measure

from ..choices import STATUS_ORDER, Status
from ..models import Action, Milestone, Objective, Plan, Theme

FORCE_PLAN_SLUG = "met-strategic-trust-programme"


DIMENSIONS = ("capability", "reliability", "shared-values")


def force_activities():
    """Every activity of the force-wide plan (the only things a borough action may deliver)."""
    return Action.objects.filter(objective__plan__borough__isnull=True)


def get_force_plan():
    return (
        Plan.objects.filter(borough__isnull=True, slug=FORCE_PLAN_SLUG).first()
        or Plan.objects.filter(borough__isnull=True).order_by("pk").first()
    )


# Worst first: a cell is shaded by the worst status among its activities.
SEVERITY = [Status.RED, Status.AMBER, Status.NOT_RATED, Status.GREEN, Status.COMPLETE]


def heat_class(statuses):
    """The cell's shading: the worst status present, and whether the cell is a mix."""
    present = [s for s in SEVERITY if s in statuses]
    if not present:
        return "heat-empty"
    worst = f"heat-{present[0].value}"
    return f"{worst} heat-mixed" if len(present) > 1 else worst


@dataclass
class Cell:
    theme: Theme
    dimension: Driver
    activities: list = field(default_factory=list)

    @property
    def counts(self):
        tally = Counter(a.eff_status for a in self.activities)
        return [(Status(s), tally[s]) for s in STATUS_ORDER if tally[s]]

    @property
    def heat(self):
        return heat_class({Status(a.eff_status) for a in self.activities})

    @property
    def worst(self):
        present = {Status(a.eff_status) for a in self.activities}
        return next((s for s in SEVERITY if s in present), None)


@dataclass
class ThemeRow:
    theme: Theme
    objective: Objective | None
    cells: list
    measures: list

    @property
    def total(self):
        return len({a.pk for c in self.cells for a in c.activities})


def _contributions_prefetch():
    return Prefetch(
        "delivered_by",
        queryset=Action.objects.with_status()
        .select_related("objective__plan__borough")
        .order_by("objective__plan__borough__name", "pk"),
        to_attr="contributions",
    )


def force_matrix(plan):
    """The theme × Trust Test matrix of the force plan: rows of cells of activities.

    Each activity carries ``eff_status``, ``dimensions`` (its Trust Test drivers), ``leads``
    and ``contributions`` (the borough actions that deliver it, with their status). 6 queries.
    """
    dimensions = list(Driver.objects.filter(slug__in=DIMENSIONS).order_by("order"))
    themes = list(
        Theme.objects.filter(objectives__plan=plan)
        .distinct()
        .order_by("order")
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("order", "pk")))
    )
    objectives = {o.theme_id: o for o in Objective.objects.filter(plan=plan, theme__isnull=False)}
    activities = list(
        Action.objects.filter(objective__plan=plan)
        .with_status()
        .select_related("objective__theme")
        .prefetch_related(
            Prefetch("drivers", queryset=Driver.objects.filter(slug__in=DIMENSIONS), to_attr="dimensions"),
            Prefetch("owners", to_attr="leads"),
            _contributions_prefetch(),
        )
        .order_by("objective__theme__order", "position", "pk")
    )
    by_cell = defaultdict(list)
    for activity in activities:
        for dimension in activity.dimensions:
            by_cell[(activity.objective.theme_id, dimension.pk)].append(activity)
    rows = [
        ThemeRow(
            theme=theme,
            objective=objectives.get(theme.pk),
            cells=[Cell(theme, d, by_cell[(theme.pk, d.pk)]) for d in dimensions],
            measures=list(theme.measures.all()),
        )
        for theme in themes
    ]
    return dimensions, rows, activities


def status_totals(activities):
    tally = Counter(a.eff_status for a in activities)
    return [(s, tally[s.value]) for s in STATUS_ORDER]


MILESTONE_STATES = {
    "done": ("Done", "✔"),
    "overdue": ("Overdue", "✖"),
    "current": ("Due now", "◐"),
    "upcoming": ("Upcoming", "○"),
}


def milestone_state(milestone, day):
    """done, overdue, current (its period includes ``day``) or upcoming (starts after ``day``)."""
    status = milestone.status_on(day)
    if status == "due":
        return "upcoming" if milestone.starts > day else "current"
    return status


@dataclass
class TimelineEntry:
    milestone: Milestone
    state: str

    @property
    def state_label(self):
        return MILESTONE_STATES[self.state][0]

    @property
    def state_icon(self):
        return MILESTONE_STATES[self.state][1]


def milestone_timeline(plan, day):
    """The plan's milestones with their state on ``day``, in order. 1 query."""
    milestones = Milestone.objects.filter(plan=plan).select_related("theme").order_by("starts", "position")
    return [TimelineEntry(m, milestone_state(m, day)) for m in milestones]


def milestone_counts(entries):
    tally = Counter(e.state for e in entries)
    return [
        (state, MILESTONE_STATES[state][0], MILESTONE_STATES[state][1], tally[state])
        for state in MILESTONE_STATES
    ]


def contributions_by_borough(plan):
    """Per borough: how many force activities its actions deliver and how those actions stand.

    One query; rows ordered by borough name.
    """
    through = Action.delivers.through
    rows = (
        through.objects.filter(to_action__objective__plan=plan)
        .values(
            "from_action__objective__plan__borough__name",
            "from_action__objective__plan__borough__slug",
        )
        .annotate(
            activities=Count("to_action", distinct=True),
            actions=Count("from_action", distinct=True),
            red=Count(
                "from_action", distinct=True, filter=Q(from_action__rag="red", from_action__completed=False)
            ),
            amber=Count(
                "from_action", distinct=True, filter=Q(from_action__rag="amber", from_action__completed=False)
            ),
            green=Count(
                "from_action", distinct=True, filter=Q(from_action__rag="green", from_action__completed=False)
            ),
            not_rated=Count(
                "from_action",
                distinct=True,
                filter=Q(from_action__rag="not_rated", from_action__completed=False),
            ),
            complete=Count("from_action", distinct=True, filter=Q(from_action__completed=True)),
        )
        .order_by("from_action__objective__plan__borough__name")
    )
    return [
        {
            "borough": row["from_action__objective__plan__borough__name"],
            "slug": row["from_action__objective__plan__borough__slug"],
            "activities": row["activities"],
            "actions": row["actions"],
            "statuses": [(s, row[s.value]) for s in STATUS_ORDER if row[s.value]],
        }
        for row in rows
    ]


def borough_force_support(borough, *, as_at=None):
    """Which force activities a borough's actions deliver, and how those actions stand (now, or
    with ``as_at``, a date, as at the end of that day: actions with no status by then are left
    out; the links and the activities' own statuses are today's).

    For the borough dashboard: a list of dicts ``{"activity", "theme", "dimensions",
    "actions"}`` ordered as the force plan, each ``actions`` the borough's delivering actions
    with ``eff_status``. 3 queries.
    """
    links = list(
        Action.delivers.through.objects.filter(from_action__objective__plan__borough=borough).values_list(
            "to_action_id", "from_action_id"
        )
    )
    if not links:
        return []
    by_activity = defaultdict(list)
    for to_id, from_id in links:
        by_activity[to_id].append(from_id)
    own = {a.pk: a for a in Action.objects.filter(pk__in={f for _, f in links}).with_status(as_at)}
    activities = (
        force_activities()
        .filter(pk__in=by_activity)
        .with_status()
        .select_related("objective__theme")
        .prefetch_related(
            Prefetch("drivers", queryset=Driver.objects.filter(slug__in=DIMENSIONS), to_attr="dimensions")
        )
        .order_by("objective__theme__order", "position", "pk")
    )
    return [
        {
            "activity": activity,
            "theme": activity.objective.theme,
            "dimensions": activity.dimensions,
            "actions": sorted((own[i] for i in by_activity[activity.pk] if i in own), key=lambda a: a.pk),
        }
        for activity in activities
        if any(i in own for i in by_activity[activity.pk])  # as at a day: the actions that existed then
    ]
