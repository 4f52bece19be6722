"""Admin of plans and objectives (with their inlines)."""

from django import forms
from django.contrib import admin
from django.utils import timezone

from ..badges import status_badge
from ..choices import RAG, UpdateSource
from ..models import Action, Objective, Plan
from ..review_interval import check_review_interval
from ..scope import scope_for
from ..services import record_initial_status
from .scoped import ScopedHistoryAdmin, ScopedInlineMixin

CREATED_IN_ADMIN = "Added in the admin; not yet rated."


def record_created_action(*, action, user):
    """The first status-history row of an action added in the admin without a status of its own
    (the objective page's inline): not rated, through ``record_initial_status``, the one
    definition of an action's first status that every creation path uses."""
    record_initial_status(
        action=action,
        rag=RAG.NOT_RATED,
        commentary=CREATED_IN_ADMIN,
        author_name=(user.get_full_name() or user.get_username()),
        at=timezone.now(),
        source=UpdateSource.ADMIN,
    )


class ObjectiveInline(ScopedInlineMixin, admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["pillar", "theme", "number", "title"]
    show_change_link = True


class ActionInline(ScopedInlineMixin, admin.TabularInline):
    model = Action
    extra = 0
    fields = ["position", "text", "due_date", "badge"]
    readonly_fields = ["badge"]
    show_change_link = True

    @admin.display(description="Status")
    def badge(self, obj):
        return status_badge(obj.status) if obj.pk else "—"


class PlanAdminForm(forms.ModelForm):
    """The plan's fields, with the review interval bounded for editors (plans/review_interval.py)."""

    requester = None  # the requesting user, set by ScopedAdmin.get_form

    class Meta:
        model = Plan
        fields = [
            "borough",
            "slug",
            "title",
            "period_start",
            "period_end",
            "review_interval_days",
            "source",
        ]

    def clean_review_interval_days(self):
        days = self.cleaned_data.get("review_interval_days")
        if days != self.instance.review_interval_days or not self.instance.pk:
            check_review_interval(self.requester, days)
        return days


@admin.register(Plan)
class PlanAdmin(ScopedHistoryAdmin):
    form = PlanAdminForm
    list_display = ["title", "borough", "review_interval_days", "is_synthetic"]
    list_filter = ["is_synthetic", "borough__bcu"]
    search_fields = ["title", "borough__name"]
    inlines = [ObjectiveInline]
    readonly_fields = ["is_synthetic"]

    def has_add_permission(self, request):
        # One plan per borough: administrators create plans, editors edit their own.
        return scope_for(request.user).edit_all

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not scope_for(request.user).edit_all:
            fields.append("borough")
        return fields


@admin.register(Objective)
class ObjectiveAdmin(ScopedHistoryAdmin):
    list_display = ["__str__", "plan", "pillar", "theme"]
    list_filter = ["pillar", "theme", "plan__borough__bcu"]
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan", "pillar", "theme"]
    # Retiring is a step of its own (the plan's editing page), which keeps the change as PlanChange.
    readonly_fields = ["retired_at"]
    inlines = [ActionInline]

    def save_formset(self, request, form, formset, change):
        """Actions added through the inline get their first status-history row."""
        if formset.model is not Action:
            return super().save_formset(request, form, formset, change)
        for action in formset.save(commit=False):
            created = action.pk is None
            action.save()
            if created:
                record_created_action(action=action, user=request.user)
        for action in formset.deleted_objects:
            action.delete()
        formset.save_m2m()
        return None
