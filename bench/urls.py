"""The project's URLs plus the benchmark's floor page, used only inside benchmark processes.

The floor is the least a logged-in page does: the login check, the session read and saved,
the user's role looked up for the navigation, and ``base.html`` rendered with the navigation
and a heading. Every measured page does all of this before its own work.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_safe

from trustplan.urls import urlpatterns as project_urlpatterns

FLOOR_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Floor{% endblock %}'
    "{% block content %}<h1>TrustPlan</h1><p>The floor of a logged-in page.</p>{% endblock %}"
)


@require_safe
def floor(request):
    return HttpResponse(FLOOR_TEMPLATE.render({}, request))


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *project_urlpatterns]


def install():
    """Serve these URLs in this process (benchmark workers only)."""
    from django.conf import settings
    from django.urls import clear_url_caches, set_urlconf

    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    set_urlconf(None)
