"""Excel and CSV exports of the actions a user may read, filtered like the dashboards."""

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
from ..filtersets import ActionFilterSet
from ..scope import role_required


def _context(request):
    """The export context, or a 400 response listing what is wrong with each filter."""
    filterset = ActionFilterSet(request.GET, user=request.user)
    if not filterset.is_valid():
        lines = [
            f"{filterset.filters[name].label if name in filterset.filters else name}: {' '.join(messages)}"
            for name, messages in filterset.errors.items()
        ]
        body = "The export filters are not valid:\n" + "\n".join(lines) + "\n"
        return None, HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
    return ExportContext(filterset=filterset, user=request.user, by=user_label(request.user)), None


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
