"""Quarter-end snapshots (plans.snapshots) give exactly the figures of the history rule
(``ActionQuerySet.with_status(quarter_end)``), with every filter of the pages, and are rebuilt
when history dated before the quarter's end is written later."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from plans.dashboards import group_counts
from plans.filtersets import ActionFilterSet
from plans.models import Action, Owner, QuarterEndSnapshot, StatusUpdate
from plans.quarters import Quarter
from plans.querysets import end_of_day
from plans.services import apply_status_update
from plans.snapshots import quarter_snapshot
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "eff_rag", "eff_completed", "eff_reviewed_at", "eff_status")
BY_BOROUGH = "objective__plan__borough"


def last_quarter():
    return Quarter.containing(timezone.localdate()).previous()


def filter_cases(plan=None):
    """The page's filters as at the quarter's end: none, each status, stale, overdue, a driver,
    an owner, a pillar and a borough, and a combination."""
    actions = Action.objects.filter(objective__plan=plan) if plan else Action.objects.all()
    actions = actions.filter(objective__plan__borough__isnull=False, objective__pillar__isnull=False)
    driver = actions.filter(drivers__isnull=False).values_list("drivers__slug", flat=True).first()
    owner = Owner.objects.filter(actions__in=actions).values_list("pk", flat=True).first()
    pillar = actions.values_list("objective__pillar__slug", flat=True).first()
    borough = actions.values_list("objective__plan__borough__slug", flat=True).first()
    cases = [{}, {"stale": "true"}, {"stale": "false"}, {"overdue": "true"}, {"overdue": "false"}]
    cases += [{"rag": status} for status in ("red", "amber", "green", "not_rated", "complete")]
    cases += [{"driver": driver}, {"owner": str(owner)}, {"pillar": pillar}, {"borough": borough}]
    cases += [{"rag": ["red", "amber"], "stale": "true", "driver": driver}]
    return cases


def both_ways(user, data, day):
    """(rows by the history rule, rows from the snapshot) of the same filtered page, as at ``day``."""
    query = QueryDict(mutable=True)
    for key, value in {**data, "as_at": day.isoformat()}.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    data = query
    history = ActionFilterSet(data, user=user)
    kept = ActionFilterSet(data, Action.objects.visible_to(user).with_quarter_snapshot(day), user=user)
    assert history.is_valid() and kept.is_valid(), history.errors
    return history.qs, kept.qs


def assert_same_figures(user, cases):
    day = quarter_snapshot(last_quarter())
    assert day == last_quarter().end
    now, today = end_of_day(day), day
    counted = {"now": now, "today": today, "intervals": [7, 14, 28, 30, 31, 61, 91]}
    checked = 0
    for data in cases:
        history, kept = both_ways(user, data, day)
        rows = sorted(history.values_list(*FIELDS))
        assert sorted(kept.values_list(*FIELDS)) == rows, data
        for keys in (BY_BOROUGH, (BY_BOROUGH, "drivers"), "objective__pillar"):
            assert group_counts(kept, keys, **counted) == group_counts(history, keys, **counted), (data, keys)
        checked += len(rows)
    assert checked > 0


def test_the_snapshot_gives_the_history_rule_on_synthetic_london(oversight_user):
    make_synthetic(boroughs=6, months=9, seed=3, actions_per_plan=25)
    assert_same_figures(oversight_user, filter_cases())


def test_the_snapshot_gives_the_history_rule_on_the_southwark_plan(southwark_plan, southwark_editor):
    day = last_quarter().end
    actions = list(Action.objects.filter(objective__plan=southwark_plan).order_by("pk")[:12])
    # History on both sides of the quarter's end: the snapshot must take the one before it.
    for i, action in enumerate(actions):
        action.refresh_from_db()
        before = end_of_day(day) - dt.timedelta(days=3 + i)
        apply_status_update(
            action=action,
            user=southwark_editor,
            seen_version=action.version,
            rag=("red", "amber", "green")[i % 3],
            completed=i % 4 == 0,
            commentary="Reviewed at the quarter's end.",
            at=before,
        )
        action.refresh_from_db()
        apply_status_update(
            action=action,
            user=southwark_editor,
            seen_version=action.version,
            rag="green",
            commentary="Reviewed after it.",
            at=end_of_day(day) + dt.timedelta(hours=1),
        )
    assert_same_figures(southwark_editor, filter_cases(southwark_plan))


def test_back_dated_history_makes_the_snapshot_stale_and_it_is_rebuilt(southwark_plan, southwark_editor):
    day = quarter_snapshot(last_quarter())
    built = QuarterEndSnapshot.objects.get(quarter_end=day)
    action = Action.objects.filter(objective__plan=southwark_plan).order_by("pk").first()
    # An update dated today leaves the quarter's end as it was: nothing is rebuilt.
    apply_status_update(action=action, user=southwark_editor, seen_version=action.version, rag="red")
    assert quarter_snapshot(last_quarter()) == day
    assert QuarterEndSnapshot.objects.get(quarter_end=day).pk == built.pk
    # An update dated before the quarter's end (an import writing history) changes the figures.
    action.refresh_from_db()
    apply_status_update(
        action=action,
        user=southwark_editor,
        seen_version=action.version,
        completed=True,
        commentary="Done before the quarter's end.",
        at=end_of_day(day) - dt.timedelta(days=1),
    )
    assert StatusUpdate.objects.filter(action=action, created_at__lt=end_of_day(day)).exists()
    assert quarter_snapshot(last_quarter()) == day
    assert QuarterEndSnapshot.objects.get(quarter_end=day).pk != built.pk
    history, kept = both_ways(southwark_editor, {}, day)
    assert kept.get(pk=action.pk).eff_status == "complete"
    assert sorted(kept.values_list(*FIELDS)) == sorted(history.values_list(*FIELDS))


def test_a_back_dated_retirement_leaves_the_figures_as_the_history_rule(southwark_plan, southwark_editor):
    day = quarter_snapshot(last_quarter())
    actions = Action.objects.filter(objective__plan=southwark_plan).order_by("pk")
    retired = list(actions[:3])
    Action.objects.filter(pk=retired[0].pk).update(retired_at=end_of_day(day) - dt.timedelta(days=10))
    Action.objects.filter(pk=retired[1].pk).update(retired_at=end_of_day(day) + dt.timedelta(days=1))
    history, kept = both_ways(southwark_editor, {}, day)
    assert sorted(kept.values_list(*FIELDS)) == sorted(history.values_list(*FIELDS))
    assert not kept.filter(pk=retired[0].pk).exists()
    assert kept.filter(pk=retired[1].pk).exists() == history.filter(pk=retired[1].pk).exists()


def test_an_open_quarter_has_no_snapshot(world):
    current = Quarter.containing(timezone.localdate())
    assert quarter_snapshot(current) is None
    assert not QuarterEndSnapshot.objects.exists()


def test_the_command_keeps_the_last_closed_quarter(world):
    from django.core.management import call_command

    call_command("quarter_snapshots")
    kept = QuarterEndSnapshot.objects.get()
    assert kept.quarter_end == last_quarter().end
    call_command("quarter_snapshots")
    assert QuarterEndSnapshot.objects.get().pk == kept.pk  # current: left as it is
    call_command("quarter_snapshots", "--rebuild")
    assert QuarterEndSnapshot.objects.get().pk != kept.pk


def test_a_page_builds_only_the_last_ended_quarter(southwark_plan):
    """An older quarter (a page as at a past date) is read from the history unless its statuses
    are kept already: a reader cannot make pages write a snapshot per quarter of the past."""
    today = timezone.localdate()
    older = last_quarter().previous().previous()
    assert quarter_snapshot(older, today=today) is None
    assert not QuarterEndSnapshot.objects.filter(quarter_end=older.end).exists()
    assert quarter_snapshot(last_quarter(), today=today) == last_quarter().end
    assert QuarterEndSnapshot.objects.filter(quarter_end=last_quarter().end).exists()


def test_keeping_a_snapshot_starts_no_new_data_generation():
    from plans.freshness import is_watched_write

    assert not is_watched_write('INSERT INTO "plans_quarterendstatus" (action_id) SELECT 1')
    assert not is_watched_write('DELETE FROM "plans_quarterendsnapshot" WHERE 1')
    # Every way a table of the project's data is written is seen, SQLite's many-to-many adds too.
    assert is_watched_write('INSERT OR IGNORE INTO "plans_action_drivers" ("action_id") VALUES (%s)')
    assert is_watched_write('REPLACE INTO "drivers_measure_drivers" ("measure_id") VALUES (%s)')


def _last_quarter_counts(user, data=None):
    """The oversight page's counts by borough at the last quarter's end, as the page counts them."""
    from plans.dashboards.frame import Frame
    from plans.dashboards.london import counts_last_quarter

    filterset = ActionFilterSet(QueryDict(data or ""), user=user)
    assert filterset.is_valid()
    return counts_last_quarter(Frame.of(filterset, user=user))[1]


def _history_counts(user):
    day = last_quarter().end
    history = ActionFilterSet(QueryDict(f"as_at={day.isoformat()}"), user=user).qs
    return group_counts(
        history.filter(objective__plan__borough__isnull=False),
        BY_BOROUGH,
        now=end_of_day(day),
        today=day,
        intervals=[31],
        statuses_only=True,
    )


def _synthetic_action():
    make_synthetic(boroughs=4, months=9, seed=3, actions_per_plan=20)
    return (
        Action.objects.filter(objective__plan__is_synthetic=True, completed=False)
        .select_related("objective__plan")
        .order_by("pk")
        .first()
    )


def test_the_unfiltered_counts_at_the_quarters_end_are_counted_once_per_snapshot(
    kept, oversight_user, administrator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    action = _synthetic_action()
    borough_id = action.objective.plan.borough_id
    first = _last_quarter_counts(oversight_user)
    assert first == _history_counts(oversight_user) and first[borough_id].total > 0
    with CaptureQueriesContext(connection) as queries:
        assert _last_quarter_counts(oversight_user) == first
    # The snapshot's check (and the plans the page reads) only: the counts are kept.
    assert not [q for q in queries.captured_queries if "plans_quarterendstatus" in q["sql"]]
    # A filtered page counts for itself.
    assert _last_quarter_counts(oversight_user, "rag=red") != first
    # Back-dated history rebuilds the snapshot: counted again, from the new statuses.
    apply_status_update(
        action=action,
        user=administrator,
        seen_version=action.version,
        completed=True,
        commentary="Done before the quarter's end.",
        at=end_of_day(last_quarter().end) - dt.timedelta(days=1),
    )
    again = _last_quarter_counts(oversight_user)
    assert again == _history_counts(oversight_user)
    assert again[borough_id].complete == first[borough_id].complete + 1


def test_a_plan_change_counts_the_quarters_end_again(kept, oversight_user, administrator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans.services.plan_editing import action_retire

    action = _synthetic_action()
    borough_id = action.objective.plan.borough_id
    first = _last_quarter_counts(oversight_user)
    action_retire(user=administrator, action=action)
    with CaptureQueriesContext(connection) as queries:
        again = _last_quarter_counts(oversight_user)
    assert [q for q in queries.captured_queries if "plans_quarterendstatus" in q["sql"]]  # counted again
    # Retired now: still in the plan at the quarter's end.
    assert again == first == _history_counts(oversight_user)
    # Kept figures are never changed by the page that reads them.
    _last_quarter_counts(oversight_user)[borough_id].red += 100
    assert _last_quarter_counts(oversight_user) == first
