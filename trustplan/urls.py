"""Top-level URLs. Every page needs a login (LoginRequiredMiddleware); the API is authenticated
by DRF. Page routes of the plans app are in plans/urls.py."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from plans.api.docs import DocsView

from . import profile, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("trustplan.accounts.urls")),  # log-in, sign-on, passwords, second factor
    path("admin/", admin.site.urls),
    # --- API (issue: REST API) ---
    path("api/v1/", include("plans.api.urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(), name="api-docs"),
    path("accounts/profile/", profile.profile, name="profile"),
    path("accounts/profile/token/create/", profile.token_create, name="profile-token-create"),
    path("accounts/profile/token/revoke/", profile.token_revoke, name="profile-token-revoke"),
    # --- end API ---
    path("", include("plans.urls")),
]

handler500 = "trustplan.errors.server_error"  # a page with a reference, logged with the traceback
