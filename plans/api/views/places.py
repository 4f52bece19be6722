"""Boroughs, plans and objectives (read-only)."""

from django.db.models import Count, Max
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
from .common import read_only_schema, status_counts


@read_only_schema(
    BoroughSerializer,
    list_summary="Boroughs with their BCU and current RAG summary",
    one_summary="One borough",
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


@read_only_schema(PlanSerializer, list_summary="Plans", one_summary="One plan")
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


@read_only_schema(ObjectiveSerializer, list_summary="Objectives", one_summary="One objective")
class ObjectiveViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilterSet
    ordering_fields = ["number", "title"]

    def get_queryset(self):
        return Objective.objects.visible_to(self.request.user).select_related(
            "plan__borough", "pillar", "theme"
        )
