"""Admin: editing plans, objectives and actions, scoped to the user's boroughs.

Every queryset and every foreign-key choice goes through ``editable_by`` (the scoping
chokepoint). Status changes made here go through ``apply_status_update``; the history itself is
read-only for everyone.
"""

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.text import get_text_list
from simple_history.admin import SimpleHistoryAdmin

from .admin_labels import LabelledInlineFormSet
from .badges import status_badge
from .choices import RAG, UpdateSource
from .force import can_link, force_activities, set_force_links
from .models import (
    BCU,
    Action,
    Borough,
    Challenge,
    ChallengeReply,
    MeasureReading,
    Membership,
    Milestone,
    Objective,
    Owner,
    Pillar,
    Plan,
    StatusUpdate,
    Target,
    Theme,
)
from .querysets import scope_for
from .services import StaleVersion, apply_status_update, validate_change

SCOPED_FK = {"borough": Borough, "plan": Plan, "objective": Objective, "action": Action}
SCOPED_M2M = {"owners": Owner}
security_log = logging.getLogger("trustplan.security")
NOT_A_FORCE_ACTIVITY = (
    "Not a force activity: %(ids)s. Only activities of the force-wide plan can be linked; nothing was saved."
)


class ScopedAdmin(admin.ModelAdmin):
    """Admin whose rows, and whose foreign-key choices, are those the user may change."""

    class Media:
        css = {"all": ["css/rag.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Out of scope is "not found" (404), never a redirect that hints the row exists.
        obj = super().get_object(request, object_id, from_field)
        if obj is None and object_id:
            raise Http404("Not found in your boroughs.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in SCOPED_FK:
            kwargs["queryset"] = SCOPED_FK[db_field.name].objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in SCOPED_M2M:
            kwargs["queryset"] = SCOPED_M2M[db_field.name].objects.editable_by(request.user)
        elif db_field.name == "delivers":
            # A borough action delivers activities of the force-wide plan, and nothing else.
            kwargs["queryset"] = force_activities().visible_to(request.user)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name == "delivers":
            field.error_messages["invalid_choice"] = NOT_A_FORCE_ACTIVITY % {"ids": "%(value)s"}
        return field


class ScopedHistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """Text history, readable in scope; never reverted from here (a revert would write around
    the scoping and the status service)."""

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))  # 404 outside the user's boroughs
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("Past versions can be viewed, not reverted.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedInlineMixin:
    formset = LabelledInlineFormSet  # a name for every input of the inline's table

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)


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


@admin.register(Plan)
class PlanAdmin(ScopedHistoryAdmin):
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
    inlines = [ActionInline]


class ActionAdminForm(forms.ModelForm):
    """The status fields are not model fields here: they go through apply_status_update."""

    new_rag = forms.ChoiceField(label="RAG", choices=RAG.choices)
    new_completed = forms.BooleanField(label="Complete", required=False)
    commentary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when the RAG or completion changes: a sentence saying why.",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = None  # the requesting user, set by ActionAdmin.get_form

    class Meta:
        model = Action
        fields = [
            "objective",
            "position",
            "text",
            "owners",
            "drivers",
            "delivers",
            "source_plan",
            "strand",
            "due_date",
            "next_steps",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["new_rag"].initial = self.instance.rag
            self.fields["new_completed"].initial = self.instance.completed
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        action = self.instance
        owners = data.get("owners")
        objective = data.get("objective")
        if owners is not None and objective is not None:
            borough_id = objective.plan.borough_id
            if any(o.borough_id != borough_id for o in owners):
                self.add_error("owners", "Owners must belong to the same borough as the plan.")
        self._clean_delivers(data, objective)
        if action.pk and data.get("seen_version") != action.version:
            raise ValidationError(
                f"Someone else changed this action since you opened it (now version {action.version}). "
                "Reload the page to see their change; nothing was saved."
            )
        try:
            validate_change(
                action=action,
                rag=data.get("new_rag", action.rag),
                completed=data.get("new_completed", False),
                commentary=data.get("commentary", ""),
                next_steps=data.get("next_steps", ""),
                due_date=data.get("due_date"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = {"rag": "new_rag", "completed": "new_completed"}.get(field, field)
                self.add_error(target if target in self.fields else None, errors)
        return data

    def _clean_delivers(self, data, objective):
        """The checks of plans.force.set_force_links, made before anything is saved: only the
        editors of a borough action link it, and only to activities of the force-wide plan."""
        delivers = data.get("delivers")
        if delivers is None or objective is None:
            return  # not in the form, or the field or the objective already has its error
        wanted = {a.pk for a in delivers}
        current = set(self.instance.delivers.values_list("pk", flat=True)) if self.instance.pk else set()
        if wanted == current:
            return
        if objective.plan.borough_id is None:
            if wanted:
                self.add_error(
                    "delivers",
                    "An activity of the force-wide plan is not linked to other activities: only "
                    "borough actions deliver force activities. Nothing was saved.",
                )
            return
        if not scope_for(self.user).can_edit_borough(objective.plan.borough_id):
            security_log.warning(
                "permission denied: user=%s tried to link action=%s to force activities (admin)",
                self.user,
                self.instance.pk,
            )
            self.add_error(
                "delivers", "Only editors of this action's borough can link it to force activities."
            )
            return
        unknown = sorted(wanted - set(force_activities().filter(pk__in=wanted).values_list("pk", flat=True)))
        if unknown:
            self.add_error(
                "delivers", NOT_A_FORCE_ACTIVITY % {"ids": get_text_list([str(u) for u in unknown], "and")}
            )


@admin.register(Action)
class ActionAdmin(ScopedHistoryAdmin):
    form = ActionAdminForm
    list_display = ["__str__", "badge", "objective", "due_date", "last_reviewed_at"]
    list_filter = [
        "rag",
        "completed",
        "objective__pillar",
        "drivers",
        "objective__plan__borough__bcu",
    ]
    search_fields = ["text", "owners__label", "objective__title"]
    list_select_related = ["objective__plan", "objective__pillar", "objective__theme"]
    autocomplete_fields = ["owners", "drivers"]
    # Not an autocomplete: that would search ActionAdmin's own rows (the user's borough actions),
    # not the force-wide plan's activities, the only choices here.
    filter_horizontal = ["delivers"]
    readonly_fields = ["version", "last_reviewed_at", "last_commentary"]

    @admin.display(description="Status", ordering="rag")
    def badge(self, obj):
        return status_badge(obj.status)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # a new class per request (modelform_factory)
        return form

    def save_related(self, request, form, formsets, change):
        """Links to force activities are written by plans.force.set_force_links (its checks and
        log), never by the form's plain many-to-many save."""
        data = form.cleaned_data
        wanted = data.pop("delivers", None)
        try:
            super().save_related(request, form, formsets, change)
        finally:
            if wanted is not None:
                data["delivers"] = wanted
        if wanted is None:
            return
        action = form.instance
        wanted_ids = sorted(a.pk for a in wanted)
        if wanted_ids == sorted(action.delivers.values_list("pk", flat=True)):
            return
        if not wanted_ids and not can_link(request.user, action):
            action.delivers.clear()  # a force activity linked by mistake: unlinking is always safe
            return
        set_force_links(action=action, user=request.user, activity_ids=wanted_ids)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            # Text and placement are plain fields (kept in the text history); status is not.
            obj.save(update_fields=["objective", "position", "text", "source_plan", "strand"])
        else:
            obj.save()
        seen = data["seen_version"] if change else 0
        try:
            apply_status_update(
                action=obj,
                user=request.user,
                seen_version=seen,
                source=UpdateSource.ADMIN,
                rag=data["new_rag"],
                completed=data["new_completed"],
                commentary=data["commentary"],
                next_steps=data["next_steps"],
                due_date=data["due_date"],
            )
        except StaleVersion as exc:
            messages.error(request, str(exc))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin):
    """The status history: append-only, so read-only for everyone, administrators included."""

    list_display = [
        "created_at",
        "action",
        "who",
        "from_status_display",
        "to_status_display",
        "source",
    ]
    list_filter = ["source", "to_rag"]
    search_fields = ["commentary", "action__text", "author__username", "author_name"]
    list_select_related = ["action", "author"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return StatusUpdate.objects.editable_by(request.user)


@admin.register(Owner)
class OwnerAdmin(ScopedAdmin):
    list_display = ["label", "rank", "name", "team", "borough", "user"]
    list_filter = ["borough"]
    search_fields = ["label", "name", "team"]
    autocomplete_fields = ["user"]


@admin.register(Challenge)
class ChallengeAdmin(ScopedAdmin):
    list_display = ["question", "plan", "status", "raised_by", "raised_at", "due_date"]
    list_filter = ["status"]
    search_fields = ["question"]


@admin.register(ChallengeReply)
class ChallengeReplyAdmin(ReadOnlyAdmin):
    list_display = ["challenge", "author", "created_at"]


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    list_display = [
        "period_label",
        "description",
        "lead",
        "is_external",
        "starts",
        "ends",
        "completed_on",
    ]
    list_filter = ["is_external", "theme"]
    search_fields = ["description", "lead"]


@admin.register(MeasureReading)
class MeasureReadingAdmin(admin.ModelAdmin):
    list_display = ["measure", "borough", "period_end", "value", "source"]
    list_filter = ["measure", "borough__bcu"]
    search_fields = ["borough__name", "measure__name"]
    list_select_related = ["measure", "borough"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = [
        "measure",
        "borough",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
    ]
    list_filter = ["measure"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "borough", "role"]
    list_filter = ["role", "borough"]
    autocomplete_fields = ["user", "borough"]


@admin.register(Borough)
class BoroughAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "bcu", "is_synthetic"]
    list_filter = ["bcu", "is_synthetic"]
    search_fields = ["name", "ons_code"]


admin.site.register(BCU)
admin.site.register(Pillar)
admin.site.register(Theme)
admin.site.site_header = "TrustPlan administration"
admin.site.site_title = "TrustPlan"
