"""API permissions. Reading needs a role; writing is decided by the scoping chokepoint
(``Model.objects.editable_by(user)``) inside each write, never here."""

from rest_framework.permissions import BasePermission

from ..scope import scope_for


class ReadsPlans(BasePermission):
    """A logged-in user with a role (every role reads every borough). A user without a role
    sees nothing, as on the pages. The first of the project's default permission classes.

    DRF checks throttles only after permissions, so a refused request (anonymous, or no role)
    would never be counted. This permission runs the view's throttles before it refuses: such
    requests get 401 (or 403) until the rate is reached, then 429 with Retry-After. A request it
    allows is throttled once, by DRF, as usual."""

    message = "Your account has no role yet. Ask an administrator to assign one."

    def has_permission(self, request, view):
        if scope_for(request.user).read_all:
            return True
        check_throttles = getattr(view, "check_throttles", None)
        if check_throttles is not None:
            check_throttles(request)  # raises Throttled (429) once over the rate
        return False
