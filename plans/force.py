"""The force-wide plan: the Met's strategic programme of work on trust.

Loads the reviewed fixture (``fixtures/force-plan.yaml``, authored from the Met's January 2022
audit panel paper) and answers the questions the force page, the borough dashboard and the
export ask: the theme × Trust Test matrix, the milestone timetable as at a date, and which
borough actions deliver which force activities. Every selector runs a fixed number of queries.
"""

import datetime as dt
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from drivers.choices import MeasureUnit
from drivers.models import Driver, Measure

from .choices import STATUS_ORDER, Status, UpdateSource
from .models import Action, Milestone, Objective, Owner, Plan, Theme
from .querysets import scope_for
from .scope import LINK_FORCE, may
from .services import record_initial_status

security_log = logging.getLogger("trustplan.security")

FORCE_PLAN_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "force-plan.yaml"
FORCE_PLAN_SLUG = "met-strategic-trust-programme"
DIMENSIONS = ("capability", "reliability", "shared-values")
LOAD_COMMENT = (
    "Loaded from the Met's January 2022 audit panel paper (Strategic oversight, coordination and "
    "delivery of priority work on trust); the paper gives no rating, so it starts Not rated."
)
LOAD_AUTHOR = "January 2022 audit panel paper"
MEASURE_SOURCE = "Met audit panel paper, January 2022: measures of success"

# Worst first: a cell is shaded by the worst status among its activities.
SEVERITY = [Status.RED, Status.AMBER, Status.NOT_RATED, Status.GREEN, Status.COMPLETE]


# --------------------------------------------------------------------------- loading


def read_fixture(path=FORCE_PLAN_FIXTURE):
    """Read and check the fixture; raise ImproperlyConfigured with the first problem found."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    for key in ("plan", "themes", "activities", "milestones", "cells"):
        if key not in data:
            raise ImproperlyConfigured(f"{path}: missing section '{key}'.")
    slugs = [t["slug"] for t in data["themes"]]
    if len(set(slugs)) != len(slugs):
        raise ImproperlyConfigured(f"{path}: theme slugs repeat.")
    counted = Counter()
    for number, item in enumerate(data["activities"], start=1):
        if item.get("theme") not in slugs:
            raise ImproperlyConfigured(
                f"{path}: activity {number} names unknown theme {item.get('theme')!r}."
            )
        for dimension in dimensions_of(item):
            if dimension not in DIMENSIONS:
                raise ImproperlyConfigured(f"{path}: activity {number} has unknown dimension {dimension!r}.")
            counted[(item["theme"], dimension)] += 1
        if not (item.get("text") or "").strip() or not item.get("source_plan"):
            raise ImproperlyConfigured(f"{path}: activity {number} needs text and source_plan.")
    expected = {(c["theme"], c["dimension"]): c["activities"] for c in data["cells"]}
    if len(expected) != len(slugs) * len(DIMENSIONS):
        raise ImproperlyConfigured(f"{path}: the cells list must name every theme × dimension once.")
    for cell, count in expected.items():
        if counted[cell] != count:
            raise ImproperlyConfigured(
                f"{path}: cell {cell[0]} / {cell[1]} lists {count} activities but {counted[cell]} are given."
            )
    for number, item in enumerate(data["milestones"], start=1):
        if item["ends"] < item["starts"]:
            raise ImproperlyConfigured(f"{path}: milestone {number} ends before it starts.")
    return data


def dimensions_of(item):
    value = item.get("dimension") or item.get("dimensions") or []
    return [value] if isinstance(value, str) else list(value)


def measure_slug(theme_slug, number):
    return f"force-{theme_slug}-{number}"[:80]


def _lead_owner(lead):
    lead = " ".join(str(lead).split())
    owner, _ = Owner.objects.get_or_create(
        borough=None, key=f"force:{lead.lower()}"[:200], defaults={"label": lead[:300], "team": lead[:200]}
    )
    return owner


@transaction.atomic
def load_force_plan(path=FORCE_PLAN_FIXTURE, *, at=None):
    """Load the force-wide plan from its fixture; a second run changes nothing.

    Themes, measures of success, one objective per theme, every activity (with its Trust Test
    dimensions as drivers, its source plan, strand and lead) and every milestone. Rows already
    present are left as they are, so edits made by force editors are never overwritten.
    Returns the Plan.
    """
    data = read_fixture(path)
    spec = data["plan"]
    plan, _ = Plan.objects.get_or_create(
        slug=spec.get("slug", FORCE_PLAN_SLUG),
        defaults={"borough": None, "title": spec["title"], "source": spec.get("source", "")},
    )
    if plan.borough_id is not None:
        raise ImproperlyConfigured(f"Plan {plan.slug} belongs to a borough: it cannot be the force plan.")
    drivers = {d.slug: d for d in Driver.objects.filter(slug__in=DIMENSIONS)}
    missing = set(DIMENSIONS) - set(drivers)
    if missing:
        raise ImproperlyConfigured(
            f"Trust Test drivers missing ({', '.join(sorted(missing))}): "
            "run `manage.py load_reference` first."
        )
    themes, objectives = {}, {}
    for item in data["themes"]:
        theme, _ = Theme.objects.get_or_create(
            slug=item["slug"], defaults={"name": item["name"], "order": item["order"]}
        )
        themes[theme.slug] = theme
        measures = []
        for number, text in enumerate(item.get("measures_of_success", []), start=1):
            measure, _ = Measure.objects.get_or_create(
                slug=measure_slug(theme.slug, number),
                defaults={
                    "name": text[:300],
                    "wording": text,
                    "unit": MeasureUnit.QUALITATIVE,
                    "source": MEASURE_SOURCE,
                    "order": 100 + theme.order * 10 + number,
                },
            )
            measures.append(measure)
        theme.measures.add(*measures)
        objectives[theme.slug], _ = Objective.objects.get_or_create(
            plan=plan, theme=theme, pillar=None, defaults={"number": theme.order, "title": theme.name}
        )
    at = at or timezone.now()
    existing = set(Action.objects.filter(objective__plan=plan).values_list("objective_id", "position"))
    positions = Counter()
    for item in data["activities"]:
        objective = objectives[item["theme"]]
        positions[objective.pk] += 1
        position = positions[objective.pk]
        if (objective.pk, position) in existing:
            continue
        action = Action.objects.create(
            objective=objective,
            position=position,
            text=" ".join(item["text"].split()),
            source_plan=item["source_plan"],
            strand=item.get("strand") or "",
            created_at=at,
        )
        action.drivers.set([drivers[d] for d in dimensions_of(item)])
        if item.get("lead"):
            action.owners.set([_lead_owner(item["lead"])])
        record_initial_status(
            action=action,
            rag=Status.NOT_RATED.value,
            commentary=LOAD_COMMENT,
            author_name=LOAD_AUTHOR,
            at=at,
            source=UpdateSource.SEED,
        )
    have = set(Milestone.objects.filter(plan=plan).values_list("position", flat=True))
    Milestone.objects.bulk_create(
        [
            Milestone(
                plan=plan,
                position=position,
                period_label=str(item["period"]),
                starts=item["starts"],
                ends=item["ends"],
                description=" ".join(item["description"].split()),
                lead=item.get("lead") or "",
                is_external=bool(item.get("external")),
                theme=themes.get(item.get("theme")) if item.get("theme") else None,
                completed_on=item.get("completed"),
            )
            for position, item in enumerate(data["milestones"], start=1)
            if position not in have
        ]
    )
    return plan


# Southwark's action that delivers the force's VAWG Action Plan activities (demo link).
DEMO_LINKS = [("southwark", "Effective delivery of BCU VAWG Plan", {"source_plan": "VAWG Action Plan"})]


@transaction.atomic
def link_demo_contributions():
    """Link the demo's real borough actions to the force activities they deliver (idempotent).

    Returns the number of links in place.
    """
    plan = get_force_plan()
    if plan is None:
        return 0
    made = 0
    for borough_slug, text_start, activity_filter in DEMO_LINKS:
        action = (
            Action.objects.filter(objective__plan__borough__slug=borough_slug, text__startswith=text_start)
            .order_by("pk")
            .first()
        )
        if action is None:
            continue
        activities = Action.objects.filter(objective__plan=plan, **activity_filter)
        action.delivers.add(*activities)
        made += activities.count()
    return made


# --------------------------------------------------------------------------- linking


def force_activities():
    """Every activity of the force-wide plan (the only things a borough action may deliver)."""
    return Action.objects.filter(objective__plan__borough__isnull=True)


def set_force_links(**kwargs):
    """Kept for plans/admin.py while it is split: the write is plans.services.force_links."""
    from .services.force_links import set_force_links as write

    return write(**kwargs)


def can_link(user, action):
    """Only editors of the action's borough (and administrators) link it to force activities.
    Kept for plans/admin.py while it is split; the rule is ``scope.may(user, LINK_FORCE, action)``."""
    return may(user, LINK_FORCE, action)


# --------------------------------------------------------------------------- selectors


def get_force_plan():
    return (
        Plan.objects.filter(borough__isnull=True, slug=FORCE_PLAN_SLUG).first()
        or Plan.objects.filter(borough__isnull=True).order_by("pk").first()
    )


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


# Timetable ------------------------------------------------------------------


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


def timeline_chart(entries, day, *, width=560, row_height=22, label_width=92, top=34):
    """Geometry of the server-rendered SVG timeline: one bar per milestone on a time axis.

    Returns a dict for the template: ``bars`` (x, y, width, entry), ``ticks`` (x, label), the
    ``marker`` for ``day`` (or None when outside the axis) and the SVG's width and height.
    """
    if not entries:
        return None
    start = min(e.milestone.starts for e in entries).replace(month=1, day=1)
    end_year = max(e.milestone.ends for e in entries).year
    end = dt.date(end_year + 1, 1, 1)
    span = (end - start).days
    plot = width - label_width - 12

    def x_of(date):
        return label_width + round(plot * (date - start).days / span, 1)

    bars = []
    for index, entry in enumerate(entries):
        m = entry.milestone
        x0, x1 = x_of(m.starts), x_of(m.ends + dt.timedelta(days=1))
        bars.append(
            {
                "x": x0,
                "y": top + index * row_height,
                "w": max(round(x1 - x0, 1), 4),
                "cy": top + index * row_height + row_height / 2 - 2,
                "cx": x1,
                "entry": entry,
                "number": index + 1,
            }
        )
    ticks = []
    tick = start
    while tick <= end:
        ticks.append(
            {"x": x_of(tick), "label": tick.strftime("%Y") if tick.month == 1 else tick.strftime("%b")}
        )
        tick = dt.date(tick.year + (tick.month + 5) // 12, (tick.month + 5) % 12 + 1, 1)
    height = top + len(entries) * row_height + 10
    marker = None
    if start <= day <= end:
        marker = {"x": x_of(day), "label": day.strftime("%-d %b %Y")}
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "marker": marker,
        "axis_y": top - 6,
        "label_width": label_width,
        "before": day < start,
        "after": day > end,
        "day": day,
    }


def milestone_counts(entries):
    tally = Counter(e.state for e in entries)
    return [
        (state, MILESTONE_STATES[state][0], MILESTONE_STATES[state][1], tally[state])
        for state in MILESTONE_STATES
    ]


# Contributions ----------------------------------------------------------------


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


def borough_force_support(borough):
    """Which force activities a borough's actions deliver, and how those actions stand.

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
    own = {a.pk: a for a in Action.objects.filter(pk__in={f for _, f in links}).with_status()}
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
            "actions": sorted((own[i] for i in by_activity[activity.pk]), key=lambda a: a.pk),
        }
        for activity in activities
    ]


# Export -------------------------------------------------------------------------


def force_plan_rows(user):
    """Rows of the "Force plan" sheet (all text or dates), or [] when the user cannot read it."""
    plan = get_force_plan()
    if plan is None or not scope_for(user).read_all:
        return []
    _dimensions, _rows, activities = force_matrix(plan)
    commentary = dict(
        Action.objects.filter(pk__in=[a.pk for a in activities]).values_list("pk", "last_commentary")
    )
    return [
        [
            a.objective.theme.name,
            ", ".join(d.name for d in a.dimensions),
            a.source_plan,
            a.strand,
            a.text,
            "; ".join(o.label for o in a.leads),
            Status(a.eff_status).label,
            commentary.get(a.pk, ""),
            ", ".join(sorted({c.objective.plan.borough.name for c in a.contributions})),
            str(len(a.contributions)),
        ]
        for a in activities
    ]


def milestone_rows(user, day=None):
    """Rows of the "Milestones" sheet, status as at ``day`` (today by default)."""
    plan = get_force_plan()
    if plan is None or not scope_for(user).read_all:
        return []
    day = day or timezone.localdate()
    return [
        [
            e.milestone.period_label,
            e.milestone.starts,
            e.milestone.ends,
            e.milestone.description,
            e.milestone.lead,
            "External" if e.milestone.is_external else "Met-led",
            e.state_label,
            e.milestone.completed_on,
        ]
        for e in milestone_timeline(plan, day)
    ]
