"""Challenges (read-only in the API)."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets

from ...models import Challenge
from ..filters import (
    ChallengeFilterSet,
)
from ..serializers import (
    ChallengeSerializer,
)
from .common import ERRORS


# --- challenges, readings ---------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Oversight challenges and their replies", responses={200: ChallengeSerializer, **ERRORS}
    ),
    retrieve=extend_schema(
        summary="One challenge", responses={200: ChallengeSerializer, 404: None, **ERRORS}
    ),
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
