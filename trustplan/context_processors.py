from django.urls import reverse

from plans.marking import marking_page_name, protective_marking
from plans.scope import scope_for


def roles(request):
    """The user's scope, for navigation (what to show), never for access decisions."""
    user = getattr(request, "user", None)
    return {"scope": scope_for(user)}


def links(request):
    """URLs the dashboards repeat in every row: reversed once per request, not once per cell."""
    return {"action_list_url": reverse("action-list")}


def marking(request):
    """The protective marking for the header and footer of every page and print."""
    return {"protective_marking": protective_marking(), "marking_page": marking_page_name()}


class _LazyCount:
    """The number of things waiting on the user, counted only if a template shows it."""

    def __init__(self, user):
        self.user, self._value = user, None

    def __int__(self):
        if self._value is None:
            from plans.waiting import waiting_total

            self._value = waiting_total(self.user)
        return self._value

    def __str__(self):
        return str(int(self))

    def __bool__(self):
        return int(self) > 0


def waiting(request):
    """``waiting_count`` for the navigation's "Waiting for me" link (plans.waiting)."""
    user = getattr(request, "user", None)
    if user is None or not scope_for(user).read_all:
        return {"waiting_count": 0}
    return {"waiting_count": _LazyCount(user)}
