"""The project's URLs plus one view that fails, for the server-error tests."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from trustplan.urls import handler500  # noqa: F401
from trustplan.urls import urlpatterns as project_urlpatterns


@login_not_required
def fails(request):
    raise RuntimeError("the database went away (test)")


urlpatterns = [path("test-failure/", fails, name="test-failure"), *project_urlpatterns]
