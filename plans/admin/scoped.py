"""The admin's scoping: rows, choices and saved values pass the same chokepoint as the pages.

``ScopedAdmin`` shows only the rows the user may change (``editable_by``), offers only in-scope
choices for every scoped foreign key, and refuses an empty borough to anyone who may not change
the force-wide plan (an empty borough means "force-wide"). Refused writes are logged on the
"trustplan.security" logger like refused page and API writes: a POST to a row outside the user's
boroughs (404), and a form refused for an out-of-scope choice or value.
"""

import logging

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from ..force import force_activities
from ..forms.dates import DateField
from ..models import Action, Borough, Objective, Owner, Plan
from ..scope import scope_for
from .labels import LabelledInlineFormSet

SCOPED_FK = {"borough": Borough, "plan": Plan, "objective": Objective, "action": Action}
SCOPED_M2M = {"owners": Owner}
# Error codes of a form refused because a choice or value lies outside the user's scope.
OUT_OF_SCOPE_CODES = {"invalid_choice", "invalid_pk_value", "out_of_scope"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
security_log = logging.getLogger("trustplan.security")
NOT_A_FORCE_ACTIVITY = (
    "Not a force activity: %(ids)s. Only activities of the force-wide plan can be linked; nothing was saved."
)
FORCE_WIDE_REFUSED = (
    "Choose one of your boroughs: only force editors and administrators change force-wide rows."
)


def log_refused_write(request, what, **details):
    """One security-log line for an admin write that was refused (nothing was written)."""
    fields = " ".join(f"{key}={value!r}" for key, value in sorted(details.items()))
    security_log.warning("permission denied: admin %s %s %s %s", request.method, request.path, what, fields)


def out_of_scope_fields(form):
    """Names of the form's fields refused for a choice or value outside the user's scope."""
    if form is None or not form.is_bound:
        return []
    return sorted(
        name
        for name, errors in form.errors.as_data().items()
        if any(getattr(error, "code", None) in OUT_OF_SCOPE_CODES for error in errors)
    )


# Every date of the admin: entered the British way (31/03/2024), refused with the field's name.
BRITISH_DATES = {models.DateField: {"form_class": DateField, "widget": AdminDateWidget}}


class BritishDatesAdmin(admin.ModelAdmin):
    """An admin whose date boxes read and show dates the British way (``plans/forms/dates.py``)."""

    formfield_overrides = BRITISH_DATES


class ScopedAdmin(BritishDatesAdmin):
    """Admin whose rows, and whose foreign-key choices, are those the user may change."""

    class Media:
        css = {"all": ["css/rag.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Out of scope is "not found" (404), never a redirect that hints the row exists.
        obj = super().get_object(request, object_id, from_field)
        if obj is None and object_id:
            if request.method in WRITE_METHODS:
                log_refused_write(request, "outside the user's boroughs", model=self.opts.label, id=object_id)
            raise Http404("Not found in your boroughs.")
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form class, told who is asking (``requester``): a new class per request
        (modelform_factory), so this never leaks between users."""
        form = super().get_form(request, obj, change=change, **kwargs)
        form.requester = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in SCOPED_FK:
            kwargs["queryset"] = SCOPED_FK[db_field.name].objects.editable_by(request.user)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name == "borough" and not scope_for(request.user).edit_force:
            # An empty borough puts the row in the force-wide plan: not an editor's choice.
            field.required = True
            field.empty_label = None
            field.error_messages["required"] = FORCE_WIDE_REFUSED
        return field

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method in WRITE_METHODS:
            adminform = context.get("adminform")
            refused = out_of_scope_fields(getattr(adminform, "form", None))
            if refused:
                log_refused_write(request, "choice outside the user's scope", fields=",".join(refused))
        return super().render_change_form(request, context, add, change, form_url, obj)


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
    formfield_overrides = BRITISH_DATES

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
