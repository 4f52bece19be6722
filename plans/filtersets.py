"""The one FilterSet of actions, used by the dashboards, the exports and the API alike.

Filters: borough, bcu, pillar, objective, driver, owner, rag, stale, overdue, as_at. Every
choice list is scoped to what the user may read. ``as_at`` rebuilds each action's status from
the history as it stood at the end of that day; rag, stale and overdue then apply to that
status.
"""

import datetime as dt

import django_filters
import django_filters.fields
from django import forms
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from drivers.models import Driver

from .choices import Status
from .models import BCU, Action, Borough, Objective, Owner, Pillar
from .querysets import end_of_day

EARLIEST_AS_AT = dt.date(2000, 1, 1)
YES_NO = [("true", "Yes"), ("false", "No")]


def to_bool(value):
    return {"true": True, "false": False}.get(str(value).lower())


class ActionFilterForm(forms.Form):
    def clean_as_at(self):
        as_at = self.cleaned_data.get("as_at")
        if as_at and not (EARLIEST_AS_AT <= as_at <= timezone.localdate()):
            raise forms.ValidationError(f"Choose a date between {EARLIEST_AS_AT} and today.")
        return as_at


class ChosenRowsField(django_filters.fields.ModelMultipleChoiceField):
    """The field of a filter by rows (boroughs, objectives, owners …): nothing chosen cleans to
    an empty list, not to ``queryset.none()``. The filter treats both alike (nothing to filter);
    the empty queryset was a copy of the choices' queryset made for nothing, and testing it for
    truth (``value or []``) ran the SQL compiler: on a dashboard, six fields, a twentieth of
    building the page's filters."""

    def clean(self, value):
        if not self.required and not value:
            return []
        return super().clean(value)


class RowsFilter(django_filters.ModelMultipleChoiceFilter):
    """``ModelMultipleChoiceFilter`` with ``ChosenRowsField``."""

    field_class = ChosenRowsField


@extend_schema_field(OpenApiTypes.STR)  # the API documents it as a list of slugs
class SlugMultipleFilter(RowsFilter):
    """?borough=southwark&borough=lambeth — by slug, scoped choices.

    No DISTINCT unless asked for: borough, BCU and pillar are reached through single-valued
    foreign keys (an action has one of each), so the filter cannot repeat an action; the
    many-valued paths (drivers, owners) ask for ``distinct=True``.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ActionFilterSet(django_filters.FilterSet):
    borough = SlugMultipleFilter(
        field_name="objective__plan__borough__slug",
        queryset=Borough.objects.none(),
        label="Borough",
    )
    bcu = SlugMultipleFilter(
        field_name="objective__plan__borough__bcu__slug", queryset=BCU.objects.all(), label="BCU"
    )
    pillar = SlugMultipleFilter(
        field_name="objective__pillar__slug", queryset=Pillar.objects.all(), label="Pillar"
    )
    objective = RowsFilter(
        queryset=Objective.objects.none(),
        label="Objective",
        distinct=False,  # an action has one
    )
    driver = SlugMultipleFilter(
        field_name="drivers__slug", queryset=Driver.objects.all(), label="Driver", distinct=True
    )
    owner = RowsFilter(field_name="owners", queryset=Owner.objects.none(), label="Owner", distinct=True)
    rag = django_filters.MultipleChoiceFilter(choices=Status.choices, method="filter_rag", label="RAG")
    stale = django_filters.TypedChoiceFilter(
        choices=YES_NO, coerce=to_bool, method="filter_stale", label="Stale"
    )
    overdue = django_filters.TypedChoiceFilter(
        choices=YES_NO, coerce=to_bool, method="filter_overdue", label="Overdue"
    )
    as_at = django_filters.DateFilter(
        method="filter_as_at",
        label="As at (end of day)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Action
        form = ActionFilterForm
        fields = []  # all declared above, in this order

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None, with_retired=False):
        self.user = user or getattr(request, "user", None)
        self.with_retired = with_retired  # also the retired actions the filters select
        if queryset is None:
            queryset = Action.objects.visible_to(self.user)
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["borough"].queryset = Borough.objects.visible_to(self.user)
        self.filters["objective"].queryset = Objective.objects.visible_to(self.user)
        self.filters["owner"].queryset = Owner.objects.visible_to(self.user)

    # -- the effective status (now, or as at a date) is annotated before any filter runs --
    @property
    def as_at_date(self):
        if not self.is_bound or not self.is_valid():
            return None
        return self.form.cleaned_data.get("as_at")

    @property
    def reference_time(self):
        """The instant figures are computed for: end of the as-at day, or now."""
        return end_of_day(self.as_at_date) if self.as_at_date else timezone.now()

    @property
    def reference_date(self):
        return self.as_at_date or timezone.localdate()

    def filter_queryset(self, queryset):
        as_at = self.form.cleaned_data.get("as_at")
        queryset = queryset.with_status(as_at, with_retired=self.with_retired)
        return super().filter_queryset(queryset)

    def filter_as_at(self, queryset, name, value):
        return queryset  # applied in filter_queryset, before the other filters

    def filter_rag(self, queryset, name, value):
        return queryset.with_status_filter(value) if value else queryset

    def filter_stale(self, queryset, name, value: str):
        if value in (None, ""):
            return queryset
        return queryset.stale(self.reference_time, yes=value)

    def filter_overdue(self, queryset, name, value: str):
        if value in (None, ""):
            return queryset
        return queryset.overdue(self.reference_date, yes=value)

    def applied(self):
        """The filters in use, as (label, value) pairs, for headings and the export's About sheet;
        a choice by its label (RAG "Red", stale "Yes"), rows by their names, a date the British
        way (1 Sep 2023)."""
        if not self.is_bound or not self.is_valid():
            return []
        pairs = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()) or (hasattr(value, "exists") and not value.exists()):
                continue
            field = self.form.fields[name]
            if isinstance(field, forms.ChoiceField) and not hasattr(field, "queryset"):
                # a choice by its label, as the filter offers it: "Red", not "red"; "Yes", not True
                labels = {str(key): label for key, label in field.choices}
                raw = self.form[name].value()
                raw = raw if isinstance(raw, (list, tuple)) else [raw]
                shown = ", ".join(str(labels.get(str(v), v)) for v in raw)
            elif hasattr(value, "__iter__") and not isinstance(value, str):
                shown = ", ".join(str(v) for v in value)
            elif isinstance(value, dt.date):
                shown = f"{value.day} {value:%b %Y}"  # the British way: 1 Sep 2023
            else:
                shown = str(value)
            pairs.append((self.filters[name].label or name, shown))
        return pairs
