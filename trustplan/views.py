from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from plans.choices import Role
from plans.models import Borough
from plans.scope import NO_ROLE, READ, may, scope_for
from plans.waiting import waiting_for

LONDON_ROLES = {Role.OVERSIGHT, Role.ANALYST, Role.ADMINISTRATOR, Role.FORCE_EDITOR}


@require_safe
def home(request):
    """The home page: what waits for the user first (plans.waiting), then their dashboards.

    Oversight, analysts, administrators and force editors are offered the London-wide oversight
    dashboard; a borough editor their borough's dashboard(s). An account without a role is
    refused.
    """
    scope = scope_for(request.user)
    if not may(request.user, READ):
        raise PermissionDenied(NO_ROLE)
    boroughs = list(Borough.objects.filter(pk__in=scope.edit_borough_ids).select_related("bcu"))
    london = bool(scope.edit_all or scope.roles & LONDON_ROLES or not boroughs)
    sections = waiting_for(request.user)
    context = {
        "my_boroughs": boroughs,
        "london": london,
        "sections": sections,
        "waiting_count": sum(s.total for s in sections),  # the navigation's count, not re-counted
    }
    return render(request, "home.html", context)


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
