"""The demo shows a real quarter: Southwark's published ratings are dated as the plan, Lambeth's
synthetic plan has a year of monthly history."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.choices import ReturnStatus
from plans.demo import SOUTHWARK_PLAN_DATE
from plans.models import Action, Plan, StatusUpdate
from plans.quarters import Quarter
from plans.services.returns import sign_off_return, submit_return


def test_demo_ratings_are_dated_as_the_plan_and_a_quarter_can_be_returned(demo_world):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    plan = Plan.objects.get(slug="southwark-trust-and-confidence-plan")
    seeded = StatusUpdate.objects.filter(action__objective__plan=plan)
    assert {timezone.localdate(u.created_at) for u in seeded} == {SOUTHWARK_PLAN_DATE}
    assert seeded.count() == 61
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert Action.objects.filter(objective__plan=plan).with_status(yesterday).count() == 61
    quarter = Quarter.containing(SOUTHWARK_PLAN_DATE)
    assert quarter.label == "Q2 2023-24"
    ret = submit_return(
        plan=plan,
        quarter=Quarter.last_ended(timezone.localdate()),
        user=users.get(username="southwark.editor"),
    )
    assert ret.lines.count() == 61
    assert {line.rag for line in ret.lines.all()} == {"green", "amber", "red", "not_rated"}
    sign_off_return(ret=ret, user=users.get(username="southwark.commander"), seen_version=ret.version)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SIGNED_OFF
    attestation = ret.events.get(kind="signed_off").note
    assert attestation.startswith("Signed off by southwark.commander on ") and "Southwark" in attestation


def test_lambeth_has_a_labelled_year_of_monthly_history(demo_world):
    plan = Plan.objects.get(borough__slug="lambeth")
    assert plan.is_synthetic and "synthetic" in plan.title
    months = {
        (u.created_at.year, u.created_at.month)
        for u in StatusUpdate.objects.filter(action__objective__plan=plan)
    }
    assert len(months) >= 12
    assert all(u.source == "synthetic" for u in StatusUpdate.objects.filter(action__objective__plan=plan))


@pytest.mark.django_db
def test_load_demo_dates_the_seed_as_the_data_sources_note_says():
    from pathlib import Path

    from django.conf import settings

    note = (Path(settings.BASE_DIR) / "fixtures" / "DATA-SOURCES.md").read_text()
    assert "1 August 2023" in note and dt.date(2023, 8, 1) == SOUTHWARK_PLAN_DATE
