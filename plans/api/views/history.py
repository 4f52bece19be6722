"""Status updates (read-only; the history of every action)."""

from ...models import StatusUpdate
from ..filters import StatusUpdateFilterSet
from ..serializers import StatusUpdateSerializer
from .common import CSVReadOnlyViewSet, read_only_schema


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


@read_only_schema(
    StatusUpdateSerializer,
    list_summary="Status updates (the history of every action), by date range",
    one_summary="One status update",
    csv=True,
)
class StatusUpdateViewSet(CSVReadOnlyViewSet):
    """The append-only history: read only (no PUT, PATCH, POST or DELETE)."""

    serializer_class = StatusUpdateSerializer
    filterset_class = StatusUpdateFilterSet
    ordering_fields = ["created_at", "version", "id"]
    csv_filename = "status-updates"
    csv_columns = STATUS_UPDATE_CSV

    def get_queryset(self):
        return status_update_queryset(self.request.user)
