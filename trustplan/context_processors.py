from plans.querysets import scope_for


def roles(request):
    """The user's scope, for navigation (what to show), never for access decisions."""
    user = getattr(request, "user", None)
    return {"scope": scope_for(user)}
