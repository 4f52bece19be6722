"""Who may set a plan's review interval, and to what.

An action not reviewed within its plan's review interval is *stale*: oversight sees it on the
dashboards and its owners get reminders. A very long interval would hide stale actions and stop
reminders, so borough and force editors choose between ``EDITOR_MIN_DAYS`` and
``EDITOR_MAX_DAYS`` (a week to a quarter); only oversight and administrators go outside it, up to
``ABSOLUTE_MAX_DAYS`` (a year).
"""

from django.core.exceptions import ValidationError

from .choices import Role
from .scope import scope_for

EDITOR_MIN_DAYS = 7
EDITOR_MAX_DAYS = 92
ABSOLUTE_MAX_DAYS = 366


def may_exceed_bounds(user):
    """True for administrators and oversight (MOPAC), who may set any interval of 1–366 days."""
    scope = scope_for(user)
    return scope.edit_all or Role.OVERSIGHT in scope.roles


def check_review_interval(user, days):
    """Raise ``ValidationError`` (code ``out_of_scope``) unless ``user`` may set ``days``.

    ``days``: a whole number of days. Editors: 7–92; oversight and administrators: 1–366."""
    if days is None:
        return
    wide = may_exceed_bounds(user)
    low, high = (1, ABSOLUTE_MAX_DAYS) if wide else (EDITOR_MIN_DAYS, EDITOR_MAX_DAYS)
    if not low <= days <= high:
        extra = "" if wide else " Ask oversight or an administrator for a longer or shorter one."
        raise ValidationError(
            f"The review interval must be between {low} and {high} days; {days} was given.{extra}",
            code="out_of_scope",
        )
