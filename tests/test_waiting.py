""" "Waiting for me": the top of each user's home page and the count in the navigation."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.choices import ChallengeStatus, MembershipRole, ReturnStatus
from plans.models import Action, Challenge, Membership, Owner, Plan, QuarterlyReturn
from plans.quarters import Quarter
from plans.services.returns import submit_return
from plans.waiting import waiting_for, waiting_total

pytestmark = pytest.mark.django_db


def keys(user):
    return {s.key: s.total for s in waiting_for(user)}


def raise_challenge(plan, user, *, due, status=ChallengeStatus.OPEN):
    return Challenge.objects.create(
        plan=plan,
        raised_by=user,
        question="Why is the ward engagement action Red?",
        due_date=due,
        status=status,
    )


def test_an_editor_sees_challenges_with_due_dates_and_the_return_to_submit(
    client_as, southwark_plan, lambeth_plan, oversight_user
):
    today = timezone.localdate()
    raise_challenge(southwark_plan, oversight_user, due=today - dt.timedelta(days=2))
    raise_challenge(lambeth_plan, oversight_user, due=today)  # another borough's: not shown
    response = client_as("southwark_editor").get("/")
    assert response.status_code == 200
    html = response.text
    assert html.index("Waiting for me") < html.index("Challenges to answer") < html.index("Your dashboards")
    assert "overdue: due" in html
    quarter = Quarter.last_ended(today)
    assert f"Southwark: submit the {quarter.label} return" in html
    sections = {s.key: s for s in response.context["sections"]}
    assert sections["challenges"].total == 1
    assert sections["to_submit"].total == 1


def test_the_navigation_counts_what_waits(client_as, southwark_plan, oversight_user, southwark_editor):
    raise_challenge(southwark_plan, oversight_user, due=timezone.localdate())
    expected = waiting_total(southwark_editor)
    assert expected == sum(keys(southwark_editor).values()) == 2
    response = client_as("southwark_editor").get("/challenges/")
    assert f'Waiting for me <span class="nav-count">{expected}</span>' in response.text


def test_stale_actions_the_editor_owns_are_listed(southwark_editor, southwark_plan):
    owner = Owner.objects.filter(borough=southwark_plan.borough).first()
    owner.user = southwark_editor
    owner.save()
    owned = Action.objects.filter(owners=owner).count()
    later = timezone.now() + dt.timedelta(days=400)
    assert keys(southwark_editor) == {"to_submit": 1}  # the test world's Southwark is fresh
    assert waiting_for(southwark_editor, now=later)[-1].total == owned


def test_a_commander_sees_the_return_to_sign_off_and_the_editor_no_longer_sees_it_to_submit(
    lambeth_plan, lambeth_editor
):
    from django.contrib.auth import get_user_model

    commander = get_user_model().objects.create_user("lambeth.commander")
    Membership.objects.create(user=commander, borough=lambeth_plan.borough, role=MembershipRole.COMMANDER)
    assert "to_sign_off" not in keys(commander)
    quarter = Quarter.last_ended(timezone.localdate())
    submit_return(plan=lambeth_plan, quarter=quarter, user=lambeth_editor)
    assert keys(commander) == {"to_sign_off": 1}
    assert "to_submit" not in keys(lambeth_editor)
    assert "to_sign_off" not in keys(lambeth_editor)  # nobody signs off their own return


def test_oversight_sees_answers_to_read_and_answers_overdue(oversight_user, southwark_plan, lambeth_plan):
    today = timezone.localdate()
    raise_challenge(southwark_plan, oversight_user, due=today, status=ChallengeStatus.ANSWERED)
    raise_challenge(lambeth_plan, oversight_user, due=today - dt.timedelta(days=1))
    raise_challenge(lambeth_plan, oversight_user, due=today + dt.timedelta(days=1))
    assert keys(oversight_user) == {"answers": 1, "overdue_answers": 1}


def test_a_force_editor_sees_force_activities_not_reviewed(client_as, world):
    from django.contrib.auth import get_user_model

    force_editor = get_user_model().objects.get(username="force.editor")
    later = timezone.now() + dt.timedelta(days=400)
    force_actions = Action.objects.filter(objective__plan__borough__isnull=True).exclude(completed=True)
    sections = {s.key: s for s in waiting_for(force_editor, now=later)}
    assert sections["force_stale"].total == force_actions.count() > 0


def test_a_sent_back_return_waits_on_the_editors(southwark_plan, southwark_editor, oversight_user):
    QuarterlyReturn.objects.create(
        plan=southwark_plan,
        fy_start_year=2023,
        quarter=2,
        status=ReturnStatus.SENT_BACK,
        submitted_by=southwark_editor,
    )
    assert keys(southwark_editor)["sent_back"] == 1


def test_the_home_page_runs_a_fixed_number_of_queries(
    client_as, southwark_plan, oversight_user, django_assert_max_num_queries
):
    for _ in range(3):
        raise_challenge(southwark_plan, oversight_user, due=timezone.localdate())
    client = client_as("southwark_editor")
    with django_assert_max_num_queries(16) as few:
        client.get("/")
    for _ in range(30):
        raise_challenge(southwark_plan, oversight_user, due=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_a_member_without_editing_role_is_not_asked_to_submit(world, lambeth_plan):
    from django.contrib.auth import get_user_model

    viewer = get_user_model().objects.create_user("lambeth.viewer")
    Membership.objects.create(user=viewer, borough=lambeth_plan.borough, role=MembershipRole.COMMANDER)
    assert "to_submit" not in keys(viewer)
    assert Plan.objects.filter(borough=lambeth_plan.borough).exists()


def test_the_totals_are_the_counts_of_each_section(world, southwark_plan, oversight_user):
    """The one query of the totals counts what each section's queryset counts, for every role;
    a section whose filter can match nothing (no review intervals: no plan) counts zero."""
    from django.contrib.auth import get_user_model

    from plans.waiting import _querysets, _totals

    now, today = timezone.now(), timezone.localdate()
    raise_challenge(southwark_plan, oversight_user, due=today - dt.timedelta(days=3))
    for user in get_user_model().objects.all():
        sets = _querysets(user, today=today, now=now)
        assert _totals(sets) == {key: queryset.count() for key, queryset in sets.items()}, user
    empty = {"none": Action.objects.filter(pk__in=[]), "all": Action.objects.all()}
    assert _totals(empty) == {"none": 0, "all": Action.objects.count()}


def test_the_navigations_kept_statement_is_the_one_the_page_compiles_at_every_moment(
    world, southwark_plan, southwark_editor, oversight_user, lambeth_plan, lambeth_editor, monkeypatch
):
    """The navigation's count reuses a statement built once per kind of user and day, with its
    last-review bounds moved to the present: the same SQL and parameters, hence the same count,
    as the page's own queries, here on both sides of actions going stale and escalating."""
    from django.contrib.auth import get_user_model

    from plans import waiting

    owner = Owner.objects.filter(borough=southwark_plan.borough).first()
    owner.user = southwark_editor
    owner.save()
    raise_challenge(southwark_plan, oversight_user, due=timezone.localdate() - dt.timedelta(days=1))
    raise_challenge(lambeth_plan, oversight_user, due=timezone.localdate(), status=ChallengeStatus.ANSWERED)
    commander = get_user_model().objects.create_user("lambeth.commander")
    Membership.objects.create(user=commander, borough=lambeth_plan.borough, role=MembershipRole.COMMANDER)
    submit_return(plan=lambeth_plan, quarter=Quarter.last_ended(timezone.localdate()), user=lambeth_editor)
    force_editor = get_user_model().objects.get(username="force.editor")
    people = [southwark_editor, oversight_user, commander, force_editor, lambeth_editor]
    today, start = timezone.localdate(), timezone.now()
    moments = [start + dt.timedelta(days=days, seconds=1) for days in (0, 29, 31, 59, 61, 400)]
    seen = set()
    for user in people:
        for now in moments:
            sets = waiting._querysets(user, today=today, now=now)
            expected = sum(waiting._totals(sets).values())
            assert waiting_total(user, today=today, now=now) == expected
            lengths = tuple(sorted(waiting.review_lengths())) if waiting._counts_stale(user) else ()
            kept = waiting._kept_statement(user, today=today, lengths=lengths)
            if sets:
                sql, params, _ = waiting._statement(sets)
                assert (kept.sql, waiting._moved(kept, now)) == (sql, params)
            seen.add(expected)
    assert len(seen) > 3  # the moments and people give different counts
    editor_counts = [waiting_total(southwark_editor, today=today, now=now) for now in moments]
    assert editor_counts[0] < editor_counts[-1]  # owned actions went stale as time passed

    def built_again(*args, **kwargs):
        raise AssertionError("the kept statement was built again")

    monkeypatch.setattr(waiting, "_querysets", built_again)
    assert [waiting_total(southwark_editor, today=today, now=now) for now in moments] == editor_counts


def test_the_navigations_kept_statement_changes_with_the_day_and_the_review_intervals(
    southwark_plan, southwark_editor
):
    from plans import waiting

    today = timezone.localdate()
    lengths = tuple(sorted(waiting.review_lengths()))
    first = waiting._kept_statement(southwark_editor, today=today, lengths=lengths)
    assert first.moments  # the stale actions' bounds move with the clock
    assert waiting._kept_statement(southwark_editor, today=today, lengths=lengths) is first
    assert (
        waiting._kept_statement(southwark_editor, today=today + dt.timedelta(days=1), lengths=lengths)
        is not first
    )
    Plan.objects.filter(pk=southwark_plan.pk).update(review_interval_days=7)
    owner = Owner.objects.filter(borough=southwark_plan.borough).first()
    owner.user = southwark_editor
    owner.save()
    later = timezone.now() + dt.timedelta(days=8)
    sets = waiting._querysets(southwark_editor, today=today, now=later)
    assert waiting_total(southwark_editor, today=today, now=later) == sum(waiting._totals(sets).values())
    assert waiting._totals(sets)["my_stale"] > 0  # stale under the new 7-day interval


def test_two_editors_of_one_borough_each_get_their_own_count(southwark_plan, southwark_editor):
    """Two editors of the same borough have the same scope but their own owned actions: the kept
    statement is the user's, not the scope's."""
    from django.contrib.auth import get_user_model

    from plans import waiting

    colleague = get_user_model().objects.create_user("southwark.colleague")
    colleague.groups.set(southwark_editor.groups.all())
    for membership in Membership.objects.filter(user=southwark_editor):
        Membership.objects.create(user=colleague, borough=membership.borough, role=membership.role)
    assert waiting.scope_for(colleague) == waiting.scope_for(southwark_editor)
    owner = Owner.objects.filter(borough=southwark_plan.borough).first()
    owner.user = southwark_editor
    owner.save()
    later = timezone.now() + dt.timedelta(days=400)
    mine = waiting_total(southwark_editor, now=later)
    theirs = waiting_total(colleague, now=later)
    assert mine == theirs + Action.objects.filter(owners=owner, retired_at__isnull=True).count() > theirs


def test_a_naive_moment_is_read_in_the_projects_time_zone(southwark_plan, southwark_editor):
    owner = Owner.objects.filter(borough=southwark_plan.borough).first()
    owner.user = southwark_editor
    owner.save()
    start = timezone.now() + dt.timedelta(days=31)
    for minutes in range(0, 24 * 60, 90):
        aware = timezone.localtime(start + dt.timedelta(minutes=minutes))
        naive = aware.replace(tzinfo=None)
        assert waiting_total(southwark_editor, now=naive) == waiting_total(southwark_editor, now=aware)


def test_a_statement_that_cannot_be_moved_is_compiled_afresh(
    southwark_plan, southwark_editor, oversight_user, monkeypatch
):
    """A parameter the kept statement does not know how to move (here a section bounded by a
    moment it cannot recognise) fails the check when built: the count is then compiled at the
    page's moment, and stays right."""
    from plans import waiting

    real = waiting._querysets

    def with_a_new_section(user, *, today, now, lengths=None):
        sets = real(user, today=today, now=now, lengths=lengths)
        sets["raised_lately"] = Challenge.objects.filter(raised_at__gte=now.replace(microsecond=0))
        return sets

    monkeypatch.setattr(waiting, "_querysets", with_a_new_section)
    monkeypatch.setattr(waiting, "_statements", type(waiting._statements)())  # none kept before
    raise_challenge(southwark_plan, oversight_user, due=timezone.localdate())
    today = timezone.localdate()
    lengths = tuple(sorted(waiting.review_lengths()))
    assert not waiting._kept_statement(southwark_editor, today=today, lengths=lengths).movable
    for now in (timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1)):
        expected = sum(waiting._totals(with_a_new_section(southwark_editor, today=today, now=now)).values())
        assert waiting_total(southwark_editor, today=today, now=now) == expected
    assert waiting_total(southwark_editor, now=timezone.now() - dt.timedelta(days=1)) != waiting_total(
        southwark_editor, now=timezone.now() + dt.timedelta(days=1)
    )  # the new section counts the challenge only before it was raised
