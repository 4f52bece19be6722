"""The survey's readings and targets kept with the reference tables (``outcomes.readings.Survey``)
give the same series, recent quarters and targets as reading them for the page, and the same
panels; a committed write to them is seen on the next page."""

import datetime as dt
from decimal import Decimal

import pytest

from drivers.models import Measure
from plans import outcomes, shared_tables
from plans.dashboards.frame import Tables
from plans.models import Borough, MeasureReading, Target
from plans.outcomes.panels import _recent_part, _survey_of
from plans.outcomes.readings import HEADLINE_MEASURES, Survey, _current_targets, recent_series
from tests.kept_helpers import page_reads

pytestmark = pytest.mark.django_db

AS_AT = [None, dt.date(2019, 3, 31), dt.date(2021, 12, 31), dt.date(2022, 6, 15), dt.date(2030, 1, 1)]


@pytest.fixture
def targets(world):
    """Targets of every kind beside the shipped London one: a borough's own current, expired and
    not yet begun, and London's current."""
    southwark = Borough.objects.get(slug="southwark")
    good = Measure.objects.get(slug="good-job-local")
    trust = Measure.objects.get(slug="trust-mps")
    rows = [
        (good, southwark, dt.date(2020, 1, 1), dt.date(2021, 3, 31)),
        (good, southwark, dt.date(2021, 4, 1), dt.date(2031, 3, 31)),
        (trust, southwark, dt.date(2029, 4, 1), dt.date(2032, 3, 31)),
        (trust, None, dt.date(2018, 4, 1), dt.date(2031, 3, 31)),
    ]
    for measure, borough, baseline, target in rows:
        Target.objects.create(
            measure=measure,
            borough=borough,
            baseline_value=Decimal("50.0"),
            baseline_date=baseline,
            target_value=Decimal("60.0"),
            target_date=target,
        )


def _targets_as_pairs(found):
    return {key: t.pk for key, t in found.items()}, {key: t.pk for key, t in found.expired.items()}


def test_the_kept_survey_answers_as_the_queries_do(targets, oversight_user):
    assert MeasureReading.objects.count() > 100  # the shipped readings are loaded
    survey = Survey.read()
    measures = list(Measure.objects.exclude(unit="qualitative"))
    ids = [m.pk for m in measures]
    headline = [m.pk for m in measures if m.slug in HEADLINE_MEASURES]
    rest = [m.pk for m in measures if m.slug not in HEADLINE_MEASURES]
    boroughs = list(Borough.objects.all())
    for as_at in AS_AT:
        for chosen in (boroughs, boroughs[:1], [Borough.objects.get(slug="southwark")]):
            borough_ids = [b.pk for b in chosen]
            series, found = _survey_of(oversight_user, chosen, measures, as_at=as_at)
            assert survey.series(ids, borough_ids, as_at=as_at) == series
            assert _targets_as_pairs(survey.current_targets(ids, borough_ids, on=as_at)) == _targets_as_pairs(
                found
            )
            assert _targets_as_pairs(_current_targets(ids, borough_ids, on=as_at)) == _targets_as_pairs(found)
            for part in (headline, rest, ids[:1]):
                assert survey.recent_part(series, set(part), as_at=as_at) == _recent_part(
                    oversight_user, series, set(part), as_at=as_at
                )
        sets = [headline, set(rest), [], ids]
        assert survey.recent(sets, as_at=as_at) == recent_series(oversight_user, sets, as_at=as_at)


def test_the_panels_are_the_same_from_the_kept_survey(targets, oversight_user):
    tables = Tables(oversight_user)
    southwark = Borough.objects.get(slug="southwark")
    for as_at in AS_AT:
        panels = []
        kept_gaps = {}
        # Read afresh; from the kept survey; and again from it with the measure gaps kept then.
        for survey, measure_gaps in ((None, None), (tables.survey, kept_gaps), (tables.survey, kept_gaps)):
            known = outcomes.Known(
                boroughs=[b for b in tables.boroughs if not b.is_synthetic],
                planned={plan.borough_id for plan in tables.plans},
                drivers=tables.confidence_drivers,
                measures=tables.measures,
                survey=survey,
                measure_gaps=measure_gaps,
            )
            panels.append(
                (
                    repr(outcomes.borough_panel(southwark, oversight_user, as_at=as_at, known=known)),
                    repr(outcomes.oversight_panel(oversight_user, as_at=as_at, known=known)),
                )
            )
        assert panels[0] == panels[1] == panels[2]
        assert "MeasurePanel" in panels[0][0] and kept_gaps


def test_a_user_who_may_not_read_the_survey_gets_no_kept_survey(world, southwark_editor, no_role_user):
    assert Tables(no_role_user).survey is None
    readable = MeasureReading.objects.visible_to(southwark_editor).is_every_row()
    assert (Tables(southwark_editor).survey is not None) == readable


def _survey_reads(client, url):
    return page_reads(client, url, lambda sql: '"plans_measurereading"' in sql)


def test_a_new_reading_is_seen_on_the_next_page(kept, client_as, world, django_capture_on_commit_callbacks):
    client = client_as("oversight")
    _, first = _survey_reads(client, "/boroughs/southwark/")
    assert first  # read once
    _, second = _survey_reads(client, "/oversight/")
    assert second == []  # then kept
    southwark = Borough.objects.get(slug="southwark")
    good = Measure.objects.get(slug="good-job-local")
    newest = MeasureReading.objects.filter(measure=good).order_by("-period_end").first().period_end
    quarter_end = dt.date(newest.year + 1, newest.month, newest.day)
    with django_capture_on_commit_callbacks(execute=True):
        MeasureReading.objects.create(
            measure=good, borough=southwark, period_end=quarter_end, value=Decimal("12.3")
        )
    response, reads = _survey_reads(client, "/boroughs/southwark/")
    assert reads  # read again under the new reference generation
    # The measures panel, kept once written, is written again under the new generation.
    written = str(response.context["outcomes"]["measures_html"])
    assert '<span class="measure-latest">12%</span>' in written  # rounded as the page writes it
    assert f"Quarter ending {quarter_end.day} {quarter_end:%b %Y}." in written


def test_the_kept_measures_panel_is_the_panel_written_for_the_page(kept, client_as, world, settings):
    client = client_as("oversight")
    first = client.get("/boroughs/southwark/")
    kept_html = str(first.context["outcomes"]["measures_html"])
    again = client.get("/boroughs/southwark/")
    assert str(again.context["outcomes"]["measures_html"]) == kept_html
    settings.REFERENCE_TABLES_SECONDS = 0  # nothing kept: the panel written by the page itself
    shared_tables.forget()
    fresh = client.get("/boroughs/southwark/")
    assert kept_html in fresh.content.decode()
