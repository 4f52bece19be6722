"""A person's notifications (newest first; marking them read) and which kinds they receive."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..models import Notification, NotificationKind
from ..models.notifications import ESSENTIAL_KINDS
from ..notifications import muted_kinds, set_muted_kinds
from ..scope import scope_for

OPTIONAL_KINDS = [(k.value, k.label) for k in NotificationKind if k not in ESSENTIAL_KINDS]


def _require_role(user):
    if not scope_for(user).read_all:
        raise PermissionDenied("Your account has no role yet.")


@require_http_methods(["GET", "POST"])
def notification_list(request):
    """GET: the user's last 50 notifications; POST: mark all of them read."""
    _require_role(request.user)
    mine = Notification.objects.filter(recipient=request.user)
    if request.method == "POST":
        marked = mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, f"{marked} notification(s) marked as read.")
        return redirect("notifications")
    return render(
        request,
        "plans/notifications.html",
        {"notifications": mine[:50], "unread": mine.filter(read_at__isnull=True).count()},
    )


class SettingsForm(forms.Form):
    receive = forms.MultipleChoiceField(
        label="Send me these notifications",
        choices=OPTIONAL_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Challenges raised with your borough, returns to sign off, returns sent back "
        "and escalations are always sent.",
    )


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Turn optional kinds of notification on or off for oneself."""
    _require_role(request.user)
    muted = muted_kinds(request.user)
    initial = {"receive": [k for k, _label in OPTIONAL_KINDS if k not in muted]}
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["receive"])
        set_muted_kinds(user=request.user, kinds=[k for k, _label in OPTIONAL_KINDS if k not in wanted])
        messages.success(request, "Your notification settings are saved.")
        return redirect("notification-settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/notification_settings.html", {"form": form}, status=status)
