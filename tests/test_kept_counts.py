"""The oversight page's counts of today kept per borough (``plans.dashboards.kept_counts``): every
way of changing what a borough's counts are made of changes its stamp (database triggers), the
kept counts then equal the counts of the queries, only the boroughs changed are counted again,
and time passing (an action becoming stale, a new day) is seen with no write."""

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from drivers.models import Driver
from plans.dashboards import kept_counts
from plans.dashboards.counts import Counts, group_counts
from plans.dashboards.frame import Frame
from plans.dashboards.london import BOROUGH_DRIVER, BY_BOROUGH, in_boroughs
from plans.filtersets import ActionFilterSet
from plans.models import Action, Borough, BoroughStamp, Objective, Pillar, Plan
from plans.querysets import review_lengths
from plans.services.plan_editing import action_retire
from plans.services.status import apply_status_update
from tests.kept_helpers import page_reads

pytestmark = pytest.mark.django_db

TRIGGERS = {  # name: the table it is on (migration 0009)
    "action_insert": "plans_action",
    "action_update": "plans_action",
    "action_move": "plans_action",
    "action_delete": "plans_action",
    "link_insert": "plans_action_drivers",
    "link_update": "plans_action_drivers",
    "link_delete": "plans_action_drivers",
    "objective_update": "plans_objective",
    "objective_delete": "plans_objective",
    "plan_insert": "plans_plan",
    "plan_update": "plans_plan",
    "plan_delete": "plans_plan",
    "borough_insert": "plans_borough",
}


def _triggers():
    """{trigger name: its table} of the stamps' triggers that are on (PostgreSQL: not disabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgenabled <> 'D'"
            )
        return {name.removeprefix("plans_stamp_"): table for name, table in cursor.fetchall()}


def test_every_trigger_is_in_the_database_on_its_table():
    """A later migration that rebuilds a table (SQLite's way of altering one) drops its
    triggers: this fails then, and the migration must create them again (0009's ``create``)."""
    found = _triggers()
    wanted = dict(TRIGGERS)
    if connection.vendor == "postgresql":
        del wanted["action_move"]  # one statement-level trigger covers an action's update there
    assert {name: found.get(name) for name in wanted} == wanted


def _stamps():
    return dict(BoroughStamp.objects.values_list("borough_id", "stamp"))


def _southwark_action():
    return Action.objects.filter(objective__plan__borough__slug="southwark", retired_at__isnull=True).first()


def _status(user, action, **change):
    action.refresh_from_db()
    apply_status_update(
        action=action,
        user=user,
        seen_version=action.version,
        commentary="Reviewed at the monthly meeting; status confirmed.",
        **change,
    )


def _other_objective(action):
    return Objective.objects.filter(plan=action.objective.plan).exclude(pk=action.objective_id).first()


def _shorter_interval(action):
    """A review interval of 7 days, with an action last reviewed 10 days ago: stale under the new
    interval only (and 7 is no plan's interval yet, so the page's kept reference tables lag)."""
    Action.objects.filter(pk=action.pk).update(last_reviewed_at=timezone.now() - dt.timedelta(days=10))
    Plan.objects.filter(pk=action.objective.plan_id).update(review_interval_days=7)


def _relinked(action):
    """A link to a driver changed in place, in SQL."""
    if not action.drivers.exists():
        _new_driver_link(action)
    other = Driver.objects.exclude(pk__in=action.drivers.all()).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE plans_action_drivers SET driver_id = %s WHERE id = "
            "(SELECT MIN(id) FROM plans_action_drivers WHERE action_id = %s)",
            [other.pk, action.pk],
        )


def _new_driver_link(action):
    action.drivers.add(Driver.objects.exclude(pk__in=action.drivers.all()).first())


WRITES = {
    "a status update": lambda user, action: _status(user, action, rag="red"),
    "completion": lambda user, action: _status(user, action, completed=True),
    "a bulk update": lambda user, action: Action.objects.filter(pk=action.pk).update(rag="amber"),
    "raw SQL": lambda user, action: connection.cursor().execute(
        "UPDATE plans_action SET due_date = %s WHERE id = %s", [dt.date(2020, 1, 1), action.pk]
    ),
    "a retirement": lambda user, action: action_retire(user=user, action=action),
    "a move to another objective": lambda user, action: Action.objects.filter(pk=action.pk).update(
        objective=_other_objective(action)
    ),
    "an objective's new pillar": lambda user, action: Objective.objects.filter(pk=action.objective_id).update(
        pillar=Pillar.objects.exclude(pk=action.objective.pillar_id).first(), number=99
    ),
    "a driver linked": lambda user, action: _new_driver_link(action),
    "a driver unlinked": lambda user, action: action.drivers.remove(*action.drivers.all()),
    "a driver link changed in SQL": lambda user, action: _relinked(action),
    "the plan's review interval": lambda user, action: _shorter_interval(action),
    "a deletion": lambda user, action: action.delete(),
    "a new action": lambda user, action: Action.objects.create(
        objective=action.objective, text="A new action."
    ),
}


def _acted_on(write):
    """The action ``write`` is done to: a new one for a deletion (one with history cannot be
    deleted), else one of Southwark's."""
    action = _southwark_action()
    if write == "a deletion":
        return Action.objects.create(objective=action.objective, text="An action entered by mistake.")
    return action


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_changes_its_boroughs_stamp_and_no_other(write, southwark_editor):
    action = _acted_on(write)
    southwark = action.objective.plan.borough_id
    before = _stamps()
    WRITES[write](southwark_editor, action)
    after = _stamps()
    assert after[southwark] != before[southwark]
    assert {b: s for b, s in after.items() if b != southwark} == {
        b: s for b, s in before.items() if b != southwark
    }


def test_every_borough_has_a_stamp_from_its_creation():
    assert set(_stamps()) >= set(Borough.objects.values_list("pk", flat=True))
    made = Borough.objects.create(slug="new-borough", name="New borough", bcu=Borough.objects.first().bcu)
    assert made.pk in _stamps()


def _frame(user):
    return Frame.of(ActionFilterSet(QueryDict(), user=user), user=user)


def _as_tuples(counts_by_key):
    return {key: dataclasses.astuple(counts) for key, counts in counts_by_key.items()}


def _assert_as_counted(user):
    """The kept counts of today equal what the page's queries count, by pillar and by driver."""
    frame = _frame(user)
    assert kept_counts.applies(frame)
    actions = in_boroughs(frame.qs)
    today = kept_counts.today_counts(frame, actions)
    counted = {**frame.counted(), "intervals": sorted(review_lengths())}  # the plans' intervals now
    assert _as_tuples(today.by_pillar) == _as_tuples(
        group_counts(actions, (BY_BOROUGH, "objective__pillar"), **counted)
    )
    assert _as_tuples(today.by_driver) == _as_tuples(
        group_counts(actions, BOROUGH_DRIVER, **counted, statuses_only=True)
    )
    return today


@pytest.mark.parametrize("write", list(WRITES))
def test_the_kept_counts_equal_the_counted_after_every_kind_of_write(
    write, kept, southwark_editor, oversight_user
):
    first = _assert_as_counted(oversight_user)
    assert first.counted  # nothing kept yet: every borough counted
    action = _acted_on(write)
    _assert_as_counted(oversight_user)
    assert not _assert_as_counted(oversight_user).counted  # nothing changed: nothing counted
    WRITES[write](southwark_editor, action)
    again = _assert_as_counted(oversight_user)
    assert again.counted == {Borough.objects.get(slug="southwark").pk}


def test_the_page_counts_again_only_the_borough_written_to(kept, client_as, southwark_editor):
    oversight_client = client_as("oversight")

    def counting(sql):
        return "GROUP BY" in sql and "plans_action" in sql

    page_reads(oversight_client, "/oversight/", counting)
    _, reads = page_reads(oversight_client, "/oversight/", counting)
    assert reads == [q for q in reads if "quarterendstatus" in q]  # only last quarter's (kept too)
    _status(southwark_editor, _southwark_action(), rag="red")
    _, reads = page_reads(oversight_client, "/oversight/", counting)
    southwark = Borough.objects.get(slug="southwark").pk
    today = [q for q in reads if "quarterendstatus" not in q]
    assert len(today) == 3  # by pillar, by driver, when they stop being right
    assert all(f"IN ({southwark})" in q.replace("IN (%s)", f"IN ({southwark})") for q in today)


def test_the_page_with_kept_counts_shows_what_the_page_without_shows(
    kept, client_as, southwark_editor, settings
):
    """The borough table and heatmap of the page, kept and not, after a write."""
    oversight_client = client_as("oversight")
    oversight_client.get("/oversight/")
    _status(southwark_editor, _southwark_action(), rag="red")
    kept_page = oversight_client.get("/oversight/").context
    settings.REFERENCE_TABLES_SECONDS = 0
    fresh_page = oversight_client.get("/oversight/").context
    for name in ("london",):
        assert dataclasses.astuple(kept_page[name]) == dataclasses.astuple(fresh_page[name])
    assert [dataclasses.astuple(r.counts) for r in kept_page["rows"]] == [
        dataclasses.astuple(r.counts) for r in fresh_page["rows"]
    ]
    assert [[c.state for c in r.drivers] for r in kept_page["rows"]] == [
        [c.state for c in r.drivers] for r in fresh_page["rows"]
    ]
    assert kept_page["driver_gaps"] == fresh_page["driver_gaps"]


@pytest.mark.parametrize("intervals", [1, 2], ids=["stale", "escalated"])
def test_an_action_turning_stale_is_counted_with_no_write(intervals, kept, oversight_user, monkeypatch):
    """Every Southwark action last reviewed at one moment, none complete: they all turn stale
    (escalated: stale for two intervals) at that moment plus one interval (two), and not before."""
    southwark = Borough.objects.get(slug="southwark")
    plan = Plan.objects.get(borough=southwark)
    reviewed = timezone.now() - dt.timedelta(days=3)
    Action.objects.filter(objective__plan=plan).update(last_reviewed_at=reviewed, completed=False)
    turns = reviewed + dt.timedelta(days=plan.review_interval_days * intervals)
    field = "stale" if intervals == 1 else "escalated"

    def counted_at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        today = _assert_as_counted(oversight_user)
        return today, sum(getattr(c, field) for (b, _), c in today.by_pillar.items() if b == southwark.pk)

    _, before = counted_at(turns - dt.timedelta(hours=1))
    kept_then, same = counted_at(turns - dt.timedelta(microseconds=1))
    assert southwark.pk not in kept_then.counted  # nothing has changed yet
    assert same == before
    after, now_counted = counted_at(turns)  # stale from that instant on (reviewed <= now - interval)
    assert southwark.pk in after.counted
    live = Action.objects.filter(objective__plan=plan, retired_at__isnull=True).count()
    assert before < now_counted == live


def test_a_move_to_another_borough_changes_both_stamps_and_both_counts(
    kept, southwark_editor, oversight_user
):
    action = _southwark_action()
    southwark = action.objective.plan.borough_id
    lambeth_plan = Plan.objects.get(borough__slug="lambeth")
    _assert_as_counted(oversight_user)
    before = _stamps()
    Objective.objects.filter(pk=action.objective_id).update(plan=lambeth_plan, number=99)
    after = _stamps()
    assert after[southwark] != before[southwark]
    assert after[lambeth_plan.borough_id] != before[lambeth_plan.borough_id]
    assert _assert_as_counted(oversight_user).counted == {southwark, lambeth_plan.borough_id}


def test_nothing_is_kept_for_a_user_who_reads_no_action(kept, no_role_user):
    assert not kept_counts.applies(_frame(no_role_user))


def test_an_action_falling_due_is_counted_on_the_next_day(
    kept, southwark_editor, oversight_user, monkeypatch
):
    action = _southwark_action()
    today = timezone.localdate()
    Action.objects.filter(pk=action.pk).update(due_date=today, completed=False)
    before = _assert_as_counted(oversight_user)
    southwark = action.objective.plan.borough_id
    overdue_before = sum(c.overdue for (b, _), c in before.by_pillar.items() if b == southwark)
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=1))
    after = _assert_as_counted(oversight_user)
    assert southwark in after.counted
    assert sum(c.overdue for (b, _), c in after.by_pillar.items() if b == southwark) > overdue_before


def test_kept_counts_cannot_be_changed(kept, oversight_user):
    today = _assert_as_counted(oversight_user)
    counts = next(iter(today.by_pillar.values()))
    with pytest.raises(AttributeError):
        counts.red += 1
    with pytest.raises(AttributeError):
        counts.add(Counts(total=1, red=1))
    assert Counts().add(counts).total == counts.total  # added into a page's own Counts


def test_nothing_is_kept_for_a_filtered_page_or_one_as_at_a_date(kept, oversight_user):
    for data in ({"rag": "red"}, {"as_at": "2025-03-31"}):
        query = QueryDict(mutable=True)
        query.update(data)
        assert not kept_counts.applies(
            Frame.of(ActionFilterSet(query, user=oversight_user), user=oversight_user)
        )


def test_a_borough_without_a_stamp_is_counted_on_every_page(kept, oversight_user):
    southwark = Borough.objects.get(slug="southwark").pk
    BoroughStamp.objects.filter(borough_id=southwark).delete()
    _assert_as_counted(oversight_user)
    assert southwark in _assert_as_counted(oversight_user).counted
