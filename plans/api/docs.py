"""The OpenAPI schema and the Swagger UI page, both behind a login (SERVE_PERMISSIONS).

The page is drf-spectacular's split view: its start-up script is a separate request, so the
Content Security Policy (no inline scripts or styles) holds; Swagger UI itself is served from
static/ by drf-spectacular-sidecar.
"""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api-schema"

    def handle_exception(self, exc):
        # A person who is not logged in is sent to the login page, then back here.
        if isinstance(exc, NotAuthenticated) and "script" not in self.request.GET:
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
