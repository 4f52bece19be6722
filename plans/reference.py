"""Load the reference data of the plans app: pillars, BCUs, boroughs and the real MOPAC
Public Attitude Survey readings. Idempotent: rows are matched on natural keys.
"""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from drivers.models import Measure

from .models import BCU, Borough, MeasureReading, Pillar

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PAS_SOURCE = "MOPAC Public Attitude Survey, T&C dashboard Borough sheet (London Datastore)"


@transaction.atomic
def load_pillars():
    with open(FIXTURES / "pillars.yaml", encoding="utf-8") as handle:
        for item in yaml.safe_load(handle):
            Pillar.objects.update_or_create(
                slug=item["slug"], defaults={"name": item["name"], "order": item["order"]}
            )
    return Pillar.objects.count()


@transaction.atomic
def load_boroughs(path=None):
    """The 32 Met boroughs and their 12 BCUs. The City of London is not a Met borough."""
    with open(path or FIXTURES / "london_boroughs.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["in_met_police_district"] == "True" and r["bcu"]]
    for row in rows:
        bcu, _ = BCU.objects.get_or_create(slug=slugify(row["bcu"]), defaults={"name": row["bcu"]})
        Borough.objects.update_or_create(
            ons_code=row["ons_code"],
            defaults={
                "name": row["borough"],
                "slug": slugify(row["borough"]),
                "bcu": bcu,
                "is_synthetic": False,
            },
        )
    return BCU.objects.count(), Borough.objects.filter(is_synthetic=False).count()


def load_pas_readings(path=None):
    """MeasureReading rows for every borough and for London from the PAS CSV."""
    measures = {m.name: m for m in Measure.objects.all()}
    boroughs = {b.ons_code: b for b in Borough.objects.filter(is_synthetic=False)}
    existing = set(MeasureReading.objects.values_list("measure_id", "borough_id", "period_end"))
    new = {}
    with open(path or FIXTURES / "pas_borough_measures.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            measure = measures.get(row["measure"])
            borough = boroughs.get(row["ons_code"])
            if measure is None or borough is None:
                continue
            period = dt.date.fromisoformat(row["period_end"])
            for borough_id, value in (
                (borough.pk, row["value_percent"]),
                (None, row["london_mps_value_percent"]),
            ):
                key = (measure.pk, borough_id, period)
                if value in ("", None) or key in existing or key in new:
                    continue
                new[key] = MeasureReading(
                    measure=measure,
                    borough_id=borough_id,
                    period_end=period,
                    value=Decimal(value),
                    source=PAS_SOURCE,
                )
    with transaction.atomic():
        MeasureReading.objects.bulk_create(new.values(), batch_size=2000)
    return len(new)
