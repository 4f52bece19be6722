"""What every API viewset shares: CSV lists, the format parameter, error answers, the not-found view."""

import itertools

from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.views import APIView

from ...choices import STATUS_ORDER
from ...filtersets import ActionFilterSet
from ...models import Action
from ..renderers import CSVRenderer, csv_lines

CSV_CHUNK = 1000


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description="csv: every matching row (no pagination) as a spreadsheet-safe CSV attachment.",
)


ERRORS = {
    401: OpenApiResponse(description="Not logged in: send a token (Authorization: Token …) or a session."),
    403: OpenApiResponse(description="Your account has no role."),
}
BAD_FILTER = OpenApiResponse(description="A filter value is not valid.")


def missing_action(user, pk, params=None):
    """The 404 (``NotFound``, to raise) for an action id that is not among ``user``'s actions as
    the read asked for them (``params``: its query; ``as_at`` a day, else now). When the user
    would see it but it was taken out of the plan by then, it says the day (London time) and
    where its status history is still read; otherwise "No such action."."""
    retired = Action.objects.visible_to(user).filter(pk=pk, retired_at__isnull=False)
    found = retired.values_list("retired_at", flat=True).first()
    as_at = ActionFilterSet(params, user=user).as_at_date if params and params.get("as_at") else None
    if found is None or (as_at is not None and as_at < timezone.localdate(found)):
        return NotFound("No such action.")
    history = reverse("api:action-updates", args=[pk])
    return NotFound(
        f"This action was taken out of the plan on {timezone.localtime(found):%d %b %Y}: it is no longer "
        f"read or updated here. Its status history stays at {history}."
    )


def read_only_schema(serializer, *, list_summary, one_summary, csv=False):
    """The OpenAPI description of a read-only viewset: its list and its retrieve (404 when not
    visible). ``csv``: the list takes ``?format=csv`` and answers 400 to a bad filter value."""
    if csv:
        listing = extend_schema(
            summary=list_summary,
            parameters=[FORMAT_PARAMETER],
            responses={200: serializer, 400: BAD_FILTER, **ERRORS},
        )
    else:
        listing = extend_schema(summary=list_summary, responses={200: serializer, **ERRORS})
    return extend_schema_view(
        list=listing,
        retrieve=extend_schema(summary=one_summary, responses={200: serializer, 404: None, **ERRORS}),
    )


class CSVListMixin:
    """``?format=csv`` on a list: every matching row, streamed, formula-safe, as an attachment.

    The view names its columns in ``csv_columns`` ((header, path into the serialized row)) and
    its file in ``csv_filename``. Errors are still answered in JSON."""

    csv_columns = ()
    csv_filename = "export"

    def prepare_rows(self, rows):
        """What a view adds to a chunk of rows (a list) before they are serialized: nothing here."""
        return rows

    def wants_csv(self):
        return getattr(self.request.accepted_renderer, "format", None) == "csv"

    def list(self, request, *args, **kwargs):
        if self.wants_csv():
            return self.csv_response(self.filter_queryset(self.get_queryset()))
        return super().list(request, *args, **kwargs)

    def csv_response(self, queryset):
        def rows():
            objects = queryset.iterator(chunk_size=CSV_CHUNK)
            while chunk := list(itertools.islice(objects, CSV_CHUNK)):
                yield from self.get_serializer(self.prepare_rows(chunk), many=True).data

        stream = itertools.chain(["\ufeff"], csv_lines(self.csv_columns, rows()))
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in stream), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="trustplan-{self.csv_filename}-{stamp}.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response

    def handle_exception(self, exc):
        if hasattr(self.request, "accepted_renderer") and self.wants_csv():
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class CSVReadOnlyViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only viewset by id whose list is also a CSV file (``csv_columns``, ``csv_filename``)."""

    lookup_value_regex = "[0-9]{1,18}"
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]


class NotFoundView(APIView):
    """Every method of an unknown /api/v1/ path: a JSON 404 (after authentication)."""

    schema = None

    def dispatch_unknown(self, request, *args, **kwargs):
        raise NotFound("No such endpoint: see /api/docs/ for the list.")

    get = post = put = patch = delete = dispatch_unknown


# --- boroughs, plans, objectives ---------------------------------------------------------------
def status_counts(prefix):
    """Count aggregates of the current status of the actions reached by ``prefix``."""
    today = timezone.localdate()
    done = Q(**{f"{prefix}completed": True})
    counts = {
        f"n_{state.value}": Count(f"{prefix}pk", filter=Q(**{f"{prefix}rag": state.value}) & ~done)
        for state in STATUS_ORDER
        if state.value != "complete"
    }
    counts["n_complete"] = Count(f"{prefix}pk", filter=done)
    counts["n_total"] = Count(f"{prefix}pk")
    counts["n_overdue"] = Count(f"{prefix}pk", filter=Q(**{f"{prefix}due_date__lt": today}) & ~done)
    return counts
