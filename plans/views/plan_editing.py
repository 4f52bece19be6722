"""Plans written in the browser: the plan's editing page, and adding, editing, moving and retiring
an action (writes in plans.services.plan_editing; objectives in plans.views.objectives).

Every page is for the editors of the plan's borough and administrators (``plans.scope``,
EDIT_PLAN): a reader who may not edit gets a 403 (logged), an object they may not read a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..forms.plan_editing import ActionForm, MoveForm, RetireForm
from ..models import Action, Borough, Objective, Owner, Plan
from ..refs import action_ref
from ..scope import role_required
from ..services.plan_editing import (
    EditConflict,
    action_create,
    action_move,
    action_retire,
    action_update,
    require_editor,
)

FIELD_WORDS = {
    "objective": "objective",
    "text": "text",
    "owners": "owners",
    "drivers": "drivers",
    "due_date": "due date",
}


def editable_plan(request, slug):
    """The borough (readable, else 404) and its plan, for an editor of it (else 403, logged)."""
    borough = get_object_or_404(Borough.objects.visible_to(request.user), slug=slug)
    plan = get_object_or_404(Plan.objects.select_related("borough"), borough=borough)
    require_editor(request.user, plan)
    return borough, plan


def editable_action(request, pk):
    """The action (readable, else 404) of a plan the user edits (else 403, logged)."""
    action = get_object_or_404(
        Action.objects.visible_to(request.user).select_related(
            "objective__plan__borough", "objective__pillar", "objective__theme"
        ),
        pk=pk,
    )
    require_editor(request.user, action.objective.plan)
    return action


def plan_page_url(plan, anchor=""):
    return reverse("plan-edit", args=[plan.borough.slug]) + (f"#{anchor}" if anchor else "")


def add_service_errors(form, exc):
    """Put a service's ValidationError on the form: per field where it names one, else on top."""
    for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET"])
@role_required
def plan_edit(request, slug):
    """The plan's objectives and current actions, in order, with links to edit, move and retire
    each, and the retired ones below (still readable on their pages)."""
    borough, plan = editable_plan(request, slug)
    live = (
        Action.objects.live()
        .order_by("position", "pk")
        .prefetch_related(Prefetch("owners", queryset=Owner.objects.order_by("label")))
    )
    objectives = list(
        Objective.objects.filter(plan=plan, retired_at__isnull=True)
        .select_related("pillar")
        .prefetch_related(Prefetch("actions", queryset=live))
        .order_by("pillar__order", "number")
    )
    pillars = []
    for objective in objectives:
        if not pillars or pillars[-1]["pillar"] != objective.pillar:
            pillars.append({"pillar": objective.pillar, "objectives": []})
        pillars[-1]["objectives"].append(objective)
    retired = (
        Action.objects.filter(objective__plan=plan, retired_at__isnull=False)
        .select_related("objective__pillar")
        .order_by("-retired_at")
    )
    retired_objectives = Objective.objects.filter(plan=plan, retired_at__isnull=False).select_related(
        "pillar"
    )
    return render(
        request,
        "plans/plan_edit.html",
        {
            "borough": borough,
            "plan": plan,
            "pillars": pillars,
            "retired": retired,
            "retired_objectives": retired_objectives,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required
def action_new(request, slug):
    """GET: the form (``?objective=<pk>`` preselects one); POST: add the action, open its page."""
    borough, plan = editable_plan(request, slug)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        plan=plan,
        initial={"objective": request.GET.get("objective")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = action_create(user=request.user, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The action was added to the plan (Not rated until reviewed).")
            return redirect("action-detail", pk=action.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "borough": borough, "plan": plan, "action": None}
    return render(request, "plans/action_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required
def action_edit(request, pk):
    """GET: the action's edit form; POST: save the changes (each kept, before and after), or show
    what someone else changed meanwhile beside the user's input (409), or the errors (400)."""
    action = editable_action(request, pk)
    plan = action.objective.plan
    if action.retired_at is not None:
        messages.info(request, "This action is retired: it can no longer be changed.")
        return redirect("action-detail", pk=action.pk)
    conflict, status = None, 200
    form = ActionForm(request.POST if request.method == "POST" else None, plan=plan, action=action)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = action_update(
                    user=request.user,
                    action=action,
                    seen_version=form.cleaned_data["version"],
                    **form.service_values(),
                )
            except EditConflict as exc:
                conflict, status = exc, 409
                data = request.POST.copy()
                data["version"] = exc.action.version
                form = ActionForm(data, plan=plan, action=action)
                form.is_valid()
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if changed:
                    words = ", ".join(FIELD_WORDS.get(f, f) for f in changed)
                    messages.success(request, f"Saved: {words}. The change is in the action's history.")
                else:
                    messages.info(request, "Nothing changed, so nothing was saved.")
                return redirect("action-detail", pk=action.pk)
    context = {"form": form, "borough": plan.borough, "plan": plan, "action": action, "conflict": conflict}
    return render(request, "plans/action_form.html", context, status=status)


def retire_page(request, *, thing, kind, ref, retire):
    """The retirement of an action or objective (``kind``): GET shows what it means and a box to
    tick; POST calls ``retire(user=..., <kind>=thing)`` and goes back to the plan's page."""
    plan = thing.objective.plan if kind == "action" else thing.plan
    form = RetireForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                retire(user=request.user, **{kind: thing})
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, f"{kind.capitalize()} {ref(thing)} was retired. It stays in the history."
                )
                return redirect(plan_page_url(plan))
    context = {"form": form, "thing": thing, "kind": kind, "borough": plan.borough}
    return render(request, "plans/retire.html", context, status=status)


def move_step(request, *, thing, kind, ref, move):
    """Move an action or objective (``kind``) one place up or down with ``move``; back to the
    plan's page at it, saying where it is now (400 for a request without a direction)."""
    plan = thing.objective.plan if kind == "action" else thing.plan
    form = MoveForm(request.POST)
    if not form.is_valid():
        return render(request, "plans/move_refused.html", {"form": form, "borough": plan.borough}, status=400)
    try:
        moved = move(user=request.user, direction=form.cleaned_data["direction"], **{kind: thing})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        moved = False
    if moved:
        thing.refresh_from_db()
        messages.success(request, f"Moved: the {kind} is now {ref(thing)}.")
    return redirect(plan_page_url(plan, f"{kind}-{thing.pk}"))


@require_http_methods(["GET", "POST"])
@role_required
def action_retire_view(request, pk):
    """GET: what retiring means, and a box to tick; POST: retire the action (never deleted)."""
    action = editable_action(request, pk)
    return retire_page(request, thing=action, kind="action", ref=action_ref, retire=action_retire)


@require_POST
@role_required
def action_move_view(request, pk):
    """Move the action one place up or down in its objective; back to the plan's page."""
    action = editable_action(request, pk)
    return move_step(request, thing=action, kind="action", ref=action_ref, move=action_move)
