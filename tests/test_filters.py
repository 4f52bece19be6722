"""The one FilterSet: the same filters for pages, exports and the API."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from plans.choices import RAG
from plans.filtersets import ActionFilterSet
from plans.models import Action
from plans.services import apply_status_update

pytestmark = pytest.mark.django_db


def run(user, query):
    filterset = ActionFilterSet(QueryDict(query), user=user)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def test_borough_and_rag_filters(southwark_editor):
    qs = run(southwark_editor, "borough=southwark&rag=red")
    assert qs.count() == 4
    assert run(southwark_editor, "borough=southwark&rag=red&rag=amber").count() == 21
    assert run(southwark_editor, "borough=southwark&pillar=less-crime").count() == 16


def test_driver_filter_returns_each_action_once(southwark_editor):
    qs = run(southwark_editor, "borough=southwark&driver=engagement-fair-treatment&driver=effectiveness")
    assert qs.count() == len(set(qs.values_list("pk", flat=True)))
    assert qs.count() > 0


def test_single_valued_filters_need_no_distinct_and_repeat_no_action(southwark_editor):
    """Borough, BCU, pillar and objective follow foreign keys (one per action): no DISTINCT over
    every column; several values still give each action once."""
    objective = Action.objects.filter(objective__plan__borough__slug="southwark").first().objective_id
    query = f"borough=southwark&borough=lambeth&pillar=less-crime&pillar=more-trust&objective={objective}"
    qs = run(southwark_editor, query)
    assert "DISTINCT" not in str(qs.query).upper()
    assert qs.count() == len(set(qs.values_list("pk", flat=True))) > 0
    with_driver = run(southwark_editor, "borough=southwark&driver=effectiveness")
    assert "DISTINCT" in str(with_driver.query).upper()


def test_unknown_values_are_errors_not_silently_ignored(southwark_editor):
    for query in (
        "borough=atlantis",
        "rag=purple",
        "as_at=not-a-date",
        "as_at=1999-01-01",
        "stale=perhaps",
    ):
        filterset = ActionFilterSet(QueryDict(query), user=southwark_editor)
        assert not filterset.is_valid(), query


def test_as_at_rebuilds_status_from_a_hand_made_history(southwark_plan, southwark_editor):
    action = Action.objects.filter(objective__plan=southwark_plan, rag=RAG.RED).first()
    start = action.last_reviewed_at
    day1 = start + dt.timedelta(days=2)
    day2 = start + dt.timedelta(days=5)
    apply_status_update(
        action=action,
        user=southwark_editor,
        seen_version=1,
        rag="amber",
        at=day1,
        commentary="Two of four posts recruited this month.",
    )
    apply_status_update(
        action=action,
        user=southwark_editor,
        seen_version=2,
        rag="green",
        at=day2,
        commentary="All four posts recruited and in role.",
    )

    def status_on(day):
        qs = Action.objects.filter(pk=action.pk).with_status(day)
        return qs.values_list("eff_status", flat=True).first()

    assert status_on(timezone.localdate(start)) == RAG.RED
    assert status_on(timezone.localdate(day1)) == RAG.AMBER
    assert status_on(timezone.localdate(day2)) == RAG.GREEN
    assert status_on(timezone.localdate(start) - dt.timedelta(days=1)) is None  # did not exist yet


def test_stale_and_overdue(southwark_plan, southwark_editor):
    action = Action.objects.filter(objective__plan=southwark_plan).first()
    Action.objects.filter(pk=action.pk).update(
        last_reviewed_at=timezone.now() - dt.timedelta(days=40),
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
    assert list(run(southwark_editor, "borough=southwark&stale=true").values_list("pk", flat=True)) == [
        action.pk
    ]
    assert list(run(southwark_editor, "borough=southwark&overdue=true").values_list("pk", flat=True)) == [
        action.pk
    ]
    assert run(southwark_editor, "borough=southwark&stale=false").count() == 60


def test_filters_by_rows_with_nothing_chosen_clean_to_an_empty_list_and_filter_nothing(southwark_editor):
    filterset = ActionFilterSet(QueryDict("rag=red"), user=southwark_editor)
    assert filterset.is_valid(), filterset.errors
    for name in ("borough", "bcu", "pillar", "objective", "driver", "owner"):
        assert filterset.form.cleaned_data[name] == [], name
    assert filterset.applied() == [("RAG", "Red")]  # only the filter chosen, by its label
    red = Action.objects.visible_to(southwark_editor).filter(rag="red", completed=False)
    assert filterset.qs.count() == red.count()
    chosen = ActionFilterSet(QueryDict("borough=southwark"), user=southwark_editor)
    assert chosen.is_valid()
    assert [b.slug for b in chosen.form.cleaned_data["borough"]] == ["southwark"]


def test_the_filters_in_use_name_each_choice_by_its_label(southwark_editor):
    filterset = ActionFilterSet(
        QueryDict("rag=red&rag=not_rated&stale=false&overdue=true"), user=southwark_editor
    )
    assert filterset.is_valid(), filterset.errors
    assert filterset.applied() == [("RAG", "Red, Not rated"), ("Stale", "No"), ("Overdue", "Yes")]
