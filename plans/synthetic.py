"""Synthetic borough plans with a plausible monthly history, for demos, tests and benchmarks.

Everything made here is labelled synthetic (plan title, plan flag, borough flag for made-up
boroughs, commentary). Nothing here is survey data: no measure readings are invented.
Deterministic: the same seed, borough and end date give the same rows.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from drivers.models import Driver

from .choices import RAG, UpdateSource
from .models import BCU, Action, Borough, Objective, Owner, Pillar, Plan, StatusUpdate

OWNER_LABELS = [
    "Neighbourhoods Supt",
    "Response Supt",
    "Safeguarding Supt",
    "Investigations D/Supt",
    "Comms Team",
    "Engagement Team",
    "Town Centre Team",
    "Professional Standards Unit",
    "Strand leads",
    "Offender Management Unit",
    "Schools Team",
    "Training Unit",
]
OBJECTIVES = {
    "more-trust": [
        "Engage with communities with lower trust",
        "Provide a better service to victims",
        "Improve communication",
        "Be transparent and open to feedback",
    ],
    "less-crime": [
        "Visible policing in high crime areas",
        "Target repeat and high harm offenders",
        "Increase detection rates for priority crimes",
    ],
    "higher-standards": [
        "Visible, approachable leadership",
        "Hold ourselves accountable",
        "Trained and equipped staff",
    ],
}
ACTION_PHRASES = {
    "more-trust": [
        "Quarterly ward panel meetings in each sector",
        "Community contact sessions away from police buildings",
        "Engagement officer for each protected characteristic",
        "Reassurance plan after critical incidents",
        "Monthly newsletter to community contacts",
        "Victim updates within agreed timescales",
        "Youth engagement through sports and schools",
        "Publish stop and search data with commentary",
        "Community observers at officer training",
        "Respond to survey feedback publicly",
    ],
    "less-crime": [
        "Hotspot patrols with council wardens",
        "Weapons sweeps in high harm locations",
        "Locate wanted offenders through proactive teams",
        "Arrest days for outstanding suspects",
        "Forensic attendance at all burglaries",
        "Early evidence capture for robbery",
        "Night-time economy VAWG patrols",
        "Civil orders to protect repeat victims",
        "Town centre team presence",
        "Problem-solving plans for ASB hotspots",
    ],
    "higher-standards": [
        "Leaders visible across all sites",
        "Ask-the-SLT feedback sessions",
        "Promote routes for raising concerns",
        "Anonymous culture survey in every strand",
        "Stop and search governance board",
        "Supervisor training completion",
        "Complaints learning shared with teams",
        "Welfare support training for supervisors",
        "Uniform and equipment readiness checks",
        "Challenge unacceptable behaviour",
    ],
}
COMMENTS = {
    RAG.GREEN: "Synthetic: reviewed at the monthly SLT meeting; delivery on track.",
    RAG.AMBER: "Synthetic: some slippage against the milestone; mitigation agreed at SLT.",
    RAG.RED: "Synthetic: off track because of resourcing; escalated to the BCU commander.",
    RAG.NOT_RATED: "Synthetic: awaiting a first assessment from the owner.",
}
DRIVER_WEIGHTS = {
    "engagement-fair-treatment": 5,
    "effectiveness": 5,
    "accountability": 3,
    "personal-security": 2,
    "patrol-visibility": 2,
    "information-provision": 3,
    "community-cohesion": 1,
    "demographics": 0.3,
}
START_WEIGHTS = [(RAG.GREEN, 0.45), (RAG.AMBER, 0.3), (RAG.RED, 0.1), (RAG.NOT_RATED, 0.15)]
LADDER = [RAG.RED, RAG.AMBER, RAG.GREEN]


@dataclass
class SyntheticResult:
    boroughs: int = 0
    actions: int = 0
    updates: int = 0
    skipped: int = 0


def _synthetic_boroughs(count):
    """Real boroughs without a plan first, then made-up boroughs (labelled) beyond the 32."""
    free = list(Borough.objects.filter(plans__isnull=True).order_by("ons_code"))
    chosen = free[:count]
    number = Borough.objects.filter(is_synthetic=True).count()
    while len(chosen) < count:
        number += 1
        bcu, _ = BCU.objects.get_or_create(
            slug=f"synthetic-bcu-{(number - 1) // 4 + 1:03d}",
            defaults={"name": f"Synthetic BCU {(number - 1) // 4 + 1:03d}"},
        )
        borough, _ = Borough.objects.get_or_create(
            slug=f"synthetic-borough-{number:03d}",
            defaults={
                "name": f"Synthetic borough {number:03d}",
                "ons_code": f"S9{number:07d}",
                "bcu": bcu,
                "is_synthetic": True,
            },
        )
        if not borough.plans.exists():
            chosen.append(borough)
    return chosen


def _walk(rng, rag):
    if rag == RAG.NOT_RATED:
        return rng.choice([RAG.NOT_RATED, RAG.AMBER, RAG.GREEN])
    step = rng.random()
    i = LADDER.index(rag)
    if step < 0.18 and i < 2:
        return LADDER[i + 1]
    if step > 0.92 and i > 0:
        return LADDER[i - 1]
    return rag


def _plan_frame(borough, pillars):
    """The plan, its owners (one per team of OWNER_LABELS) and its objectives (OBJECTIVES)."""
    plan = Plan.objects.create(
        slug=f"{borough.slug}-synthetic-plan",
        borough=borough,
        title=f"{borough.name} trust and confidence plan (synthetic data)",
        source="Synthetic: generated by make_synthetic, not a real plan",
        is_synthetic=True,
    )
    owners = Owner.objects.bulk_create(
        [
            Owner(borough=borough, key=f"team:{label.lower()}", label=label, team=label)
            for label in OWNER_LABELS
        ]
    )
    objectives = Objective.objects.bulk_create(
        [
            Objective(plan=plan, pillar=pillars[slug], number=n, title=title)
            for slug, titles in OBJECTIVES.items()
            for n, title in enumerate(titles, start=1)
        ]
    )
    return plan, owners, objectives


def _history(rng, rag, *, start, end, months):
    """A monthly walk of one action's status from ``rag``: [(when, from_rag, to_rag, from_completed,
    to_completed)], some months skipped (more often the last: stale), ending once complete."""
    history, completed = [], False
    for month in range(months + 1):
        when = start + dt.timedelta(days=30 * month + rng.randint(0, 4), hours=rng.randint(8, 17))
        if when > end:
            when = end - dt.timedelta(hours=rng.randint(1, 48))
        last_month = month == months
        if month and rng.random() < (0.2 if last_month else 0.08):
            continue  # not reviewed this month: stale in the last month
        new_rag = rag if month == 0 else _walk(rng, rag)
        new_completed = completed or (new_rag == RAG.GREEN and month > 2 and rng.random() < 0.015)
        history.append((when, rag if month else "", new_rag, completed, new_completed))
        rag, completed = new_rag, new_completed
        if completed:
            break
    return history


def _action(rng, objective, position, *, start, end, months):
    """One unsaved action with its history; its current state is the history's last step."""
    text = f"{rng.choice(ACTION_PHRASES[objective.pillar.slug])} ({objective.title.lower()}, item {position})"
    due = None
    if rng.random() < 0.6:
        due = end + dt.timedelta(days=rng.randint(-180, 365))
    rag = rng.choices([w[0] for w in START_WEIGHTS], [w[1] for w in START_WEIGHTS])[0]
    history = _history(rng, rag, start=start, end=end, months=months)
    action = Action(objective=objective, position=position, text=text, due_date=due, created_at=history[0][0])
    when, _, last_rag, _, last_completed = history[-1]
    action.rag, action.completed = last_rag, last_completed
    action.completed_on = when.date() if last_completed else None
    action.last_commentary = COMMENTS[last_rag]
    action.last_reviewed_at = when
    action.version = len(history)
    return action, history


def _updates(action, history):
    return [
        StatusUpdate(
            action_id=action.pk,
            author=None,
            author_name="Synthetic reviewer",
            created_at=when,
            from_rag=from_rag,
            to_rag=to_rag,
            from_completed=from_c,
            to_completed=to_c,
            commentary=COMMENTS[to_rag],
            version=version,
            source=UpdateSource.SYNTHETIC,
        )
        for version, (when, from_rag, to_rag, from_c, to_c) in enumerate(history, start=1)
    ]


def _links_and_updates(rng, actions, histories, *, owners, drivers):
    """Each saved action's drivers (1 to 3, by DRIVER_WEIGHTS), owners (1 or 2) and status updates."""
    slugs, weights = zip(*[(d, w) for d, w in DRIVER_WEIGHTS.items() if d in drivers], strict=True)
    Through = Action.drivers.through
    OwnerThrough = Action.owners.through
    links, owner_links, updates = [], [], []
    for action, history in zip(actions, histories, strict=True):
        for slug in set(rng.choices(slugs, weights, k=rng.randint(1, 3))):
            links.append(Through(action_id=action.pk, driver_id=drivers[slug]))
        for owner in rng.sample(owners, rng.choice([1, 1, 1, 2])):
            owner_links.append(OwnerThrough(action_id=action.pk, owner_id=owner.pk))
        updates += _updates(action, history)
    Through.objects.bulk_create(links)
    OwnerThrough.objects.bulk_create(owner_links)
    StatusUpdate.objects.bulk_create(updates, batch_size=5000)
    return len(updates)


def build_plan(borough, *, rng, months, actions_per_plan, end, pillars, drivers):
    """Create one synthetic plan with its history. Returns (actions, updates) counted."""
    _, owners, objectives = _plan_frame(borough, pillars)
    per_objective = max(1, actions_per_plan // len(objectives))
    extra = actions_per_plan - per_objective * len(objectives)
    start = end - dt.timedelta(days=30 * months)
    actions, histories = [], []
    for o_index, objective in enumerate(objectives):
        for position in range(1, per_objective + (1 if o_index < extra else 0) + 1):
            action, history = _action(rng, objective, position, start=start, end=end, months=months)
            actions.append(action)
            histories.append(history)
    Action.objects.bulk_create(actions)
    updates = _links_and_updates(rng, actions, histories, owners=owners, drivers=drivers)
    return len(actions), updates


def _reference():
    """The pillars ({slug: Pillar}) and drivers ({slug: pk}, those of DRIVER_WEIGHTS) plans use."""
    return {
        "pillars": {p.slug: p for p in Pillar.objects.all()},
        "drivers": dict(Driver.objects.filter(slug__in=DRIVER_WEIGHTS).values_list("slug", "pk")),
    }


def _seeded_plan(borough, seed, months, actions_per_plan, end, reference):
    """``build_plan`` for one borough in one transaction, its random numbers seeded by ``seed``
    and the borough. Returns (actions, updates) counted."""
    with transaction.atomic():
        return build_plan(
            borough,
            rng=random.Random(f"{seed}:{borough.slug}"),
            months=months,
            actions_per_plan=actions_per_plan,
            end=end,
            **reference,
        )


def make_synthetic(*, boroughs, months, seed, actions_per_plan=60, end=None):
    """Make sure ``boroughs`` boroughs have a synthetic plan with ``months`` months of reviews.

    Idempotent: synthetic plans that already exist count towards ``boroughs``.
    """
    end = end or timezone.now().replace(microsecond=0)
    reference = _reference()
    if len(reference["pillars"]) < 3 or not reference["drivers"]:
        raise RuntimeError("Reference data is missing: run load_reference first.")
    result = SyntheticResult()
    existing = Plan.objects.filter(is_synthetic=True).count()
    result.skipped = min(existing, boroughs)
    for borough in _synthetic_boroughs(max(0, boroughs - existing)):
        actions, updates = _seeded_plan(borough, seed, months, actions_per_plan, end, reference)
        result.boroughs += 1
        result.actions += actions
        result.updates += updates
    return result


def make_borough_plan(borough, *, months, actions, seed, end=None):
    """A small synthetic plan for one named borough (the Lambeth demo). Idempotent."""
    if borough.plans.exists():
        return None
    end = end or timezone.now().replace(microsecond=0)
    return _seeded_plan(borough, seed, months, actions, end, _reference())
