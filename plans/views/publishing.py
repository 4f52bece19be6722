"""Publishing pages: board packs (PDF), the plan as Word, public notes, publish and unpublish.

Reading a pack or the Word plan needs the same role as the dashboards (``plans.scope.role_required``);
other boroughs' plans are read like their dashboards. The writes go through
``plans.publishing.services`` (permission, validation, one transaction, history).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..choices import ReturnStatus
from ..models import Borough, Plan, QuarterlyReturn
from ..publishing import packs, worddoc
from ..publishing.forms import PublishForm
from ..publishing.public import actions_of_return, group_lines, preview_quarter
from ..publishing.services import (
    live_publication,
    may_publish,
    may_write_notes,
    publish_return,
    save_public_notes,
    unpublish_return,
)
from ..quarters import Quarter
from ..scope import role_required


def _attachment(body, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _borough_plan(request, slug):
    borough = get_object_or_404(Borough.objects.visible_to(request.user).select_related("bcu"), slug=slug)
    plan = get_object_or_404(Plan.objects.visible_to(request.user), borough=borough)
    return borough, plan


@require_safe
@role_required
def borough_pack(request, slug):
    """/boroughs/<slug>/board-pack.pdf: the borough's board pack."""
    borough, plan = _borough_plan(request, slug)
    context = packs.borough_pack_context(borough=borough, plan=plan, user=request.user)
    pdf = packs.render_pdf("publishing/pack_borough.html", context, request=request)
    day = context["made_on"]
    return _attachment(pdf, packs.PDF_CONTENT_TYPE, f"{borough.slug}-board-pack-{day:%Y-%m-%d}.pdf")


@require_safe
@role_required
def oversight_pack(request):
    """/oversight/board-pack.pdf: London's oversight board pack."""
    context = packs.oversight_pack_context(user=request.user)
    pdf = packs.render_pdf("publishing/pack_oversight.html", context, request=request)
    return _attachment(pdf, packs.PDF_CONTENT_TYPE, f"london-board-pack-{context['made_on']:%Y-%m-%d}.pdf")


@require_safe
@role_required
def plan_docx(request, slug):
    """/boroughs/<slug>/plan.docx: the plan in the borough's Word layout."""
    _, plan = _borough_plan(request, slug)
    return _attachment(worddoc.plan_docx_bytes(plan), worddoc.DOCX_CONTENT_TYPE, worddoc.docx_filename(plan))


def _get_return(request, pk):
    return get_object_or_404(
        QuarterlyReturn.objects.visible_to(request.user).select_related("plan__borough"),
        pk=pk,
        plan__borough__isnull=False,
    )


@require_http_methods(["GET", "POST"])
def public_notes(request, pk):
    """The editors' public progress notes of a return, one per action (form field note-<id>)."""
    ret = _get_return(request, pk)
    if not may_write_notes(request.user, ret):
        raise PermissionDenied(f"Only editors of {ret.plan.borough} can write its public notes.")
    rows = actions_of_return(ret)
    notes = dict(ret.public_notes.values_list("action_id", "text"))
    errors = []
    if request.method == "POST":
        posted = {action.pk: request.POST.get(f"note-{action.pk}", "") for _, action in rows}
        try:
            changed = save_public_notes(ret=ret, user=request.user, notes=posted)
        except ValidationError as exc:
            errors = exc.messages
            notes = posted
        else:
            messages.success(request, f"{changed} public note{'s' if changed != 1 else ''} saved.")
            return redirect("return-public-notes", pk=ret.pk)
    context = {
        "ret": ret,
        "rows": [(line, action, notes.get(action.pk, "")) for line, action in rows],
        "errors": errors,
        "published": live_publication(ret) is not None,
    }
    return render(request, "publishing/public_notes.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def publish(request, pk):
    """The commander's preview of exactly what the public will see, and the publish button."""
    ret = _get_return(request, pk)
    if not may_publish(request.user, ret):
        raise PermissionDenied(f"Only the borough commander of {ret.plan.borough} can publish its return.")
    form = PublishForm(request.POST or None, initial={"version": ret.version})
    if request.method == "POST" and form.is_valid():
        try:
            publish_return(
                ret=ret,
                user=request.user,
                seen_version=form.cleaned_data["version"],
                confirmed=form.cleaned_data["confirm"],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, f"The {ret.label} return is published on the public page.")
            return redirect("return-publish", pk=ret.pk)
    live = live_publication(ret)
    quarter = Quarter(ret.fy_start_year, ret.quarter)
    context = {
        "ret": ret,
        "form": form,
        "live": live,
        "shown": group_lines(quarter, list(live.lines.all()), live) if live else None,
        "preview": preview_quarter(ret) if not live and ret.status == ReturnStatus.SIGNED_OFF else None,
        "history": ret.publications.select_related("published_by", "withdrawn_by"),
    }
    return render(request, "publishing/publish.html", context, status=400 if form.errors else 200)


@require_POST
def unpublish(request, pk):
    """Withdraw the return from the public page."""
    ret = _get_return(request, pk)
    try:
        unpublish_return(ret=ret, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The {ret.label} return is no longer on the public page.")
    return redirect("return-publish", pk=ret.pk)
