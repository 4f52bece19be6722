"""The force-wide plan page and the form that links a borough action to force activities."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..force import (
    contributions_by_borough,
    force_activities,
    force_matrix,
    get_force_plan,
    milestone_counts,
    milestone_timeline,
    status_totals,
    timeline_chart,
)
from ..forms.force import AsAtForm, ForceLinksForm
from ..models import Action
from ..scope import EDIT_FORCE_PLAN, LINK_FORCE, may, refuse, role_required
from ..services.force_links import set_force_links

security_log = logging.getLogger("trustplan.security")


@require_http_methods(["GET"])
@role_required
def force_plan(request):
    plan = get_force_plan()
    if plan is None:
        raise Http404("The force-wide plan has not been loaded.")
    today = timezone.localdate()
    form = AsAtForm(request.GET if "as_at" in request.GET else None)
    day, status = today, 200
    if form.is_bound:
        if form.is_valid():
            day = form.cleaned_data["as_at"] or today
        else:
            status = 400
    dimensions, rows, activities = force_matrix(plan)
    list_url = reverse("action-list")
    for activity in activities:
        activity.url = reverse("action-detail", args=[activity.pk])
        for contribution in activity.contributions:
            contribution.url = reverse("action-detail", args=[contribution.pk])
    for row in rows:
        for cell in row.cells:
            cell.list_url = (
                f"{list_url}?objective={row.objective.pk}&driver={cell.dimension.slug}"
                if row.objective and cell.activities
                else None
            )
    entries = milestone_timeline(plan, day)
    boroughs = contributions_by_borough(plan)
    return render(
        request,
        "plans/force.html",
        {
            "plan": plan,
            "form": form,
            "day": day,
            "is_today": day == today,
            "dimensions": dimensions,
            "rows": rows,
            "activities": activities,
            "totals": status_totals(activities),
            "entries": entries,
            "chart": timeline_chart(entries, day),
            "milestone_counts": milestone_counts(entries),
            "boroughs": boroughs,
            "may_edit": may(request.user, EDIT_FORCE_PLAN),
        },
        status=status,
    )


def _grouped(activities, selected):
    groups = []
    for activity in activities:
        theme = activity.objective.theme
        if not groups or groups[-1]["theme"] != theme:
            groups.append({"theme": theme, "items": []})
        groups[-1]["items"].append({"activity": activity, "checked": activity.pk in selected})
    return groups


def _save_links(request, action, activities):
    """The POST of ``action_force_links``: (form, True) once the links are saved, else the form
    with its errors and False."""
    form = ForceLinksForm(request.POST, activities=activities)
    if not form.is_valid():
        return form, False
    try:
        linked = set_force_links(
            action=action,
            user=request.user,
            activity_ids=[a.pk for a in form.cleaned_data["activities"]],
        )
    except ValidationError as exc:
        form.add_error("activities", exc.message_dict.get("activities", exc.messages))
        return form, False
    messages.success(
        request,
        f"Saved: this action delivers {len(linked)} force "
        f"{'activity' if len(linked) == 1 else 'activities'}.",
    )
    return form, True


@require_http_methods(["GET", "POST"])
@role_required
def action_force_links(request, pk):
    action = get_object_or_404(
        Action.objects.visible_to(request.user)
        .filter(objective__plan__borough__isnull=False)
        .select_related("objective__plan__borough", "objective__pillar"),
        pk=pk,
    )
    may_edit = may(request.user, LINK_FORCE, action)
    activities = (
        force_activities()
        .visible_to(request.user)
        .select_related("objective__theme")
        .prefetch_related("drivers")
        .order_by("objective__theme__order", "position", "pk")
    )
    current = set(action.delivers.filter(pk__in=activities).values_list("pk", flat=True))
    status = 200
    if request.method == "POST":
        if not may_edit:
            refuse(
                request.user,
                f"tried to link action={action.pk} to force activities",
                "Only editors of this action's borough can change its links.",
            )
        form, done = _save_links(request, action, activities)
        if done:
            return redirect("action-force-links", pk=action.pk)
        status = 400
        selected = {int(raw) for raw in request.POST.getlist("activities") if str(raw).isdigit()}
    else:
        form = ForceLinksForm(activities=activities)
        selected = current
    listed = list(activities)
    return render(
        request,
        "plans/action_force_links.html",
        {
            "action": action,
            "borough": action.objective.plan.borough,
            "form": form,
            "groups": _grouped(listed, selected),
            "current": [a for a in listed if a.pk in current],
            "may_edit": may_edit,
            "action_url": reverse("action-detail", args=[action.pk]),
        },
        status=status,
    )
