"""Survey readings (read-only)."""

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from ...models import MeasureReading
from ..filters import (
    ReadingFilterSet,
)
from ..renderers import CSVRenderer
from ..serializers import (
    MeasureReadingSerializer,
)
from .common import ERRORS, FORMAT_PARAMETER, CSVListMixin


@extend_schema_view(
    list=extend_schema(
        summary="Survey readings of the measures, per borough (or London) per quarter",
        parameters=[FORMAT_PARAMETER],
        responses={
            200: MeasureReadingSerializer,
            400: OpenApiResponse(description="A filter value is not valid."),
            **ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary="One reading", responses={200: MeasureReadingSerializer, 404: None, **ERRORS}
    ),
)
class MeasureReadingViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = MeasureReadingSerializer
    filterset_class = ReadingFilterSet
    ordering_fields = ["period_end", "value"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    csv_filename = "readings"
    csv_columns = [
        ("id", "id"),
        ("measure", "measure"),
        ("measure_name", "measure_name"),
        ("borough", "borough.name"),
        ("period_end", "period_end"),
        ("value", "value"),
        ("source", "source"),
    ]

    def get_queryset(self):
        return MeasureReading.objects.visible_to(self.request.user).select_related("measure", "borough")
