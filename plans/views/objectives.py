"""Plans written in the browser: adding, renaming, moving and retiring an objective (writes in
plans.services.objectives), for the editors of the plan's borough and administrators."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.plan_editing import ObjectiveForm
from ..models import Objective
from ..refs import objective_ref
from ..scope import role_required
from ..services.objectives import (
    TitleConflict,
    objective_create,
    objective_move,
    objective_retire,
    objective_update,
)
from ..services.plan_editing import require_editor
from .plan_editing import add_service_errors, editable_plan, move_step, plan_page_url, retire_page


def editable_objective(request, pk):
    """The objective (readable, else 404) of a borough plan the user edits (else 403, logged)."""
    objective = get_object_or_404(
        Objective.objects.visible_to(request.user).select_related("plan__borough", "pillar"), pk=pk
    )
    require_editor(request.user, objective.plan)
    return objective


@require_http_methods(["GET", "POST"])
@role_required
def objective_new(request, slug):
    """GET: the form (``?pillar=<pk>`` preselects one); POST: add the objective at the end of its
    pillar and go back to the plan's page."""
    borough, plan = editable_plan(request, slug)
    form = ObjectiveForm(
        request.POST if request.method == "POST" else None, initial={"pillar": request.GET.get("pillar")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            objective = objective_create(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Objective {objective_ref(objective)} was added to the plan.")
            return redirect(plan_page_url(plan, f"objective-{objective.pk}"))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "borough": borough, "plan": plan, "objective": None}
    return render(request, "plans/objective_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required
def objective_edit(request, pk):
    """GET: the rename form; POST: rename (kept, before and after), or show the title someone
    else gave it meanwhile beside the user's (409), or the errors (400)."""
    objective = editable_objective(request, pk)
    plan = objective.plan
    form = ObjectiveForm(request.POST if request.method == "POST" else None, objective=objective)
    conflict, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = objective_update(user=request.user, objective=objective, **form.cleaned_data)
            except TitleConflict as exc:
                conflict, status = exc, 409
                data = request.POST.copy()
                data["seen_title"] = exc.objective.title
                form = ObjectiveForm(data, objective=objective)
                form.is_valid()
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if changed:
                    messages.success(request, f"Objective {objective_ref(objective)} was renamed.")
                else:
                    messages.info(request, "Nothing changed, so nothing was saved.")
                return redirect(plan_page_url(plan, f"objective-{objective.pk}"))
    context = {
        "form": form,
        "borough": plan.borough,
        "plan": plan,
        "objective": objective,
        "conflict": conflict,
    }
    return render(request, "plans/objective_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required
def objective_retire_view(request, pk):
    """GET: what retiring means, and a box to tick; POST: retire the objective (never deleted)."""
    objective = editable_objective(request, pk)
    return retire_page(request, thing=objective, kind="objective", ref=objective_ref, retire=objective_retire)


@require_POST
@role_required
def objective_move_view(request, pk):
    """Move the objective one place up or down in its pillar; back to the plan's page."""
    objective = editable_objective(request, pk)
    return move_step(request, thing=objective, kind="objective", ref=objective_ref, move=objective_move)
