"""Demo content: the real Southwark plan from its published text, demo users per role, and a
small synthetic plan for Lambeth so that scoping can be seen. Never run by production set-up.
"""

import csv
import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from drivers.models import Driver

from .choices import MembershipRole, Role, UpdateSource
from .models import Action, Borough, Membership, Objective, Owner, Pillar, Plan
from .owners import merge, parse_owners
from .seedplan import parse_plan_text
from .services import record_initial_status

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SOUTHWARK_SEED = FIXTURES / "seeds" / "southwark-trust-and-confidence-plan.txt"
SOUTHWARK_DRIVERS = FIXTURES / "southwark-action-drivers.csv"
SEED_COMMENT = "As published in the Southwark Trust and Confidence Plan."
# The plan carries no date. It says the Met "launched a 'New Met For London'", published in July
# 2023 (London Assembly, 5 September 2023): 1 August 2023 is the first day surely after that, so
# the published ratings are recorded as at then (fixtures/DATA-SOURCES.md gives the reasoning).
SOUTHWARK_PLAN_DATE = dt.date(2023, 8, 1)


def southwark_plan_moment():
    """The moment the published Southwark ratings are recorded at: 09:00 London time on
    SOUTHWARK_PLAN_DATE (an aware datetime)."""
    return timezone.make_aware(dt.datetime.combine(SOUTHWARK_PLAN_DATE, dt.time(9, 0)))


# username -> (group, borough slug, membership roles, is_staff, is_superuser)
DEMO_USERS = {
    "southwark.editor": (
        Role.BOROUGH_EDITOR,
        "southwark",
        [MembershipRole.EDITOR, MembershipRole.LEAD],
        True,
        False,
    ),
    "southwark.commander": (
        Role.BOROUGH_EDITOR,
        "southwark",
        [MembershipRole.COMMANDER],
        True,
        False,
    ),
    "lambeth.editor": (
        Role.BOROUGH_EDITOR,
        "lambeth",
        [MembershipRole.EDITOR, MembershipRole.LEAD],
        True,
        False,
    ),
    "mopac.oversight": (Role.OVERSIGHT, None, [], False, False),
    "analyst": (Role.ANALYST, None, [], False, False),
    "force.editor": (Role.FORCE_EDITOR, None, [], True, False),
    "admin": (Role.ADMINISTRATOR, None, [], True, True),
}


def demo_password():
    return os.environ.get("DEMO_PASSWORD") or settings.TRUSTPLAN_DEMO_PASSWORD_DEFAULT


def driver_mapping(path=SOUTHWARK_DRIVERS):
    """(pillar, objective number, position) -> (text start, [driver slugs]) from the reviewed CSV."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            (row["pillar"], int(row["objective"]), int(row["position"])): (
                row["action_start"],
                [s.strip() for s in row["drivers"].split(";") if s.strip()],
            )
            for row in csv.DictReader(handle)
        }


def _southwark_owners(borough, seed):
    """The Southwark plan's owners, one per person or team however spelt: {key: Owner}."""
    people = {}
    for item in seed:
        for parsed in parse_owners(item.owners):
            people[parsed.key] = merge(people.get(parsed.key), parsed)
    owners = {}
    for key, parsed in people.items():
        owners[key], _ = Owner.objects.update_or_create(
            borough=borough,
            key=key,
            defaults={
                "label": parsed.label,
                "rank": parsed.rank,
                "name": parsed.name,
                "team": parsed.team,
            },
        )
    return owners


def _seed_drivers(item, mapping, drivers):
    """The Driver rows the reviewed mapping gives one seed action; ValueError when the mapping
    row's text start does not match the action's text."""
    okey = (item.pillar, item.objective_number, item.position)
    start, slugs = mapping.get(okey, ("", []))
    if start and not item.text.startswith(start.strip()[:40]):
        raise ValueError(f"Driver mapping row {okey} does not match: {start!r}")
    return [drivers[s] for s in slugs if s in drivers]


def _southwark_action(*, item, objective, owners, drivers, at):
    """Create one seed action with its owners, drivers and first status (the published RAG)."""
    action = Action.objects.create(objective=objective, position=item.position, text=item.text, created_at=at)
    action.owners.set([owners[p.key] for p in parse_owners(item.owners)])
    action.drivers.set(drivers)
    record_initial_status(
        action=action,
        rag=item.rag,
        commentary=SEED_COMMENT,
        author_name="Published plan",
        at=at,
        source=UpdateSource.SEED,
    )
    return action


@transaction.atomic
def load_southwark(*, seed_path=SOUTHWARK_SEED, mapping_path=SOUTHWARK_DRIVERS, at=None):
    """Load the Southwark plan once; a second call changes nothing. Returns the Plan.

    Every action's first status is the published RAG, recorded ``at`` (default: the plan's
    date, ``southwark_plan_moment()``), never the moment the loader runs."""
    borough = Borough.objects.get(slug="southwark")
    plan, created = Plan.objects.get_or_create(
        borough=borough,
        defaults={
            "slug": "southwark-trust-and-confidence-plan",
            "title": "Southwark Trust and Confidence Plan",
            "source": "Southwark BCU, Trust and Confidence Plan (A New Met for London)",
        },
    )
    if not created and Action.objects.filter(objective__plan=plan).exists():
        return plan
    seed = parse_plan_text(seed_path.read_text(encoding="utf-8"))
    mapping = driver_mapping(mapping_path)
    drivers = {d.slug: d for d in Driver.objects.all()}
    pillars = {p.name: p for p in Pillar.objects.all()}
    owners = _southwark_owners(borough, seed)
    at = at or southwark_plan_moment()
    objectives = {}
    for item in seed:
        okey = (item.pillar, item.objective_number)
        if okey not in objectives:
            objectives[okey], _ = Objective.objects.get_or_create(
                plan=plan,
                pillar=pillars[item.pillar],
                number=item.objective_number,
                defaults={"title": item.objective_title},
            )
        _southwark_action(
            item=item,
            objective=objectives[okey],
            owners=owners,
            drivers=_seed_drivers(item, mapping, drivers),
            at=at,
        )
    return plan


@transaction.atomic
def ensure_demo_users(password=None):
    """Create or refresh the demo users (one per role). Returns their usernames."""
    password = password or demo_password()
    User = get_user_model()
    validate_password(password)
    for username, (role, borough_slug, memberships, staff, superuser) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=username)
        user.is_staff, user.is_superuser = staff, superuser
        user.email = f"{username}@example.org"
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
        if borough_slug:
            borough = Borough.objects.get(slug=borough_slug)
            for member_role in memberships:
                Membership.objects.get_or_create(user=user, borough=borough, role=member_role)
    return list(DEMO_USERS)


LAMBETH_MONTHS = 12
LAMBETH_ACTIONS = 12


def load_lambeth():
    """Lambeth's small synthetic plan (labelled as such in its title and source) with a year of
    monthly reviews ending now, so its trend, quarters and returns have something to show.
    Idempotent: returns None when Lambeth already has a plan, else (actions, updates) made."""
    from .synthetic import make_borough_plan

    borough = Borough.objects.get(slug="lambeth")
    return make_borough_plan(borough, months=LAMBETH_MONTHS, actions=LAMBETH_ACTIONS, seed=2026)
