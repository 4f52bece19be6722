"""The action page: an action, its owners and drivers, its full status history, and (for an
editor of its borough) the form that updates its status."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..choices import UpdateSource
from ..forms.status import StatusForm
from ..models import Action
from ..scope import EDIT_ACTION, EDIT_PLAN, may, role_required
from ..services import StaleVersion, apply_status_update

security_log = logging.getLogger("trustplan.security")

CHANGE_WORDS = {
    "status": "status",
    "commentary": "commentary",
    "next_steps": "next steps",
    "due_date": "due date",
}


def _action_for(user, pk):
    return get_object_or_404(
        Action.objects.visible_to(user)
        .select_related(
            "objective__plan__borough",
            "objective__pillar",
            "objective__theme",
            "last_reviewed_by",
        )
        .prefetch_related("owners", "drivers__framework"),
        pk=pk,
    )


def describe_changes(fields):
    return ", ".join(CHANGE_WORDS.get(f, f) for f in fields)


@require_http_methods(["GET", "POST"])
@role_required
def action_detail(request, pk):
    action = _action_for(request.user, pk)
    may_edit = may(request.user, EDIT_ACTION, action)
    form = StatusForm(action=action, prefix="status") if may_edit else None
    conflict = None
    status = 200
    if request.method == "POST":
        if not may_edit:
            security_log.warning(
                "refused status update: user=%s action=%s borough=%s (read-only for this user)",
                request.user,
                action.pk,
                action.objective.plan.borough,
            )
            raise PermissionDenied("You can read this action but not update it.")
        form = StatusForm(request.POST, action=action, prefix="status")
        status = 400
        if form.is_valid():
            change = form.changes()
            if not change:
                messages.info(request, "Nothing changed, so nothing was saved.")
                return redirect("action-detail", pk=action.pk)
            try:
                result = apply_status_update(
                    action=action,
                    user=request.user,
                    seen_version=form.cleaned_data["version"],
                    source=UpdateSource.PAGE,
                    **change,
                )
            except StaleVersion as exc:
                conflict = exc
                form = form.rebased(exc.action)
                action = _action_for(request.user, pk)
                status = 409
            except ValidationError as exc:
                form.add_service_errors(exc.message_dict)
            else:
                if result.changed_fields:
                    messages.success(request, f"Saved: {describe_changes(result.changed_fields)}.")
                else:
                    messages.info(request, "Nothing changed, so nothing was saved.")
                return redirect("action-detail", pk=action.pk)
    return _render(request, action, form=form, may_edit=may_edit, conflict=conflict, status=status)


def _render(request, action, *, form, may_edit, conflict, status):
    """The action page: the action now, its status form (editors), its status history and the
    changes of its text (``PlanChange``), newest first."""
    plan = action.objective.plan
    return render(
        request,
        "plans/action_detail.html",
        {
            "action": action,
            "plan": plan,
            "borough": plan.borough,
            "updates": action.updates.select_related("author").order_by("-created_at", "-version"),
            "changes": action.changes.all(),
            "form": form,
            "may_edit": may_edit,
            "may_edit_plan": action.retired_at is None and may(request.user, EDIT_PLAN, plan),
            "conflict": conflict,
            "stale": action.is_stale(timezone.now()),
            "overdue": action.is_overdue(),
        },
        status=status,
    )
