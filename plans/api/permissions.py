"""API permissions. Reading needs a role; writing is decided by the scoping chokepoint
(``Model.objects.editable_by(user)``) inside each write, never here."""

from rest_framework.permissions import BasePermission

from ..querysets import scope_for


class ReadsPlans(BasePermission):
    """A logged-in user with a role (every role reads every borough). A user without a role
    sees nothing, as on the pages. Part of the project's default permission classes."""

    message = "Your account has no role yet. Ask an administrator to assign one."

    def has_permission(self, request, view):
        return scope_for(request.user).read_all
