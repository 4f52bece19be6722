"""The key-driver analysis page: which drivers matter most for confidence, and how sure we are.

Every role with read access sees the analysis of the shipped SYNTHETIC sample; analysts and
administrators may upload a respondent-level CSV, which is analysed in the request and not kept.
Permissions come from the project's one rule, ``settings.PERMISSION_POLICY`` (plans.scope.may;
this app imports nothing of the plans app): reading needs the step "read", uploading the step
"import_measures" (analysts and administrators).
"""

import logging

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods

from .analysis import (
    MAX_RESPONDENTS,
    MAX_UPLOAD_BYTES,
    MIN_BOROUGH_N,
    MIN_EVENTS_PER_PARAMETER,
    SIMULATIONS,
    AnalysisError,
    analyse,
    expected_columns,
    read_respondents_csv,
    shipped_analysis,
)
from .models import Driver
from .respondents import QUESTION_TEXT, TRUE_WEIGHTS

security_log = logging.getLogger("trustplan.security")
READ = "read"
UPLOAD = "import_measures"


def may(user, action):
    """The project's permission rule (``settings.PERMISSION_POLICY``) for ``action``."""
    return import_string(settings.PERMISSION_POLICY)(user, action)


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
    user = request.user
    if not may(user, READ):
        raise PermissionDenied("Your account has no role yet. Ask an administrator to assign one.")
    may_upload = may(user, UPLOAD)
    form = RespondentUploadForm() if may_upload else None
    status = 200
    analysis, error = None, None
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
                frame, dropped, drivers = read_respondents_csv(upload.read(), name=upload.name)
                analysis = analyse(
                    frame, drivers=drivers, dropped=dropped, label=f"Uploaded file {upload.name}"
                )
            except AnalysisError as exc:
                error = str(exc)
        if analysis is None:
            status = 400
    if analysis is None:
        analysis = shipped_analysis()
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
            "analysis": analysis,
            "chart": bar_chart(analysis.overall, names),
            "borough_fit": borough_fit,
            "borough_chart": bar_chart(borough_fit, names) if borough_fit else None,
            "chosen": chosen,
            "overall_rows": rows(analysis.overall),
            "borough_rows": [(fit, rows(fit, 3)) for fit in analysis.boroughs],
            "form": form,
            "may_upload": may_upload,
            "error": error,
            "expected_columns": expected_columns(),
            "min_borough_n": MIN_BOROUGH_N,
            "min_epp": MIN_EVENTS_PER_PARAMETER,
            "simulations": SIMULATIONS,
        },
        status=status,
    )
