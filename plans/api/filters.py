"""Filter backends and FilterSets of the API. Actions use the one ``ActionFilterSet`` of the
pages and exports; the other resources have small FilterSets here, their choices scoped."""

import datetime as dt
import re

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from ..choices import RAG, ChallengeStatus, UpdateSource
from ..filtersets import SlugMultipleFilter
from ..models import Borough, Challenge, MeasureReading, Objective, Plan, StatusUpdate
from ..querysets import end_of_day


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` as usual, but ``pk`` is always the last key, so pagination is stable."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            ordering = queryset.query.order_by or queryset.model._meta.ordering or []
        ordering = list(ordering)
        if not any(str(key).lstrip("-") in ("pk", "id") for key in ordering):
            ordering.append("pk")
        return ordering


MAX_ID = 2**63 - 1
WHOLE_NUMBER = re.compile(r"^[+-]?\d+(\.0*)?$")


class FilterBackend(DjangoFilterBackend):
    """The API's django-filter backend (the project default).

    It refuses whole numbers too large for a database id with a 400 (they would otherwise
    overflow in the query), and leaves the FilterSet on the view, so the action serializer
    can tell the reference time of ``as_at`` (stale and overdue are computed for it)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            errors = {
                name: ["Too large: not an id of this API."]
                for name in filterset.filters
                for value in request.query_params.getlist(name)
                if WHOLE_NUMBER.match(value.strip()) and abs(int(float(value.strip()))) > MAX_ID
            }
            if errors:
                raise ValidationError(errors)
        view.filterset = filterset
        return filterset


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number within the database's range (else 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def visible_boroughs(request):
    return Borough.objects.visible_to(getattr(request, "user", None))


class DateOrDateTimeField(forms.Field):
    """A date (``2024-04-01``) or an ISO 8601 date-time (``2024-04-01T09:30:00Z``)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip()
        try:
            day = parse_date(text)
            if day is not None:
                return day
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise forms.ValidationError("Enter a date (YYYY-MM-DD) or an ISO 8601 date-time.")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


@extend_schema_field(OpenApiTypes.STR)  # a date or a date-time: documented as a string
class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField


def start_of_day(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class StatusUpdateFilterSet(django_filters.FilterSet):
    """Status updates by action, borough, RAG, source and date range.

    ``created_after`` is inclusive (a date means from the start of that day);
    ``created_before`` is exclusive for a date-time and inclusive for a date (to its end)."""

    action = IdFilter(field_name="action_id", label="Action id")
    borough = SlugMultipleFilter(
        field_name="action__objective__plan__borough__slug",
        queryset=visible_boroughs,
        label="Borough (slug)",
    )
    to_rag = django_filters.MultipleChoiceFilter(choices=RAG.choices, label="RAG after the update")
    source = django_filters.MultipleChoiceFilter(choices=UpdateSource.choices, label="Source")
    created_after = DateOrDateTimeFilter(method="filter_after", label="Created on or after")
    created_before = DateOrDateTimeFilter(
        method="filter_before", label="Created before (a date: up to its end)"
    )

    class Meta:
        model = StatusUpdate
        fields = []

    def filter_after(self, queryset, name, value):
        if isinstance(value, dt.datetime):
            return queryset.filter(created_at__gte=value)
        return queryset.filter(created_at__gte=start_of_day(value))

    def filter_before(self, queryset, name, value):
        if isinstance(value, dt.datetime):
            return queryset.filter(created_at__lt=value)
        return queryset.filter(created_at__lt=end_of_day(value))


class BoroughFilterSet(django_filters.FilterSet):
    bcu = django_filters.CharFilter(field_name="bcu__slug", label="BCU (slug)")
    is_synthetic = django_filters.BooleanFilter(label="Synthetic demonstration data")

    class Meta:
        model = Borough
        fields = []


class PlanFilterSet(django_filters.FilterSet):
    borough = SlugMultipleFilter(
        field_name="borough__slug", queryset=visible_boroughs, label="Borough (slug)"
    )
    is_force = django_filters.BooleanFilter(
        field_name="borough", lookup_expr="isnull", label="The force-wide plan"
    )

    class Meta:
        model = Plan
        fields = []


class ObjectiveFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label="Plan id")
    borough = SlugMultipleFilter(field_name="plan__borough__slug", queryset=visible_boroughs, label="Borough")
    pillar = django_filters.CharFilter(field_name="pillar__slug", label="Pillar (slug)")

    class Meta:
        model = Objective
        fields = []


class ChallengeFilterSet(django_filters.FilterSet):
    borough = SlugMultipleFilter(field_name="plan__borough__slug", queryset=visible_boroughs, label="Borough")
    plan = IdFilter(field_name="plan_id", label="Plan id")
    action = IdFilter(field_name="action_id", label="Action id")
    status = django_filters.MultipleChoiceFilter(choices=ChallengeStatus.choices, label="Status")

    class Meta:
        model = Challenge
        fields = []


class ReadingFilterSet(django_filters.FilterSet):
    """Readings by measure, borough (``london`` for the London figure) and period."""

    measure = django_filters.CharFilter(field_name="measure__slug", label="Measure (slug)")
    borough = django_filters.CharFilter(method="filter_borough", label='Borough (slug), or "london"')
    period_after = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label="Period ends on or after"
    )
    period_before = django_filters.DateFilter(
        field_name="period_end", lookup_expr="lte", label="Period ends on or before"
    )

    class Meta:
        model = MeasureReading
        fields = []

    def filter_borough(self, queryset, name, value):
        if value.strip().lower() == "london":
            return queryset.filter(borough__isnull=True)
        return queryset.filter(borough__slug=value)
