"""Plan import: upload → dry-run preview → confirm → import, for the borough's editors.

The uploaded bytes are never kept on local disk: between preview and confirm they wait in the
shared cache (the database by default) for at most ``PREVIEW_SECONDS``, under a key bound to the
user, the borough and the file's SHA-256; the confirm form carries only a signed token.
"""

import hashlib
import io
import logging

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from ..exports import XLSX_CONTENT_TYPE
from ..forms.imports import ConfirmImportForm, PlanUploadForm
from ..imports import MAX_BYTES, build_template, import_plan
from ..models import Borough, Plan
from ..scope import scope_for
from ..services import StaleVersion

security_log = logging.getLogger("trustplan.security")
PREVIEW_SECONDS = 15 * 60
PREVIEW_NAMESPACE = "plans.import.preview"


def _cache_key(user, borough, sha256):
    return f"plan-import:{user.pk}:{borough.pk}:{sha256}"


def _borough_for_import(request, slug):
    scope = scope_for(request.user)
    if not scope.read_all:
        raise PermissionDenied("Your account has no role yet.")
    borough = get_object_or_404(Borough.objects.visible_to(request.user), slug=slug)
    if not scope.can_edit_borough(borough.pk):
        security_log.warning(
            "permission denied: user=%s tried to open the plan import of borough=%s",
            request.user,
            borough.slug,
        )
        raise PermissionDenied(f"Only {borough}'s editors and administrators can import its plan.")
    return borough


def _page(request, borough, *, form=None, report=None, confirm=None, status=200):
    plan = Plan.objects.filter(borough=borough).first()
    return render(
        request,
        "plans/import.html",
        {
            "borough": borough,
            "plan": plan,
            "form": form or PlanUploadForm(),
            "report": report,
            "confirm_form": confirm,
            "max_mb": MAX_BYTES // (1024 * 1024),
            "preview_minutes": PREVIEW_SECONDS // 60,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def borough_import(request, slug):
    borough = _borough_for_import(request, slug)
    if request.method == "GET":
        return _page(request, borough)
    if "token" in request.POST:
        return _confirm(request, borough)
    form = PlanUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, borough, form=form, status=400)
    upload = form.cleaned_data["workbook"]
    clear_blanks = form.cleaned_data["clear_blanks"]
    data = upload.read(MAX_BYTES + 1)
    report = import_plan(
        borough=borough,
        workbook_file=data,
        user=request.user,
        dry_run=True,
        filename=upload.name,
        clear_blanks=clear_blanks,
    )
    if not report.ok:
        return _page(request, borough, form=form, report=report, status=400)
    cache.set(_cache_key(request.user, borough, report.sha256), (upload.name, data), PREVIEW_SECONDS)
    token = signing.dumps(
        {
            "user": request.user.pk,
            "borough": borough.pk,
            "sha256": report.sha256,
            "name": upload.name,
            "clear_blanks": clear_blanks,
        },
        salt=PREVIEW_NAMESPACE,
    )
    return _page(request, borough, report=report, confirm=ConfirmImportForm(initial={"token": token}))


def _confirm(request, borough):
    form = ConfirmImportForm(request.POST)
    expired = "The preview has expired or is not yours: upload the file again."
    if not form.is_valid():
        return _page(request, borough, form=PlanUploadForm(), status=400)
    try:
        claim = signing.loads(form.cleaned_data["token"], salt=PREVIEW_NAMESPACE, max_age=PREVIEW_SECONDS)
    except signing.BadSignature:
        messages.error(request, expired)
        return _page(request, borough, status=400)
    if claim.get("user") != request.user.pk or claim.get("borough") != borough.pk:
        security_log.warning("plan import token refused: user=%s borough=%s", request.user, borough.slug)
        messages.error(request, expired)
        return _page(request, borough, status=400)
    key = _cache_key(request.user, borough, claim["sha256"])
    cached = cache.get(key)
    if not cached or hashlib.sha256(cached[1]).hexdigest() != claim["sha256"]:
        messages.error(request, expired)
        return _page(request, borough, status=400)
    name, data = cached
    try:
        report = import_plan(
            borough=borough,
            workbook_file=data,
            user=request.user,
            dry_run=False,
            filename=name,
            clear_blanks=bool(claim.get("clear_blanks")),
        )
    except StaleVersion as exc:
        messages.error(
            request,
            f"Someone updated “{exc.action}” while the import ran, so nothing was imported. "
            "Upload the workbook again to see a fresh preview.",
        )
        return _page(request, borough, status=409)
    finally:
        cache.delete(key)
    if not report.ok:
        # the plan changed since the preview in a way that makes the workbook invalid
        return _page(request, borough, report=report, status=400)
    messages.success(request, f"{name} was imported into {borough}'s plan. {report.summary()}")
    return redirect("borough-import", slug=borough.slug)


@require_safe
def import_template(request):
    if not scope_for(request.user).read_all:
        raise PermissionDenied("Your account has no role yet.")
    buffer = io.BytesIO()
    build_template(buffer)
    buffer.seek(0)
    response = FileResponse(
        buffer,
        as_attachment=True,
        filename="trustplan-plan-import-template.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
