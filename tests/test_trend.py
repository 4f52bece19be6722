"""The monthly trend (``plans.dashboards.trend.monthly_trend``) gives the counts of a plain fold
of every status update in Python, kept here as the reference: on the synthetic London and on the
Southwark plan, unfiltered and filtered, today and as at a past day, with retired actions, updates
that share an instant, an update at a point's very cut-off and actions added after the first point."""

import datetime as dt
import itertools
from collections import Counter

import pytest
from django.http import QueryDict
from django.utils import timezone

from plans.choices import UpdateSource
from plans.dashboards import month_ends, monthly_trend
from plans.filtersets import ActionFilterSet
from plans.models import Action, Plan, StatusUpdate
from plans.querysets import end_of_day
from plans.services import record_initial_status
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.django_db


def reference_trend(action_qs, *, end_day, months=12):
    """Every update of the actions up to the last point, ordered by action, time and version,
    each action's latest state before each point's cut-off counted."""
    days = month_ends(end_day, months)
    cutoffs = [end_of_day(day) for day in days]
    updates = (
        StatusUpdate.objects.filter(action__in=action_qs.order_by().values("pk"), created_at__lt=cutoffs[-1])
        .order_by("action_id", "created_at", "version")
        .values_list("action_id", "created_at", "to_rag", "to_completed")
    )
    counts = [Counter() for _ in days]
    for _, rows in itertools.groupby(updates, key=lambda r: r[0]):
        rows = list(rows)
        index, state = 0, None
        for point, cutoff in enumerate(cutoffs):
            while index < len(rows) and rows[index][1] < cutoff:
                state = "complete" if rows[index][3] else rows[index][2]
                index += 1
            if state is not None:
                counts[point][state] += 1
    return list(zip(days, counts, strict=True))


def _add_update(action, *, at, to_rag, to_completed=False):
    latest = StatusUpdate.objects.filter(action=action).order_by("-version").first()
    StatusUpdate.objects.create(
        action=action,
        created_at=at,
        to_rag=to_rag,
        to_completed=to_completed,
        version=latest.version + 1,
        author_name="Test",
        commentary="Reviewed.",
    )


@pytest.fixture
def london(southwark_plan):
    """Synthetic boroughs with more than a year of monthly reviews, and a few awkward histories."""
    make_synthetic(boroughs=5, months=16, seed=3, actions_per_plan=20)
    days = month_ends(timezone.localdate())

    def cut_at(point):
        return end_of_day(days[point])

    plan = Plan.objects.filter(is_synthetic=True).order_by("pk").first()
    retired = Action.objects.filter(objective__plan=plan).order_by("pk").first()
    Action.objects.filter(pk=retired.pk).update(retired_at=cut_at(6) - dt.timedelta(days=20))
    objective = retired.objective
    awkward = {}
    for name, (start, rag, at, change) in {
        "same instant": (cut_at(5), "amber", cut_at(5), {"to_rag": "red"}),
        "at the cut-off": (cut_at(5), "red", cut_at(6), {"to_rag": "red", "to_completed": True}),
        "just before": (cut_at(5), "red", cut_at(6) - dt.timedelta(microseconds=1), {"to_rag": "green"}),
    }.items():
        action = Action.objects.create(objective=objective, position=900 + len(awkward), text=name)
        initial = {"commentary": "Start", "author_name": "Test", "source": UpdateSource.IMPORT}
        record_initial_status(action=action, rag=rag, at=start + dt.timedelta(minutes=1), **initial)
        _add_update(action, at=at + dt.timedelta(minutes=1) if name == "same instant" else at, **change)
        awkward[name] = action
    plan.awkward = awkward
    return plan


def _filtered(user, query, as_at):
    params = QueryDict(query + (f"&as_at={as_at.isoformat()}" if as_at else ""))
    filterset = ActionFilterSet(params, user=user)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


@pytest.mark.parametrize("days_back", [None, 75, 400])
@pytest.mark.parametrize(
    "query", ["", "rag=red&rag=green", "driver=effectiveness&driver=engagement-fair-treatment", "stale=true"]
)
def test_the_trend_of_london_and_its_filters_is_the_fold_of_every_update(
    london, oversight_user, query, days_back
):
    today = timezone.localdate()
    as_at = today - dt.timedelta(days=days_back) if days_back else None
    action_qs = _filtered(oversight_user, query, as_at)
    end_day = as_at or today
    expected = reference_trend(action_qs, end_day=end_day)
    assert monthly_trend(action_qs, end_day=end_day) == expected
    if days_back != 400:
        assert sum(expected[-1][1].values()) > 0


@pytest.mark.parametrize("days_back", [0, 40, 200])
@pytest.mark.parametrize("months", [12, 3, 1])
def test_the_trend_of_one_plan_is_the_fold_of_every_update(london, southwark_plan, days_back, months):
    end_day = timezone.localdate() - dt.timedelta(days=days_back)
    for plan in (southwark_plan, london):
        for action_qs in (
            Action.objects.filter(objective__plan=plan).with_status(end_day if days_back else None),
            Action.objects.filter(objective__plan=plan).with_status(with_retired=True),
            Action.objects.filter(objective__plan=plan, objective__number=1).with_status(),
            Action.objects.none(),
        ):
            expected = reference_trend(action_qs, end_day=end_day, months=months)
            assert monthly_trend(action_qs, end_day=end_day, months=months) == expected


def _state(action, day, end_day):
    trend = dict(monthly_trend(Action.objects.filter(pk=action.pk), end_day=end_day))
    return [status for status, count in trend[day].items() if count]


def test_the_awkward_histories_are_counted_as_the_fold_counts_them(london):
    """The same-instant update wins by version; the update at a cut-off counts from the next point."""
    days = month_ends(timezone.localdate())
    action_qs = Action.objects.filter(objective__plan=london).with_status(with_retired=True)
    assert monthly_trend(action_qs, end_day=days[-1]) == reference_trend(action_qs, end_day=days[-1])
    awkward = london.awkward
    assert _state(awkward["same instant"], days[5], days[-1]) == []
    assert _state(awkward["same instant"], days[6], days[-1]) == ["red"]
    assert _state(awkward["at the cut-off"], days[6], days[-1]) == ["red"]
    assert _state(awkward["at the cut-off"], days[7], days[-1]) == ["complete"]
    assert _state(awkward["just before"], days[6], days[-1]) == ["green"]
