"""Rows of the force plan's sheets of the workbook (written by plans.exports.force)."""

from django.utils import timezone

from ..choices import Status
from ..models import Action
from ..scope import scope_for
from .figures import force_matrix, get_force_plan, milestone_timeline


def force_plan_rows(user):
    """Rows of the "Force plan" sheet (text, and the number of contributing borough actions), or
    [] when the user cannot read it."""
    plan = get_force_plan()
    if plan is None or not scope_for(user).read_all:
        return []
    _dimensions, _rows, activities = force_matrix(plan)
    commentary = dict(
        Action.objects.filter(pk__in=[a.pk for a in activities]).values_list("pk", "last_commentary")
    )
    return [
        [
            a.objective.theme.name,
            ", ".join(d.name for d in a.dimensions),
            a.source_plan,
            a.strand,
            a.text,
            "; ".join(o.label for o in a.leads),
            Status(a.eff_status).label,
            commentary.get(a.pk, ""),
            ", ".join(sorted({c.objective.plan.borough.name for c in a.contributions})),
            len(a.contributions),
        ]
        for a in activities
    ]


def milestone_rows(user, day=None):
    """Rows of the "Milestones" sheet, status as at ``day`` (today by default)."""
    plan = get_force_plan()
    if plan is None or not scope_for(user).read_all:
        return []
    day = day or timezone.localdate()
    return [
        [
            e.milestone.period_label,
            e.milestone.starts,
            e.milestone.ends,
            e.milestone.description,
            e.milestone.lead,
            "External" if e.milestone.is_external else "Met-led",
            e.state_label,
            e.milestone.completed_on,
        ]
        for e in milestone_timeline(plan, day)
    ]
