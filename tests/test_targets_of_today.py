"""Targets of today: a target whose date has passed (the shipped London 59.4 % by March 2012) is
history, never the live target; the dashboards say when no current target exists."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from drivers.models import Measure
from plans.models import Target
from plans.outcomes import borough_panel, oversight_measures
from plans.outcomes.readings import _current_targets

pytestmark = pytest.mark.django_db
LIVE = dt.date(timezone.localdate().year + 2, 3, 31)


def test_an_expired_target_is_history_and_a_later_one_is_current(southwark):
    good = Measure.objects.get(slug="good-job-local")
    targets = _current_targets([good.pk], [southwark.pk])
    assert (good.pk, None) not in targets  # 59.4 % by March 2012 has expired
    assert targets.expired[(good.pk, None)].target_value == Decimal("59.4")
    Target.objects.create(
        measure=good,
        borough=None,
        baseline_value=60,
        baseline_date=dt.date(2024, 3, 31),
        target_value=70,
        target_date=LIVE,
    )
    targets = _current_targets([good.pk], [southwark.pk])
    assert targets[(good.pk, None)].target_date == LIVE
    # as at a day before March 2012, the 2012 target was the current one
    assert _current_targets([good.pk], [southwark.pk], on=dt.date(2011, 6, 30))[
        (good.pk, None)
    ].target_value == Decimal("59.4")


def test_the_borough_dashboard_says_no_current_target(client_as, southwark, oversight_user):
    panel = {p.measure.slug: p for p in borough_panel(southwark, oversight_user)["panels"]}["good-job-local"]
    assert panel.gap is None and panel.expired.target_value == Decimal("59.4")
    html = client_as("oversight").get("/boroughs/southwark/").text
    measures = html.split('id="outcomes-title"', 1)[1].split("</section>", 1)[0]
    assert "No current target." in measures
    assert "The last, 59.4% by Mar 2012 (London), has expired: history, not a live target." in measures
    assert "off target" not in measures  # never judged against an expired target


def test_the_oversight_headline_says_no_current_target_until_one_is_set(client_as, oversight_user):
    headline = oversight_measures(oversight_user)
    assert not headline["has_current_target"] and headline["expired_london"]
    assert all(cell.gap is None for row in headline["rows"] for cell in row.cells)
    html = client_as("oversight").get("/oversight/").text
    assert (
        "<strong>No current target</strong> for these measures" in html
        and "has expired and is history" in html
    )
    Target.objects.create(
        measure=Measure.objects.get(slug="trust-mps"),
        borough=None,
        baseline_value=60,
        baseline_date=dt.date(2024, 3, 31),
        target_value=70,
        target_date=LIVE,
    )
    headline = oversight_measures(oversight_user)
    assert headline["has_current_target"]
    assert "<strong>No current target</strong>" not in client_as("oversight").get("/oversight/").text


def test_the_targets_page_marks_expired_targets_as_history(client_as):
    html = client_as("oversight").get("/boroughs/southwark/targets/").text
    assert "(expired: history, not a current target)" in html
