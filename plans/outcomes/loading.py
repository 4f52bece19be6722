"""Loading the shipped targets (fixtures/targets.yaml) into Target rows."""

from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from drivers.models import Measure

from ..models import Borough, Target

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@transaction.atomic
def load_targets(path=None):
    """Load fixtures/targets.yaml (idempotent: matched on measure, borough and target date)."""
    with open(path or FIXTURES / "targets.yaml", encoding="utf-8") as handle:
        items = yaml.safe_load(handle) or []
    count = 0
    for item in items:
        measure = Measure.objects.get(slug=item["measure"])
        borough = Borough.objects.get(slug=item["borough"]) if item.get("borough") else None
        Target.objects.update_or_create(
            measure=measure,
            borough=borough,
            target_date=item["target_date"],
            defaults={
                "baseline_value": Decimal(str(item["baseline_value"])),
                "baseline_date": item["baseline_date"],
                "target_value": Decimal(str(item["target_value"])),
                "note": " ".join(str(item.get("note", "")).split())[:300],
            },
        )
        count += 1
    return count
