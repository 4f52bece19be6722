"""Load the reference frameworks, drivers and measures from the YAML files in fixtures/.

Idempotent: rows are matched on slug and updated in place.
"""

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from .choices import MeasureUnit
from .models import Driver, Framework, Measure

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def read_yaml(name):
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def load_frameworks(path="frameworks.yaml"):
    frameworks = read_yaml(path)
    for f_order, item in enumerate(frameworks, start=1):
        framework, _ = Framework.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item.get("description", ""),
                "source": item.get("source", ""),
                "questions": item.get("questions") or [],
                "order": item.get("order", f_order),
            },
        )
        for d_order, drv in enumerate(item.get("drivers", []), start=1):
            Driver.objects.update_or_create(
                slug=drv["slug"],
                defaults={
                    "framework": framework,
                    "name": drv["name"],
                    "description": drv.get("description", ""),
                    "questions": drv.get("questions") or [],
                    "order": drv.get("order", d_order),
                },
            )
    return Framework.objects.count(), Driver.objects.count()


@transaction.atomic
def load_measures(path="measures.yaml"):
    for order, item in enumerate(read_yaml(path), start=1):
        measure, _ = Measure.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "wording": item.get("wording", ""),
                "unit": item.get("unit", MeasureUnit.PERCENT),
                "source": item.get("source", "MOPAC Public Attitude Survey"),
                "is_outcome": bool(item.get("is_outcome")),
                "order": order,
            },
        )
        measure.drivers.set(Driver.objects.filter(slug__in=item.get("drivers") or []))
    return Measure.objects.count()
