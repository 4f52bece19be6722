"""Synthetic London: labelled, deterministic, and consistent with its own history."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from plans.models import Action, Borough, Plan, StatusUpdate
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.django_db
END = timezone.make_aware(dt.datetime(2026, 11, 1, 12, 0))


def snapshot():
    return list(
        Action.objects.filter(objective__plan__is_synthetic=True, objective__plan__borough__slug="barnet")
        .order_by("objective__number", "position")
        .values_list("text", "rag", "version")
    )


def test_synthetic_plans_are_labelled_and_match_their_history(world):
    result = make_synthetic(boroughs=4, months=6, seed=7, actions_per_plan=20, end=END)
    assert result.boroughs == 3  # Lambeth's demo plan counts towards the four
    for plan in Plan.objects.filter(is_synthetic=True):
        assert "synthetic" in plan.title.lower()
    latest = (
        StatusUpdate.objects.filter(action__objective__plan__is_synthetic=True)
        .values("action")
        .annotate(v=Max("version"))
    )
    versions = dict(Action.objects.filter(objective__plan__is_synthetic=True).values_list("pk", "version"))
    assert {row["action"]: row["v"] for row in latest} == versions
    assert not Borough.objects.filter(is_synthetic=True).exists()


def test_same_seed_gives_the_same_data(world):
    def build():
        with transaction.atomic():
            savepoint = transaction.savepoint()
            make_synthetic(boroughs=3, months=4, seed=11, actions_per_plan=10, end=END)
            rows = snapshot()
            transaction.savepoint_rollback(savepoint)
        return rows

    first = build()
    assert first and first == build()


def test_beyond_london_labelled_synthetic_boroughs_are_created(world):
    make_synthetic(boroughs=34, months=1, seed=3, actions_per_plan=3, end=END)
    made_up = Borough.objects.filter(is_synthetic=True)
    assert made_up.count() == 3  # 32 real (Southwark has its real plan) + 3 made-up = 34 synthetic plans
    assert all(b.name.startswith("Synthetic borough") for b in made_up)
