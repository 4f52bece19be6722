"""Boroughs, plans and objectives (read-only)."""

from django.db.models import Count, Max
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets

from ...models import Borough, Objective, Plan
from ..filters import (
    BoroughFilterSet,
    ObjectiveFilterSet,
    PlanFilterSet,
)
from ..serializers import (
    BoroughSerializer,
    ObjectiveSerializer,
    PlanSerializer,
)
from .common import ERRORS, status_counts


@extend_schema_view(
    list=extend_schema(
        summary="Boroughs with their BCU and current RAG summary",
        responses={200: BoroughSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="One borough", responses={200: BoroughSerializer, 404: None, **ERRORS}),
)
class BoroughViewSet(viewsets.ReadOnlyModelViewSet):
    """Boroughs, each with its BCU and the current status counts of its plan's actions
    (computed in the same query as the page)."""

    serializer_class = BoroughSerializer
    lookup_field = "slug"
    filterset_class = BoroughFilterSet
    ordering_fields = ["name", "slug", "ons_code"]

    def get_queryset(self):
        return (
            Borough.objects.visible_to(self.request.user)
            .select_related("bcu")
            .annotate(plan_id=Max("plans__id"), **status_counts("plans__objectives__actions__"))
        )


@extend_schema_view(
    list=extend_schema(summary="Plans", responses={200: PlanSerializer, **ERRORS}),
    retrieve=extend_schema(summary="One plan", responses={200: PlanSerializer, 404: None, **ERRORS}),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Borough plans and the force-wide plan."""

    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet
    ordering_fields = ["title", "slug", "period_start", "period_end"]

    def get_queryset(self):
        return (
            Plan.objects.visible_to(self.request.user)
            .select_related("borough")
            .annotate(action_count=Count("objectives__actions"))
        )


@extend_schema_view(
    list=extend_schema(summary="Objectives", responses={200: ObjectiveSerializer, **ERRORS}),
    retrieve=extend_schema(
        summary="One objective", responses={200: ObjectiveSerializer, 404: None, **ERRORS}
    ),
)
class ObjectiveViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilterSet
    ordering_fields = ["number", "title"]

    def get_queryset(self):
        return Objective.objects.visible_to(self.request.user).select_related(
            "plan__borough", "pillar", "theme"
        )
