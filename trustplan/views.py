from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from plans.choices import Role
from plans.models import Borough
from plans.scope import NO_ROLE, READ, may, scope_for

LONDON_ROLES = {Role.OVERSIGHT, Role.ANALYST, Role.ADMINISTRATOR, Role.FORCE_EDITOR}


@require_safe
def home(request):
    """The landing page by role.

    Oversight, analysts, administrators and force editors land on the London-wide oversight
    dashboard; a borough editor on their borough's dashboard, or on a chooser when they belong
    to several boroughs. An account without a role is refused.
    """
    scope = scope_for(request.user)
    if not may(request.user, READ):
        raise PermissionDenied(NO_ROLE)
    if scope.edit_all or scope.roles & LONDON_ROLES or not scope.edit_borough_ids:
        return redirect("oversight")
    boroughs = list(Borough.objects.filter(pk__in=scope.edit_borough_ids).select_related("bcu"))
    if len(boroughs) == 1:
        return redirect("borough-dashboard", slug=boroughs[0].slug)
    return render(request, "home.html", {"my_boroughs": boroughs})


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """Liveness and database check for load balancers. Reveals nothing about the data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
