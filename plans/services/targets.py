"""Setting a borough's target for a survey measure (oversight and administrators).

The Target model keeps its own history (django-simple-history is not on Target: ``set_by`` and
the row itself are the record of who set it).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Target
from ..outcomes import latest_reading
from ..scope import SET_TARGETS, require


def set_target(
    *,
    borough,
    user,
    measure,
    target_value,
    target_date,
    baseline_value=None,
    baseline_date=None,
    note="",
    target_id=None,
):
    """Create or update a borough's target for a measure. The baseline defaults to the borough's
    latest reading. Raises PermissionDenied (logged) or ValidationError per field."""
    require(
        user,
        SET_TARGETS,
        log_text=f"set a target for {borough}",
        message="Only oversight and administrators set targets.",
    )
    errors = {}
    if baseline_value is None or baseline_date is None:
        day, value = latest_reading(measure, borough)
        if day is None:
            errors["baseline_value"] = f"{borough} has no reading of {measure}: give a baseline and its date."
        else:
            baseline_value = value if baseline_value is None else baseline_value
            baseline_date = day if baseline_date is None else baseline_date
    if baseline_date and target_date <= baseline_date:
        errors["target_date"] = f"The target date must be after the baseline date ({baseline_date:%d/%m/%Y})."
    target = None
    if target_id:
        target = Target.objects.filter(pk=target_id, borough=borough).first()
        if target is None:
            errors["target_id"] = "That target is not one of this borough's."
    clash = Target.objects.filter(measure=measure, borough=borough, target_date=target_date)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if target_id and clash.exists():
        errors["target_date"] = f"{borough} already has a {measure} target for that date."
    if errors:
        raise ValidationError(errors)
    values = {
        "baseline_value": Decimal(baseline_value),
        "baseline_date": baseline_date,
        "target_value": Decimal(target_value),
        "note": " ".join(str(note or "").split())[:300],
        "set_by": user,
    }
    with transaction.atomic():
        if target is not None:
            for name, value in {**values, "measure": measure, "target_date": target_date}.items():
                setattr(target, name, value)
            target.full_clean()
            target.save()
        else:
            target, _ = Target.objects.update_or_create(
                measure=measure, borough=borough, target_date=target_date, defaults=values
            )
    return target
