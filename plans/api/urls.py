"""/api/v1/ — the router of the API (URL namespace ``api``, e.g. ``api:action-list``)."""

from django.urls import path, register_converter
from rest_framework.routers import DefaultRouter

from drivers.api import views as driver_views

from . import views

router = DefaultRouter()
router.register("boroughs", views.BoroughViewSet, basename="borough")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("objectives", views.ObjectiveViewSet, basename="objective")
router.register("actions", views.ActionViewSet, basename="action")
router.register("status-updates", views.StatusUpdateViewSet, basename="statusupdate")
router.register("challenges", views.ChallengeViewSet, basename="challenge")
router.register("readings", views.MeasureReadingViewSet, basename="reading")
router.register("frameworks", driver_views.FrameworkViewSet, basename="framework")
router.register("drivers", driver_views.DriverViewSet, basename="driver")
router.register("measures", driver_views.MeasureViewSet, basename="measure")


class AnyPathConverter:
    """Like ``path``, but also matches newlines and other control characters in the path."""

    regex = r"[\s\S]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AnyPathConverter, "anypath")

app_name = "api"
urlpatterns = [
    *router.urls,
    # Anything else under /api/v1/ is a JSON 404, not the HTML page of the site, and a
    # path with a newline or other control character in it is caught too.
    path("<anypath:rest>", views.NotFoundView.as_view(), name="not-found"),
]
