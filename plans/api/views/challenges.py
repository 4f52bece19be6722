"""Challenges (read-only in the API)."""

from rest_framework import viewsets

from ...models import Challenge
from ..filters import (
    ChallengeFilterSet,
)
from ..serializers import (
    ChallengeSerializer,
)
from .common import read_only_schema


# --- challenges, readings ---------------------------------------------------------------------
@read_only_schema(
    ChallengeSerializer, list_summary="Oversight challenges and their replies", one_summary="One challenge"
)
class ChallengeViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilterSet
    ordering_fields = ["raised_at", "due_date", "status"]

    def get_queryset(self):
        return (
            Challenge.objects.visible_to(self.request.user)
            .select_related("plan__borough", "raised_by")
            .prefetch_related("replies__author")
        )
