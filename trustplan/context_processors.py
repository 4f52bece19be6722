from django.urls import reverse

from plans.marking import marking_page_name, protective_marking
from plans.querysets import scope_for


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
