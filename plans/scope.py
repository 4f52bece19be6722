"""Who may do what: the user's Scope, and ``may(user, action, obj)`` for every permission.

Which rows a user reads or changes is answered by ``Model.objects.visible_to(user)`` and
``editable_by(user)`` in plans.querysets, built on the Scope below. Whether a user may take a
step (submit a return, raise a challenge, set a target...) is answered here, and only here, by
``may``; views gate whole pages with ``role_required`` and refuse a step with ``refuse``.

The rule:
- administrators (superusers or the Administrator group) read and change everything;
- oversight and analysts read everything and change no plan data;
- a borough editor reads every borough (the London comparison is shared) and changes only the
  boroughs they are a member of;
- a force editor reads everything and changes the force-wide plan;
- a logged-in user with none of these roles sees nothing.
Roles are read from the database on every request: removing a membership takes effect at once.
"""

import functools
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from .choices import MembershipRole, Role

security_log = logging.getLogger("trustplan.security")
NO_ROLE = "Your account has no role yet. Ask an administrator to assign one."


@dataclass(frozen=True)
class Scope:
    """What one user may read and change, from their groups and borough memberships."""

    read_all: bool = False
    edit_all: bool = False
    edit_force: bool = False
    edit_borough_ids: frozenset = frozenset()
    roles: frozenset = frozenset()
    # (borough id, membership role) of each of the user's memberships, read with the ids above
    memberships: frozenset = frozenset()

    def can_edit_borough(self, borough_id):
        """True when the user changes this borough's data; ``None`` means the force-wide plan."""
        if self.edit_all:
            return True
        if borough_id is None:
            return self.edit_force
        return borough_id in self.edit_borough_ids

    def has(self, role):
        """True for a member of the role's group, and for administrators."""
        return self.edit_all or role in self.roles


def _read_roles(user):
    """(group names, (borough id, membership role) pairs) of ``user``, as frozensets, read in one
    statement on every request (the user's groups, then their memberships)."""
    from django.db import connections, router

    from .models import Membership

    groups = user.groups.through
    group = groups._meta.get_field("group").related_model
    connection = connections[router.db_for_read(Membership)]
    qn = connection.ops.quote_name

    def col(model, name):
        return f"{qn(model._meta.db_table)}.{qn(model._meta.get_field(name).column)}"

    # Names from the models' metadata, values as parameters.
    sql = (
        f"SELECT NULL, {col(group, 'name')} FROM {qn(group._meta.db_table)} "  # noqa: S608
        f"INNER JOIN {qn(groups._meta.db_table)} ON {col(groups, 'group')} = {col(group, 'id')} "
        f"WHERE {col(groups, 'user')} = %s "
        f"UNION ALL SELECT {col(Membership, 'borough')}, {col(Membership, 'role')} "
        f"FROM {qn(Membership._meta.db_table)} WHERE {col(Membership, 'user')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        rows = cursor.fetchall()
    roles = frozenset(name for borough_id, name in rows if borough_id is None)
    memberships = frozenset((borough_id, role) for borough_id, role in rows if borough_id is not None)
    return roles, memberships


def scope_for(user):
    """Return the user's Scope, computed once per request object (never across requests)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_trustplan_scope", None)
    if cached is not None:
        return cached
    roles, memberships = _read_roles(user)
    borough_ids = frozenset(borough_id for borough_id, _ in memberships)
    is_admin = user.is_superuser or Role.ADMINISTRATOR in roles
    readers = {Role.OVERSIGHT, Role.ANALYST, Role.FORCE_EDITOR, Role.BOROUGH_EDITOR}
    scope = Scope(
        read_all=is_admin or bool(roles & readers) or bool(borough_ids),
        edit_all=is_admin,
        edit_force=is_admin or Role.FORCE_EDITOR in roles,
        edit_borough_ids=borough_ids,
        roles=roles,
        memberships=memberships,
    )
    user._trustplan_scope = scope
    return scope


# --- the steps a user may take; ``obj`` is what the step acts on --------------------------------
READ = "read"  # any page of plan data (obj unused)
EDIT_BOROUGH = "edit_borough"  # obj: Borough (review, plan import, dashboard edit links)
EDIT_FORCE_PLAN = "edit_force_plan"  # obj unused (the force-wide plan)
EDIT_ACTION = "edit_action"  # obj: Action (status update; never a retired action)
EDIT_PLAN = "edit_plan"  # obj: Plan of a borough (its objectives and actions, their text and order)
LINK_FORCE = "link_force"  # obj: Action of a borough plan (link to force activities)
SUBMIT_RETURN = "submit_return"  # obj: Plan
SIGN_OFF_RETURN = "sign_off_return"  # obj: Plan (its borough's commander)
SEND_BACK_RETURN = "send_back_return"  # obj unused
RAISE_CHALLENGE = "raise_challenge"  # obj unused; also closes challenges
ANSWER_CHALLENGE = "answer_challenge"  # obj: Challenge (the borough's side of the thread)
REPLY_CHALLENGE = "reply_challenge"  # obj: Challenge (the borough's answer or oversight's follow-up)
SET_TARGETS = "set_targets"  # obj unused
IMPORT_MEASURES = "import_measures"  # obj unused; also analysing an uploaded respondent file


def _commands(user, plan):
    """True when the user is the commander of the plan's borough (from their scope: no query)."""
    return (plan.borough_id, MembershipRole.COMMANDER) in scope_for(user).memberships


RULES = {
    READ: lambda scope, user, obj: scope.read_all,
    EDIT_BOROUGH: lambda scope, user, borough: scope.can_edit_borough(borough.pk),
    EDIT_FORCE_PLAN: lambda scope, user, obj: scope.edit_force,
    EDIT_ACTION: lambda scope, user, action: (
        action.retired_at is None and scope.can_edit_borough(action.objective.plan.borough_id)
    ),
    EDIT_PLAN: lambda scope, user, plan: (
        plan.borough_id is not None and scope.can_edit_borough(plan.borough_id)
    ),
    LINK_FORCE: lambda scope, user, action: (
        action.objective.plan.borough_id is not None
        and scope.can_edit_borough(action.objective.plan.borough_id)
    ),
    SUBMIT_RETURN: lambda scope, user, plan: (
        scope.edit_all or (plan.borough_id is not None and plan.borough_id in scope.edit_borough_ids)
    ),
    SIGN_OFF_RETURN: lambda scope, user, plan: scope.edit_all or _commands(user, plan),
    SEND_BACK_RETURN: lambda scope, user, obj: scope.has(Role.OVERSIGHT),
    RAISE_CHALLENGE: lambda scope, user, obj: scope.has(Role.OVERSIGHT),
    ANSWER_CHALLENGE: lambda scope, user, challenge: challenge.plan.borough_id in scope.edit_borough_ids,
    REPLY_CHALLENGE: lambda scope, user, challenge: (
        challenge.plan.borough_id in scope.edit_borough_ids or scope.has(Role.OVERSIGHT)
    ),
    SET_TARGETS: lambda scope, user, obj: scope.has(Role.OVERSIGHT),
    IMPORT_MEASURES: lambda scope, user, obj: scope.has(Role.ANALYST),
}


def may(user, action, obj=None):
    """True when ``user`` may take the step ``action`` (one of the names above) on ``obj``.

    Raises KeyError for a step that is not in RULES (a programming error, never a refusal).
    """
    return bool(RULES[action](scope_for(user), user, obj))


def refuse(user, log_text, message):
    """Log a refused step on ``trustplan.security`` and raise PermissionDenied(message) (a 403)."""
    security_log.warning("permission denied: user=%s %s", user, log_text)
    raise PermissionDenied(message)


def require(user, action, obj=None, *, message, log_text=None):
    """Refuse (logged, 403 with ``message``) unless ``may(user, action, obj)``."""
    if not may(user, action, obj):
        refuse(user, log_text or f"{action} {obj if obj is not None else ''}".strip(), message)


def role_required(view):
    """View decorator: a user with no role gets a 403 (before anything is read or written)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may(request.user, READ):
            raise PermissionDenied(NO_ROLE)
        return view(request, *args, **kwargs)

    return wrapped
