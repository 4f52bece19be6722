"""Admin of actions: status changes go through ``apply_status_update``; links to force
activities through ``plans.services.force_links.set_force_links``."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import get_text_list

from ..badges import status_badge
from ..choices import RAG, UpdateSource
from ..force import force_activities
from ..models import Action
from ..scope import LINK_FORCE, may, scope_for
from ..services import StaleVersion, apply_status_update, validate_change
from ..services.force_links import set_force_links
from ..services.plan_editing import record_admin_edit
from .scoped import NOT_A_FORCE_ACTIVITY, ScopedHistoryAdmin, security_log


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
    requester = None  # the requesting user, set by ScopedAdmin.get_form

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
        """The checks of ``set_force_links`` (plans.services.force_links), made before anything is
        saved: only the editors of a borough action link it, and only to activities of the force-wide
        plan."""
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
        if not scope_for(self.requester).can_edit_borough(objective.plan.borough_id):
            security_log.warning(
                "permission denied: user=%s tried to link action=%s to force activities (admin)",
                self.requester,
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
    # Owners, drivers and force activities are plain labelled multiple selects (the choices are
    # scoped in ScopedAdmin.formfield_for_manytomany): Django's autocomplete and two-box filter
    # widgets add an unlabelled search box and ARIA that screen readers cannot use (WCAG 4.1.2;
    # tests/browser/test_admin_accessibility.py).
    readonly_fields = ["version", "last_reviewed_at", "last_commentary"]

    @admin.display(description="Status", ordering="rag")
    def badge(self, obj):
        return status_badge(obj.status)

    def save_related(self, request, form, formsets, change):
        """Links to force activities are written by ``set_force_links`` (plans.services.force_links:
        its checks and log), never by the form's plain many-to-many save."""
        data = form.cleaned_data
        wanted = data.pop("delivers", None)
        try:
            super().save_related(request, form, formsets, change)
        finally:
            if wanted is not None:
                data["delivers"] = wanted
        if change:
            record_admin_edit(
                user=request.user, action=Action.objects.get(pk=form.instance.pk), initial=form.initial
            )
        if wanted is None:
            return
        action = form.instance
        wanted_ids = sorted(a.pk for a in wanted)
        if wanted_ids == sorted(action.delivers.values_list("pk", flat=True)):
            return
        if not wanted_ids and not may(request.user, LINK_FORCE, action):
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
