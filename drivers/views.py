"""The key-driver analysis page: which drivers matter most for confidence, and how sure we are.

Every role with read access sees the analysis the dashboards' driver weights come from: the
latest kept respondent file of real respondents, or else the shipped SYNTHETIC sample, labelled.
Analysts and administrators may upload a respondent-level CSV: it is analysed and kept
(``drivers.kept``). The kept files (who, when, SHA-256, rows) and their analyses are seen by
analysts, oversight and administrators only. Reading and uploading ask the project's one rule,
``settings.PERMISSION_POLICY`` (plans.scope.may; this app imports nothing of the plans app):
reading needs the step "read", uploading the step "import_measures" (analysts and
administrators); the kept files need the role groups' model permission
``drivers.view_respondentfile`` (analysts, oversight, administrators).
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods

from .analysis import (
    MAX_RESPONDENTS,
    MAX_UPLOAD_BYTES,
    MIN_BOROUGH_N,
    MIN_EVENTS_PER_PARAMETER,
    SIMULATIONS,
    AnalysisError,
    expected_columns,
)
from .kept import analysis_of, current_analysis, file_bytes, keep_respondent_file
from .models import Driver, RespondentFile
from .respondents import QUESTION_TEXT, TRUE_WEIGHTS

security_log = logging.getLogger("trustplan.security")
READ = "read"
UPLOAD = "import_measures"


def may(user, action):
    """The project's permission rule (``settings.PERMISSION_POLICY``) for ``action``."""
    return import_string(settings.PERMISSION_POLICY)(user, action)


FILES_PERMISSION = "drivers.view_respondentfile"


class RespondentUploadForm(forms.Form):
    file = forms.FileField(
        label="Respondent-level survey file (.csv)",
        help_text=(
            f"One row per respondent; at most {MAX_UPLOAD_BYTES // 1048576} MB and {MAX_RESPONDENTS:,} rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )


def bar_chart(fit, names, *, width=640):
    """Geometry of a ranked horizontal bar chart of importance shares with 95% intervals."""
    row_h, label_w, pad_right, top = 30, 230, 60, 24
    scale_max = max([0.1, *(item.share_high for item in fit.items)])
    scale_max = -(-scale_max * 10 // 1) / 10  # round up to the next 10%
    inner = width - label_w - pad_right

    def x(share):
        return round(label_w + inner * share / scale_max, 1)

    bars = []
    for i, item in enumerate(fit.items):
        y = top + i * row_h
        bars.append(
            {
                "item": item,
                "name": names.get(item.slug, item.slug),
                "y": y,
                "text_y": y + 15,
                "bar_w": round(x(item.share) - label_w, 1),
                "ci_low": x(item.share_low),
                "ci_high": x(item.share_high),
                "ci_y": y + 10,
                "value_x": x(item.share_high) + 6,
                "percent": round(item.share * 100, 1),
            }
        )
    ticks = [{"x": x(v / 100), "label": f"{v}%"} for v in range(0, int(scale_max * 100) + 1, 10)]
    height = top + len(bars) * row_h + 4
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "label_w": label_w,
        "axis_y": height - 2,
        "bar_h": 20,
    }


@require_http_methods(["GET", "POST"])
def key_drivers(request):
    """The analysis in use (GET); an analyst's upload is analysed and kept (POST)."""
    user = request.user
    if not may(user, READ):
        raise PermissionDenied("Your account has no role yet. Ask an administrator to assign one.")
    may_upload = may(user, UPLOAD)
    form = RespondentUploadForm() if may_upload else None
    error = None
    if request.method == "POST":
        if not may_upload:
            security_log.warning("permission denied: user=%s key-driver upload", user)
            raise PermissionDenied("Only analysts and administrators can analyse an uploaded file.")
        form = RespondentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_UPLOAD_BYTES:
                    raise AnalysisError(f"The file is larger than {MAX_UPLOAD_BYTES // 1048576} MB.")
                kept = keep_respondent_file(data=upload.read(), name=upload.name, user=user)
            except AnalysisError as exc:
                error = str(exc)
            else:
                security_log.info(
                    "respondent file kept: user=%s file=%s sha256=%s", user, kept.file_name, kept.sha256
                )
                messages.success(request, _kept_message(kept))
                return redirect("key-drivers")
    analysis, kept = current_analysis()
    context = {"form": form, "may_upload": may_upload, "error": error, "kept": kept, "in_use": True}
    return _render(request, analysis, context, status=400 if request.method == "POST" else 200)


def _kept_message(kept):
    if kept.is_synthetic:
        return (
            f"{kept.file_name} was analysed and kept. Its rows say data_label = synthetic, so the "
            "dashboards keep their current weights."
        )
    return f"{kept.file_name} was analysed and kept: the dashboards' driver weights now come from it."


def _require_files_permission(request):
    if not request.user.has_perm(FILES_PERMISSION):
        security_log.warning("permission denied: user=%s kept respondent files", request.user)
        raise PermissionDenied("Only analysts, oversight and administrators see kept respondent files.")


@require_http_methods(["GET"])
def respondent_files(request):
    """Every kept respondent file: who uploaded it, when, its SHA-256, rows, and which is in use."""
    _require_files_permission(request)
    files = list(RespondentFile.objects.defer("data", "results").select_related("uploaded_by"))
    in_use = next((f.pk for f in files if not f.is_synthetic), None)
    return render(request, "plans/outcomes/respondent_files.html", {"files": files, "in_use": in_use})


@require_http_methods(["GET"])
def respondent_file(request, pk):
    """One kept file's analysis, shown as the key-driver page shows the analysis in use."""
    _require_files_permission(request)
    kept = get_object_or_404(RespondentFile.objects.defer("data").select_related("uploaded_by"), pk=pk)
    latest = RespondentFile.objects.filter(is_synthetic=False).values_list("pk", flat=True).first()
    context = {"form": None, "may_upload": False, "error": None, "kept": kept, "in_use": latest == kept.pk}
    return _render(request, analysis_of(kept), context)


@require_http_methods(["GET"])
def respondent_file_download(request, pk):
    """The kept file as it was uploaded (CSV attachment)."""
    _require_files_permission(request)
    kept = get_object_or_404(RespondentFile, pk=pk)
    security_log.info(
        "respondent file downloaded: user=%s file=%s id=%s", request.user, kept.file_name, kept.pk
    )
    response = HttpResponse(file_bytes(kept), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="respondents-{kept.pk}-{kept.sha256[:12]}.csv"'
    return response


def _render(request, analysis, context, status=200):
    names = dict(Driver.objects.filter(slug__in=analysis.drivers).values_list("slug", "name"))
    chosen = request.GET.get("borough", "")
    borough_fit = analysis.borough(chosen) if chosen else None
    total = sum(TRUE_WEIGHTS.values())

    def rows(fit, limit=None):
        return [
            {
                "item": item,
                "name": names.get(item.slug, item.slug),
                "question": QUESTION_TEXT.get(item.slug, ""),
                "true_share": round(TRUE_WEIGHTS[item.slug] / total * 100, 1)
                if item.slug in TRUE_WEIGHTS
                else None,
            }
            for item in fit.items[:limit]
        ]

    return render(
        request,
        "plans/outcomes/key_drivers.html",
        {
            **context,
            "analysis": analysis,
            "may_see_files": request.user.has_perm(FILES_PERMISSION),
            "chart": bar_chart(analysis.overall, names),
            "borough_fit": borough_fit,
            "borough_chart": bar_chart(borough_fit, names) if borough_fit else None,
            "chosen": chosen,
            "overall_rows": rows(analysis.overall),
            "borough_rows": [(fit, rows(fit, 3)) for fit in analysis.boroughs],
            "expected_columns": expected_columns(),
            "min_borough_n": MIN_BOROUGH_N,
            "min_epp": MIN_EVENTS_PER_PARAMETER,
            "simulations": SIMULATIONS,
        },
        status=status,
    )
