"""Survey readings (read-only)."""

from ...models import MeasureReading
from ..filters import ReadingFilterSet
from ..serializers import MeasureReadingSerializer
from .common import CSVReadOnlyViewSet, read_only_schema


@read_only_schema(
    MeasureReadingSerializer,
    list_summary="Survey readings of the measures, per borough (or London) per quarter",
    one_summary="One reading",
    csv=True,
)
class MeasureReadingViewSet(CSVReadOnlyViewSet):
    """Survey readings: one value of one measure for one borough (or London) at the end of a
    quarter, as imported; read only (no PUT, PATCH, POST or DELETE)."""

    serializer_class = MeasureReadingSerializer
    filterset_class = ReadingFilterSet
    ordering_fields = ["period_end", "value"]
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
