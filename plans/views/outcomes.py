"""Outcome pages: importing survey measures (analysts, administrators) and a borough's targets
(set by oversight and administrators, read by every role)."""

import base64
import hashlib
import logging
import secrets
import zlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..forms.outcomes import ConfirmImportForm, MeasuresUploadForm, TargetForm
from ..measures_import import MEASURE_ALIASES, import_measures
from ..models import Borough, Target
from ..outcomes import borough_measures
from ..scope import IMPORT_MEASURES, SET_TARGETS, may, refuse, require, role_required
from ..services.targets import set_target
from ..upload_safety import MAX_ROWS, MAX_UPLOAD_BYTES, UploadRejected, read_upload

security_log = logging.getLogger("trustplan.security")
PENDING_KEY = "measures_import_pending"


def _require_importer(request):
    require(
        request.user,
        IMPORT_MEASURES,
        log_text="survey-measures import page",
        message="Only analysts and administrators can import survey measures.",
    )


@require_http_methods(["GET", "POST"])
def measures_import(request):
    """Upload → dry-run preview (nothing written) → confirm → import, all or nothing."""
    _require_importer(request)
    context = {
        "form": MeasuresUploadForm(),
        "aliases": sorted(MEASURE_ALIASES.items()),
        "max_mb": MAX_UPLOAD_BYTES // 1048576,
        "max_rows": MAX_ROWS,
    }
    if request.method == "GET":
        request.session.pop(PENDING_KEY, None)
        return render(request, "plans/outcomes/measures_import.html", context)
    if "token" in request.POST:
        return _confirm(request, context)
    form = MeasuresUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "plans/outcomes/measures_import.html", context, status=400)
    upload = form.cleaned_data["file"]
    result = import_measures(file=upload, user=request.user, dry_run=True)
    context["result"] = result
    if not result.ok:
        return render(request, "plans/outcomes/measures_import.html", context, status=400)
    token = secrets.token_urlsafe(24)
    data = _upload_bytes(upload)
    request.session[PENDING_KEY] = {
        "token": token,
        "name": result.file_name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": base64.b64encode(zlib.compress(data, 6)).decode("ascii"),
        "summary": result.summary,
    }
    context["confirm_form"] = ConfirmImportForm(initial={"token": token})
    return render(request, "plans/outcomes/measures_import.html", context)


def _upload_bytes(upload):
    try:
        return read_upload(upload).data
    except UploadRejected:  # the dry run already passed the same checks
        return b""


def _confirm(request, context):
    form = ConfirmImportForm(request.POST)
    pending = request.session.get(PENDING_KEY)
    if (
        not form.is_valid()
        or not pending
        or not secrets.compare_digest(form.cleaned_data["token"], pending["token"])
    ):
        context["stale"] = True
        return render(request, "plans/outcomes/measures_import.html", context, status=400)
    data = zlib.decompress(base64.b64decode(pending["data"]))
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        context["stale"] = True
        return render(request, "plans/outcomes/measures_import.html", context, status=400)
    accept = form.cleaned_data["accept_large_moves"]
    upload = ContentFile(data, name=pending["name"])
    result = import_measures(file=upload, user=request.user, dry_run=False, accept_large_moves=accept)
    if not result.ok and result.large_moves and not accept:  # not accepted: the preview stays open
        result.dry_run, result.errors = True, []
        context["result"] = result
        context["confirm_form"] = ConfirmImportForm(initial={"token": pending["token"]})
        context["must_accept"] = True
        return render(request, "plans/outcomes/measures_import.html", context, status=400)
    request.session.pop(PENDING_KEY, None)
    if not result.ok:
        context["result"] = result
        return render(request, "plans/outcomes/measures_import.html", context, status=400)
    security_log.info(
        "survey measures imported: user=%s file=%s %s", request.user, result.file_name, result.summary
    )
    messages.success(request, f"{result.file_name} imported. {result.summary}")
    return redirect("measures-import")


@require_http_methods(["GET", "POST"])
@role_required
def borough_targets(request, slug):
    """A borough's targets: every role reads; oversight and administrators set them."""
    may_set = may(request.user, SET_TARGETS)
    if request.method == "POST" and not may_set:
        refuse(
            request.user, f"set a target for borough {slug}", "Only oversight and administrators set targets."
        )
    borough = get_object_or_404(Borough.objects.visible_to(request.user), slug=slug)
    status = 200
    if request.method == "POST":
        form = TargetForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                target = set_target(
                    borough=borough,
                    user=request.user,
                    measure=data["measure"],
                    target_value=data["target_value"],
                    target_date=data["target_date"],
                    baseline_value=data["baseline_value"],
                    baseline_date=data["baseline_date"],
                    note=data["note"],
                    target_id=data["target_id"],
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    f"Target saved: {target.measure} {target.baseline_value}% → {target.target_value}% "
                    f"by {target.target_date:%d/%m/%Y}.",
                )
                return redirect("borough-targets", slug=borough.slug)
        status = 400
    else:
        form = _initial_form(request, borough)
    targets = (
        Target.objects.visible_to(request.user)
        .filter(borough=borough)
        .select_related("measure", "set_by")
        .order_by("measure__order", "target_date")
    )
    panels = borough_measures(borough, request.user)
    return render(
        request,
        "plans/outcomes/borough_targets.html",
        {
            "borough": borough,
            "form": form if may_set else None,
            "may_set": may_set,
            "targets": targets,
            "london_targets": Target.objects.filter(borough__isnull=True).select_related("measure"),
            "panels": panels,
            "today": timezone.localdate(),  # a target whose date has passed is shown as history
        },
        status=status,
    )


def _initial_form(request, borough):
    """The target form, pre-filled to edit a target (?edit=ID) or with the latest reading."""
    edit = request.GET.get("edit", "")
    if edit.isdigit():
        target = Target.objects.filter(pk=int(edit), borough=borough).first()
        if target is not None:
            return TargetForm(
                initial={
                    "target_id": target.pk,
                    "measure": target.measure_id,
                    "baseline_value": target.baseline_value,
                    "baseline_date": target.baseline_date,
                    "target_value": target.target_value,
                    "target_date": target.target_date,
                    "note": target.note,
                }
            )
    return TargetForm()
