"""Loading the force-wide plan from fixtures/force-plan.yaml, and the demonstration links of borough
actions to it."""

from collections import Counter
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from drivers.choices import MeasureUnit
from drivers.models import Driver, Measure

from ..choices import Status, UpdateSource
from ..models import Action, Milestone, Objective, Owner, Plan, Theme
from ..services import record_initial_status
from .figures import DIMENSIONS, FORCE_PLAN_SLUG, get_force_plan

FORCE_PLAN_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "force-plan.yaml"

LOAD_COMMENT = (
    "Loaded from the Met's January 2022 audit panel paper (Strategic oversight, coordination and "
    "delivery of priority work on trust); the paper gives no rating, so it starts Not rated."
)


LOAD_AUTHOR = "January 2022 audit panel paper"


MEASURE_SOURCE = "Met audit panel paper, January 2022: measures of success"


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


def _plan(spec):
    plan, _ = Plan.objects.get_or_create(
        slug=spec.get("slug", FORCE_PLAN_SLUG),
        defaults={"borough": None, "title": spec["title"], "source": spec.get("source", "")},
    )
    if plan.borough_id is not None:
        raise ImproperlyConfigured(f"Plan {plan.slug} belongs to a borough: it cannot be the force plan.")
    return plan


def _trust_test_drivers():
    drivers = {d.slug: d for d in Driver.objects.filter(slug__in=DIMENSIONS)}
    missing = set(DIMENSIONS) - set(drivers)
    if missing:
        raise ImproperlyConfigured(
            f"Trust Test drivers missing ({', '.join(sorted(missing))}): "
            "run `manage.py load_reference` first."
        )
    return drivers


def _theme_measures(theme, texts):
    measures = []
    for number, text in enumerate(texts, start=1):
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


def _themes(plan, items):
    """Themes, their measures of success and one objective each: ({slug: Theme}, {slug: Objective})."""
    themes, objectives = {}, {}
    for item in items:
        theme, _ = Theme.objects.get_or_create(
            slug=item["slug"], defaults={"name": item["name"], "order": item["order"]}
        )
        themes[theme.slug] = theme
        _theme_measures(theme, item.get("measures_of_success", []))
        objectives[theme.slug], _ = Objective.objects.get_or_create(
            plan=plan, theme=theme, pillar=None, defaults={"number": theme.order, "title": theme.name}
        )
    return themes, objectives


def _activities(plan, items, *, objectives, drivers, at):
    """Every activity not already present (by objective and position), with its first status."""
    existing = set(Action.objects.filter(objective__plan=plan).values_list("objective_id", "position"))
    positions = Counter()
    for item in items:
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


def _milestones(plan, items, themes):
    """Every milestone not already present (by position)."""
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
            for position, item in enumerate(items, start=1)
            if position not in have
        ]
    )


@transaction.atomic
def load_force_plan(path=FORCE_PLAN_FIXTURE, *, at=None):
    """Load the force-wide plan from its fixture; a second run changes nothing.

    Themes, measures of success, one objective per theme, every activity (with its Trust Test
    dimensions as drivers, its source plan, strand and lead) and every milestone. Rows already
    present are left as they are, so edits made by force editors are never overwritten.
    Returns the Plan.
    """
    data = read_fixture(path)
    plan = _plan(data["plan"])
    drivers = _trust_test_drivers()
    themes, objectives = _themes(plan, data["themes"])
    at = at or timezone.now()
    _activities(plan, data["activities"], objectives=objectives, drivers=drivers, at=at)
    _milestones(plan, data["milestones"], themes)
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
