"""Counts per status, stale, overdue and last review: the one-query form (today's status, or the
statuses kept at a quarter's end), the two-query form (as at a date, from the history) and the
borough dashboard's count of its listed actions give the same figures as the rules in Python."""

import datetime as dt
from collections import defaultdict

import pytest
from django.http import QueryDict
from django.utils import timezone

from plans.dashboards import Counts, Frame, group_counts, total_counts
from plans.dashboards.borough import counts_by_objective, plan_actions
from plans.filtersets import ActionFilterSet
from plans.models import Action, Owner, Plan
from plans.querysets import is_overdue, is_stale
from plans.synthetic import make_synthetic

pytestmark = pytest.mark.django_db

TWO_DRIVERS = "driver=effectiveness&driver=engagement-fair-treatment"
KEYS = ("objective__plan__borough", "objective__pillar")


def by_rules(filterset):
    """{(borough_id, pillar_id): Counts} from each action's fields and the rules in Python."""
    now, today = filterset.reference_time, filterset.reference_date
    rows = filterset.qs.values_list(
        *KEYS,
        "pk",
        "eff_status",
        "eff_completed",
        "eff_reviewed_at",
        "due_date",
        "objective__plan__review_interval_days",
    ).distinct()
    result = defaultdict(Counts)
    for borough, pillar, _pk, status, completed, reviewed, due, interval in rows:
        counts = result[(borough, pillar)]
        counts.total += 1
        setattr(counts, status, counts.count(status) + 1)
        state = {"reviewed_at": reviewed, "completed": completed, "interval_days": interval, "now": now}
        counts.stale += is_stale(**state)
        counts.escalated += is_stale(**state, intervals=2)
        counts.overdue += is_overdue(due_date=due, completed=completed, today=today)
        if reviewed and (counts.last_review is None or reviewed > counts.last_review):
            counts.last_review = reviewed
    return dict(result)


@pytest.mark.parametrize("as_at", [None, 20, 75])
@pytest.mark.parametrize(
    "filters", ["", "driver=effectiveness&driver=engagement-fair-treatment", "owner=all", "rag=red&rag=green"]
)
def test_group_counts_give_the_rules_today_and_as_at_a_date(oversight_user, as_at, filters):
    """Also with filters on many-valued relations (drivers, owners: an action may match twice)."""
    make_synthetic(boroughs=4, months=6, seed=5, actions_per_plan=20)
    if filters == "owner=all":  # owners of borough actions: an action with two of them matches twice
        owners = Owner.objects.filter(actions__objective__plan__is_synthetic=True).distinct()[:6]
        filters = "&".join(f"owner={o.pk}" for o in owners)
    data = QueryDict(filters, mutable=True)
    if as_at:
        data["as_at"] = (timezone.localdate() - dt.timedelta(days=as_at)).isoformat()
    filterset = ActionFilterSet(data, user=oversight_user)
    assert filterset.is_valid()
    frame = Frame.of(filterset, user=oversight_user)
    expected = by_rules(filterset)
    assert expected
    assert group_counts(frame.qs, KEYS, **frame.counted()) == expected
    total = Counts()
    for counts in expected.values():
        total.add(counts)
    assert total_counts(frame.qs, **frame.counted()) == total
    assert frame.qs.stale_counts(frame.now, frame.intervals) == (total.stale, total.escalated)


def test_the_borough_dashboard_counts_its_listed_actions_as_group_counts(southwark_plan, oversight_user):
    make_synthetic(boroughs=2, months=6, seed=6, actions_per_plan=30)
    for plan in (southwark_plan, Plan.objects.filter(is_synthetic=True).first()):
        for query in ("", "rag=red&rag=amber", f"as_at={timezone.localdate() - dt.timedelta(days=30)}"):
            data = QueryDict(query, mutable=True)
            actions = Action.objects.visible_to(oversight_user).filter(objective__plan=plan)
            filterset = ActionFilterSet(data, actions, user=oversight_user)
            assert filterset.is_valid()
            frame = Frame.of(filterset, user=oversight_user, intervals=[plan.review_interval_days])
            in_python = counts_by_objective(plan_actions(frame, plan))
            in_sql = group_counts(frame.qs, ("objective__pillar", "objective"), **frame.counted())
            assert in_python == in_sql, (plan, query)
            assert sum(c.escalated for c in in_python.values()) == frame.qs.stale_counts(frame.now)[1]


def test_the_not_updated_counts_of_an_unfiltered_page_are_its_own(client_as, southwark_plan):
    """Who has not updated counts the page's scope: taken from the page's counts when the page
    has no filter, counted apart when it has."""
    from plans.models import Action

    make_synthetic(boroughs=3, months=6, seed=9, actions_per_plan=20)
    client = client_as("oversight")
    scope = Action.objects.filter(objective__plan__borough__isnull=False).with_status()
    intervals = sorted(set(Plan.objects.values_list("review_interval_days", flat=True)))
    expected = scope.stale_counts(timezone.now(), intervals)
    for url in ("/oversight/", "/oversight/?rag=red"):
        context = client.get(url).context
        assert (context["not_updated_total"], context["not_updated_escalated"]) == expected, url
    plan_scope = Action.objects.filter(objective__plan=southwark_plan).with_status()
    expected = plan_scope.stale_counts(timezone.now(), [southwark_plan.review_interval_days])
    for url in ("/boroughs/southwark/", "/boroughs/southwark/?rag=red"):
        context = client.get(url).context
        assert (context["not_updated_total"], context["not_updated_escalated"]) == expected, url


def test_the_borough_dashboard_driver_figures_from_its_listed_actions(southwark_plan, oversight_user):
    """Driver coverage and the driver-gap listing from the page's actions (with their drivers)
    are those counted and listed in SQL: any filter for coverage, the unfiltered page for gaps."""
    from plans.dashboards.borough import coverage_panel
    from plans.dashboards.panels import _serving_drivers
    from plans.outcomes import Known, borough_driver_gaps

    make_synthetic(boroughs=2, months=6, seed=6, actions_per_plan=30)
    listed_any = 0
    for plan in (southwark_plan, Plan.objects.filter(is_synthetic=True).first()):
        for query in ("", "rag=red&rag=amber", f"as_at={timezone.localdate() - dt.timedelta(days=30)}"):
            actions = Action.objects.visible_to(oversight_user).filter(objective__plan=plan)
            filterset = ActionFilterSet(QueryDict(query), actions, user=oversight_user)
            assert filterset.is_valid()
            frame = Frame.of(filterset, user=oversight_user, intervals=[plan.review_interval_days])
            listed = plan_actions(frame, plan)
            in_sql = group_counts(frame.qs, "drivers", **frame.counted(), statuses_only=True)
            cells = {c["driver"].pk: c["cell"].counts for c in coverage_panel(frame, listed)["coverage"]}
            assert cells == {pk: in_sql.get(pk) for pk in cells}, (plan, query)
            if query.startswith("rag"):
                continue
            counts, lists = _serving_drivers(plan.borough, listed)
            known = Known(action_counts=counts, action_lists=lists)
            as_at = filterset.as_at_date
            mine = borough_driver_gaps(plan.borough, oversight_user, as_at=as_at, known=known)["rows"]
            theirs = borough_driver_gaps(plan.borough, oversight_user, as_at=as_at)["rows"]
            assert [(g.driver.pk, g.counts, g.actions) for g in mine] == [
                (g.driver.pk, g.counts, g.actions) for g in theirs
            ], (plan, query)
            listed_any += sum(len(g.actions) for g in theirs)
    assert listed_any


def test_an_action_linked_to_a_driver_missing_from_the_page_list_keeps_it(southwark_plan):
    """The borough dashboard takes each action's drivers from the page's reference list; a driver
    added since that list was read is read for the page, not an error."""
    from drivers.models import Driver
    from plans.dashboards.borough import attach_owners_and_drivers

    actions = list(Action.objects.filter(objective__plan=southwark_plan).order_by("pk")[:5])
    linked = [a for a in actions if a.drivers.exists()]
    assert linked
    missing = linked[0].drivers.first()  # as if added after the list was read
    kept = [d for d in Driver.objects.all() if d.pk != missing.pk]
    attach_owners_and_drivers(actions, kept)
    for action in actions:
        expected = set(Action.objects.get(pk=action.pk).drivers.values_list("pk", flat=True))
        assert {d.pk for d in action.drivers.all()} == expected
