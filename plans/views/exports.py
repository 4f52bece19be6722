"""Excel and CSV exports of the actions a user may read, scoped and filtered like the page whose
Excel and CSV buttons link here (``plans.exports.scope.page_export_query``)."""

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from ..exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    ExportContext,
    export_filename,
    export_xlsx_file,
    iter_csv,
    log_export,
    user_label,
)
from ..exports.scope import PLAN_SCOPES, scope_errors, scoped_actions
from ..filtersets import ActionFilterSet
from ..scope import role_required


def _context(request):
    """The export context, or a 400 response listing what is wrong with each filter.

    The page's scope (``scope=boroughs|force``, ``mine=1``: see ``plans.exports.scope``) narrows
    the actions before the filters apply, as the page that links here does."""
    plans = request.GET.get("scope", "")
    plans = plans if plans in PLAN_SCOPES else ""  # a bad value is refused below
    mine = request.GET.get("mine") == "1"
    queryset = scoped_actions(request.user, plans=plans, mine=mine)
    filterset = ActionFilterSet(request.GET, queryset=queryset, user=request.user)
    problems = scope_errors(request.GET)
    if problems or not filterset.is_valid():
        problems += [
            (filterset.filters[name].label if name in filterset.filters else name, " ".join(messages))
            for name, messages in filterset.errors.items()
        ]
        body = "The export filters are not valid:\n" + "\n".join(f"{a}: {b}" for a, b in problems) + "\n"
        return None, HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
    ctx = ExportContext(
        filterset=filterset,
        user=request.user,
        by=user_label(request.user),
        plans=plans,
        mine=mine,
    )
    return ctx, None


def _attachment_headers(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@require_safe
@role_required
def export_actions_xlsx(request):
    ctx, error = _context(request)
    if error:
        return error
    handle = export_xlsx_file(ctx)
    log_export(ctx, "xlsx")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=export_filename(ctx, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
    return _attachment_headers(response)


@require_safe
@role_required
def export_actions_csv(request):
    ctx, error = _context(request)
    if error:
        return error
    response = StreamingHttpResponse(iter_csv(ctx), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(ctx, "csv")}"'
    return _attachment_headers(response)
