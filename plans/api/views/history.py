"""Status updates (read-only; the history of every action)."""

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from ...models import StatusUpdate
from ..filters import (
    StatusUpdateFilterSet,
)
from ..renderers import CSVRenderer
from ..serializers import (
    StatusUpdateSerializer,
)
from .common import ERRORS, FORMAT_PARAMETER, CSVListMixin


# --- status updates ------------------------------------------------------------------------------
def status_update_queryset(user):
    return StatusUpdate.objects.visible_to(user).select_related("author", "action__objective__plan__borough")


STATUS_UPDATE_CSV = [
    ("id", "id"),
    ("action", "action"),
    ("borough", "borough.name"),
    ("created_at", "created_at"),
    ("author", "author"),
    ("from_status", "from_status"),
    ("to_status", "to_status"),
    ("from_rag", "from_rag"),
    ("to_rag", "to_rag"),
    ("commentary", "commentary"),
    ("version", "version"),
    ("source", "source"),
]


@extend_schema_view(
    list=extend_schema(
        summary="Status updates (the history of every action), by date range",
        parameters=[FORMAT_PARAMETER],
        responses={
            200: StatusUpdateSerializer,
            400: OpenApiResponse(description="A filter value is not valid."),
            **ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary="One status update", responses={200: StatusUpdateSerializer, 404: None, **ERRORS}
    ),
)
class StatusUpdateViewSet(CSVListMixin, viewsets.ReadOnlyModelViewSet):
    """The append-only history: read only (no PUT, PATCH, POST or DELETE)."""

    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = StatusUpdateSerializer
    filterset_class = StatusUpdateFilterSet
    ordering_fields = ["created_at", "version", "id"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    csv_filename = "status-updates"
    csv_columns = STATUS_UPDATE_CSV

    def get_queryset(self):
        return status_update_queryset(self.request.user)
