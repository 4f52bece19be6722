"""The database itself refuses bad rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plans.models import Action, Objective, StatusUpdate

pytestmark = pytest.mark.django_db


def test_database_rejects_a_rag_value_outside_the_choices(southwark_plan):
    action = Action.objects.filter(objective__plan=southwark_plan).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(rag="purple")
    action.refresh_from_db()
    assert action.rag in {"red", "amber", "green", "not_rated"}


def test_one_objective_per_number_within_a_pillar(southwark_plan):
    existing = Objective.objects.filter(plan=southwark_plan).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(
            plan=southwark_plan, pillar=existing.pillar, number=existing.number, title="Dup"
        )


def test_an_objective_needs_a_pillar_or_a_theme(southwark_plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(plan=southwark_plan, number=99, title="Nowhere")


def test_a_borough_has_one_plan(southwark_plan):
    from plans.models import Plan

    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(slug="second", borough=southwark_plan.borough, title="Second plan")


def test_status_history_cannot_be_changed_or_deleted(southwark_plan):
    update = StatusUpdate.objects.filter(action__objective__plan=southwark_plan).first()
    update.commentary = "rewritten"
    with pytest.raises(ValidationError):
        update.save()
    with pytest.raises(ValidationError):
        update.delete()
    with pytest.raises(ValidationError):
        StatusUpdate.objects.filter(pk=update.pk).update(commentary="rewritten")
    with pytest.raises(ValidationError):
        StatusUpdate.objects.filter(pk=update.pk).delete()
    update.refresh_from_db()
    assert update.commentary != "rewritten"
