"""Read-only viewsets of the reference knowledge. Nothing here is borough data, so there is
no scoping; the project's default permission classes still require a logged-in user with a
role (REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"])."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from ..models import Driver, Framework, Measure
from .serializers import DriverSerializer, FrameworkSerializer, MeasureSerializer


class DriverFilterSet(django_filters.FilterSet):
    framework = django_filters.CharFilter(field_name="framework__slug", label="Framework (slug)")

    class Meta:
        model = Driver
        fields = []


class MeasureFilterSet(django_filters.FilterSet):
    driver = django_filters.CharFilter(field_name="drivers__slug", label="Driver (slug)", distinct=True)
    is_outcome = django_filters.BooleanFilter(label="An outcome measure (confidence, trust)")
    unit = django_filters.CharFilter(label="Unit")

    class Meta:
        model = Measure
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Frameworks of what drives confidence, with their drivers"),
    retrieve=extend_schema(summary="One framework"),
)
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FrameworkSerializer
    lookup_field = "slug"
    ordering_fields = ["name", "slug"]

    def get_queryset(self):
        return Framework.objects.prefetch_related("drivers")


@extend_schema_view(
    list=extend_schema(summary="Drivers of confidence, with their guiding questions"),
    retrieve=extend_schema(summary="One driver"),
)
class DriverViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DriverSerializer
    lookup_field = "slug"
    filterset_class = DriverFilterSet
    ordering_fields = ["name", "slug"]

    def get_queryset(self):
        return Driver.objects.select_related("framework").prefetch_related("measures")


@extend_schema_view(
    list=extend_schema(summary="Measures (survey questions) and the drivers they reflect"),
    retrieve=extend_schema(summary="One measure"),
)
class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MeasureSerializer
    lookup_field = "slug"
    filterset_class = MeasureFilterSet
    ordering_fields = ["name", "slug"]

    def get_queryset(self):
        return Measure.objects.prefetch_related("drivers")
