"""Roles as Django groups with model permissions (used by the admin and for display).

Which borough a user may change is decided by plans.querysets, not here.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .choices import Role

VIEW_ALL = [
    ("plans", m)
    for m in (
        "bcu",
        "borough",
        "pillar",
        "theme",
        "plan",
        "objective",
        "action",
        "owner",
        "milestone",
        "statusupdate",
        "challenge",
        "challengereply",
        "measurereading",
        "target",
    )
] + [("drivers", m) for m in ("framework", "driver", "measure")]

GRANTS = {
    Role.BOROUGH_EDITOR: {
        "view": VIEW_ALL,
        "add": [("plans", m) for m in ("objective", "action", "owner", "challengereply")],
        "change": [("plans", m) for m in ("plan", "objective", "action", "owner")],
    },
    Role.FORCE_EDITOR: {
        "view": VIEW_ALL,
        "add": [("plans", m) for m in ("objective", "action", "owner", "milestone")],
        "change": [("plans", m) for m in ("plan", "objective", "action", "owner", "milestone")],
    },
    Role.OVERSIGHT: {
        "view": [*VIEW_ALL, ("drivers", "respondentfile")],
        "add": [("plans", m) for m in ("challenge", "challengereply", "target")],
        "change": [("plans", m) for m in ("challenge", "target")],
    },
    Role.ANALYST: {
        "view": [*VIEW_ALL, ("drivers", "respondentfile")],
        "add": [("plans", "measurereading")],
        "change": [],
    },
}


@transaction.atomic
def ensure_groups():
    """Create the role groups with their permissions (idempotent)."""
    perms = {
        (p.content_type.app_label, p.codename): p for p in Permission.objects.select_related("content_type")
    }
    for role, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = [perms[(app, f"{verb}_{model}")] for verb, items in grants.items() for app, model in items]
        group.permissions.set(wanted)
    admin_group, _ = Group.objects.get_or_create(name=Role.ADMINISTRATOR.value)
    admin_group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["plans", "drivers", "auth", "authtoken", "axes"]
        )
    )
    return Group.objects.count()
