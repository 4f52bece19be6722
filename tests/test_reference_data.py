"""Reference data: pillars, frameworks and drivers, BCUs and boroughs, the real survey readings."""

import pytest
from django.core.management import call_command

from drivers.models import Driver, Framework, Measure
from plans.models import BCU, Borough, MeasureReading, Pillar

pytestmark = pytest.mark.django_db


def counts():
    return (
        Pillar.objects.count(),
        Framework.objects.count(),
        Driver.objects.count(),
        BCU.objects.count(),
        Borough.objects.count(),
        Measure.objects.count(),
        MeasureReading.objects.count(),
    )


def test_reference_data_is_complete(world):
    assert list(Pillar.objects.values_list("name", flat=True)) == [
        "More Trust",
        "Less Crime",
        "Higher Standards",
    ]
    assert Borough.objects.filter(is_synthetic=False).count() == 32
    assert BCU.objects.count() == 12
    assert not Borough.objects.filter(name="City of London").exists()
    assert Borough.objects.get(slug="southwark").bcu == Borough.objects.get(slug="lambeth").bcu
    assert Borough.objects.get(slug="southwark").ons_code == "E09000028"
    per_framework = {f.slug: f.drivers.count() for f in Framework.objects.all()}
    assert per_framework == {
        "mps-confidence-model": 8,
        "trust-test": 3,
        "college-of-policing": 5,
        "stanko-bradford-2009": 4,
    }
    engagement = Driver.objects.get(slug="engagement-fair-treatment")
    assert engagement.questions and "engagement" in engagement.questions[0].lower()


def test_survey_readings_are_the_real_mopac_figures(world):
    good_job = Measure.objects.get(name="Good job local")
    assert good_job.is_outcome
    first = MeasureReading.objects.get(
        measure=good_job, borough__slug="barking-and-dagenham", period_end="2014-12-31"
    )
    assert first.value == 56
    london = MeasureReading.objects.get(measure=good_job, borough=None, period_end="2014-12-31")
    assert london.value == 67
    # Every CSV row, no invention: 33 areas x 7 measures x 34 quarters + Trust MPS from March 2016;
    # the "London (MPS-wide)" rows are the London figures (borough empty).
    assert MeasureReading.objects.filter(borough__isnull=False).count() == 1122 * 7 + 957 - 267
    assert MeasureReading.objects.filter(borough__isnull=True).count() == 267
    assert set(Measure.objects.get(name="Relied on to be there").drivers.values_list("slug", flat=True)) >= {
        "effectiveness"
    }


def test_load_reference_twice_changes_nothing(world):
    before = counts()
    call_command("load_reference", verbosity=0)
    call_command("load_reference", verbosity=0)
    assert counts() == before
