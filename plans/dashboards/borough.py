"""The borough dashboard: one plan, built from small named steps, one per panel.

``borough_dashboard`` reads the page's valid ActionFilterSet (scoped to the plan) once into a
Frame and hands it to each panel step: totals, pillars and objectives, driver coverage, the
monthly trend, the short lists (Red, stale, overdue), moves since a date, challenges and the
signed-off return beside live. A fixed number of queries whatever the size of the plan.
"""

from collections import defaultdict

from django.db.models import prefetch_related_objects

from drivers.models import Driver

from ..choices import ChallengeStatus, Status
from ..filtersets import ActionFilterSet
from ..models import Action, Challenge, Owner
from ..querysets import is_overdue, is_stale
from ..refs import objective_ref
from ..reporting import signed_off_beside_live
from .counts import Counts, roll_up
from .coverage import Cell, coverage_state
from .frame import Frame
from .links import drill, pillar_entries, status_cells, with_as_at
from .moves import moves_since
from .trend import monthly_trend


def plan_actions(frame, plan):
    """The page's actions in plan order, each with ``age_days``, ``is_stale_now``,
    ``is_escalated_now`` (stale for two review intervals or more) and ``is_overdue_now`` as at the
    page's day."""
    actions = list(
        frame.qs.select_related("objective__pillar", "objective__theme").order_by(
            "objective__pillar__order", "objective__number", "position", "id"
        )
    )
    attach_owners_and_drivers(actions, frame.tables.drivers)
    now, today = frame.now, frame.today
    for action in actions:
        action.age_days = (now - action.eff_reviewed_at).days if action.eff_reviewed_at else None
        action.is_stale_now = is_stale(
            reviewed_at=action.eff_reviewed_at,
            completed=action.eff_completed,
            interval_days=plan.review_interval_days,
            now=now,
        )
        action.is_escalated_now = action.is_stale_now and is_stale(
            reviewed_at=action.eff_reviewed_at,
            completed=action.eff_completed,
            interval_days=plan.review_interval_days,
            now=now,
            intervals=2,
        )
        action.is_overdue_now = is_overdue(
            due_date=action.due_date, completed=action.eff_completed, today=today
        )
    return actions


def attach_owners(actions):
    """Give each action its owners (by label) as a plain list, ``owner_list``, which
    ``action.owners.all()`` also gives (as ``prefetch_related("owners")`` would, without a
    queryset per action): one query, each owner with the action it is linked to."""
    owners = Owner.objects.by_action(action.pk for action in actions)
    for action in actions:
        action.owner_list = owners[action.pk]
        # What a related manager's ``all()`` gives when the relation was prefetched.
        cache = action.__dict__.setdefault("_prefetched_objects_cache", {})
        cache["owners"] = action.owner_list


def attach_owners_and_drivers(actions, drivers):
    """Give each action its owners (``attach_owners``) and its drivers (in the drivers' own
    order) as a plain list, ``driver_list``, which ``action.drivers.all()`` also gives: the
    drivers from ``drivers`` (the page's reference list) with the links in one query, never
    each driver's row (its texts and questions) once per action."""
    attach_owners(actions)
    ids = [action.pk for action in actions]
    linked = defaultdict(list)
    order = {driver.pk: (index, driver) for index, driver in enumerate(drivers)}
    through = Action.drivers.through.objects.filter(action_id__in=ids)
    links = list(through.values_list("action_id", "driver_id"))
    unknown = {driver_id for _, driver_id in links} - order.keys()
    if unknown:  # a driver added since the list was read (kept up to REFERENCE_TABLES_SECONDS)
        order.update({d.pk: (len(order) + d.order, d) for d in Driver.objects.filter(pk__in=unknown)})
    for action_id, driver_id in links:
        linked[action_id].append(order[driver_id])
    for action in actions:
        action.driver_list = [driver for _, driver in sorted(linked[action.pk], key=lambda p: p[0])]
        action._prefetched_objects_cache["drivers"] = action.driver_list


def counts_by_objective(actions):
    """{(pillar_id, objective_id): Counts} of the page's actions (``plan_actions``: each with its
    effective status, ``is_stale_now``, ``is_escalated_now``, ``is_overdue_now`` and
    ``eff_reviewed_at``), counted
    without a query: the totals, the pillars and the objectives roll up from it (each action in
    one objective, each objective in one pillar). The figures of ``counts.group_counts``."""
    result = defaultdict(Counts)
    for action in actions:
        counts = result[(action.objective.pillar_id, action.objective_id)]
        counts.total += 1
        setattr(counts, action.eff_status, counts.count(action.eff_status) + 1)
        counts.stale += action.is_stale_now
        counts.overdue += action.is_overdue_now
        counts.escalated += action.is_escalated_now
        reviewed = action.eff_reviewed_at
        if reviewed is not None and (counts.last_review is None or reviewed > counts.last_review):
            counts.last_review = reviewed
    return dict(result)


def totals_panel(frame, by_objective):
    """The headline tiles: counts per status, stale and overdue, with their links."""
    totals = Counts()
    for counts in by_objective.values():
        totals.add(counts)
    frame.counts_in_view = totals
    query = frame.query
    return {
        "totals": totals,
        "total_cells": status_cells(totals, None, query=query, extra={}),
        "list_url": drill(query),
        "red_url": drill(query, rag="red"),
        "stale_url": drill(query, stale="true"),
        "overdue_url": drill(query, overdue="true"),
    }


def short_lists_panel(actions):
    """The Red, stale and overdue actions of the page."""
    return {
        "red_actions": [a for a in actions if a.eff_status == Status.RED],
        "stale_actions": [a for a in actions if a.is_stale_now],
        "overdue_actions": [a for a in actions if a.is_overdue_now],
    }


def _objective_items(frame, objectives, pillar, by_objective):
    items = []
    for oid, entry in objectives.items():
        if entry["objective"].pillar_id != pillar.pk:
            continue
        counts = by_objective.get(oid, Counts())
        items.append(
            {
                **entry,
                "label": f"{objective_ref(entry['objective'])}. {entry['objective'].title}",
                "counts": counts,
                "cells": status_cells(counts, None, query=frame.query, extra={"objective": str(oid)}),
                "url": drill(frame.query, objective=str(oid)),
            }
        )
    return items


def pillars_panel(frame, actions, counts):
    """Pillars → objectives → actions, each level with its Counts (``counts``: {(pillar_id,
    objective_id): Counts}), status cells and link."""
    by_pillar = roll_up(counts, 0)
    by_objective = roll_up(counts, 1)
    objectives = {}
    for action in actions:
        objectives.setdefault(action.objective_id, {"objective": action.objective, "actions": []})
        objectives[action.objective_id]["actions"].append(action)
    pillars = pillar_entries(frame, by_pillar)
    for entry in pillars:
        entry["objectives"] = _objective_items(frame, objectives, entry["pillar"], by_objective)
    return {"pillars": pillars}


def coverage_panel(frame, actions):
    """One Cell per driver of the confidence model: how the page's actions (``plan_actions``, with
    their drivers) serve it, counted per status without a query (``group_counts`` by driver,
    statuses only, gives the same)."""
    by_driver = defaultdict(Counts)
    for action in actions:
        for driver in action.driver_list:
            counts = by_driver[driver.pk]
            counts.total += 1
            setattr(counts, action.eff_status, counts.count(action.eff_status) + 1)
    coverage = []
    for driver in frame.tables.confidence_drivers:
        counts = by_driver.get(driver.pk)
        url = drill(frame.query, driver=driver.slug)
        coverage.append(
            {"driver": driver, "cell": Cell(counts=counts, state=coverage_state(counts), url=url)}
        )
    return {"coverage": coverage}


def trend_panel(frame):
    """RAG counts at the end of each month up to the page's day, of the page's actions (those
    listed, when the page has them: their ids instead of the filters again)."""
    listed = frame.listed_actions
    actions = frame.qs if listed is None else [action.pk for action in listed]
    return {"trend": monthly_trend(actions, end_day=frame.today)}


def moves_panel(frame, plan, actions, *, compare):
    """The page's actions that moved up, down or are new since ``compare`` ([] without it)."""
    moves = []
    if compare:
        then = ActionFilterSet(with_as_at(frame.filterset.data, compare), user=frame.user)
        by_id = {a.pk: a for a in actions}
        for move in moves_since(
            then.qs.filter(objective__plan=plan), {a.pk: (a.eff_status,) for a in actions}
        ):
            move.action = by_id[move.action_id]  # up, down and new moves are all in view now
            moves.append(move)
    return {
        "moves": moves,
        "moves_up": sum(1 for m in moves if m.direction == "up"),
        "moves_down": sum(1 for m in moves if m.direction == "down"),
    }


def challenges_panel(frame, plan):
    """The plan's open challenges (with replies) and the number closed: today's, whatever the
    page's as-at date (marked so on the page). One query for both (a plan has a handful), and the
    replies of the open ones."""
    every = list(
        Challenge.objects.visible_to(frame.user)
        .filter(plan=plan)
        .select_related("raised_by", "action")
        .order_by("due_date", "raised_at")
    )
    challenges = [c for c in every if c.status != ChallengeStatus.CLOSED]
    prefetch_related_objects(challenges, "replies__author")
    return {"challenges": challenges, "closed_challenges": len(every) - len(challenges)}


def borough_dashboard(filterset, *, plan, user, compare=None):
    """Everything the borough dashboard's figures show, from a valid ActionFilterSet scoped to ``plan``."""
    frame = Frame.of(filterset, user=user, intervals=[plan.review_interval_days])
    return borough_figures(frame, plan=plan, compare=compare)


def borough_figures(frame, *, plan, compare=None):
    """``borough_dashboard`` from the page's Frame: one named step per panel."""
    user = frame.user
    frame.query.setlist("borough", [plan.borough.slug])
    frame.query.pop("bcu", None)
    frame.own_keys = frozenset({"as_at", "borough"})
    actions = plan_actions(frame, plan)
    context = {"actions": actions, "query": frame.query}
    context.update(signed_off_beside_live(plan, user=user, as_at=frame.as_at))
    counts = counts_by_objective(actions)
    context.update(totals_panel(frame, counts))
    context.update(pillars_panel(frame, actions, counts))
    context.update(coverage_panel(frame, actions))
    frame.listed_actions = actions
    context.update(trend_panel(frame))
    context.update(short_lists_panel(actions))
    context.update(moves_panel(frame, plan, actions, compare=compare))
    context.update(challenges_panel(frame, plan))
    return context
