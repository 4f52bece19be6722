"""Roles and borough memberships from the identity provider's claims.

``OIDC_ROLE_MAP`` (settings, from the environment as JSON) maps a value of the group or role
claims (``OIDC_GROUPS_CLAIM``, e.g. ``groups`` or ``roles``) to what it grants in TrustPlan::

    {"tp-oversight": "Oversight",
     "tp-southwark-slt": ["borough:southwark", "borough:southwark:lead"],
     "tp-southwark-bcc": "borough:southwark:commander"}

A grant is a role name (``Oversight``, ``Analyst``, ``Force editor``, ``Administrator``,
``Borough editor``) or ``borough:<slug>[:<editor|lead|commander>]`` (a membership of that
borough, editor when no role is named; it makes the user a borough editor too). The map is
applied at every sign-in and replaces the user's TrustPlan roles and memberships: a person moved
to another borough loses the old one at their next sign-in; a person no value maps is signed in
with no role and sees nothing.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from plans.choices import MembershipRole, Role
from plans.models import Borough, Membership

STAFF_ROLES = {Role.ADMINISTRATOR, Role.FORCE_EDITOR, Role.BOROUGH_EDITOR}


@dataclass
class Grants:
    """What a person's claims grant: role group names, (borough slug, membership role) pairs,
    and the claim values that matched (for the security log)."""

    roles: set = field(default_factory=set)
    memberships: set = field(default_factory=set)
    matched: list = field(default_factory=list)


def parse_grant(grant, *, where):
    """One grant string → ("role", name) or ("borough", slug, membership role).

    Raises ImproperlyConfigured naming ``where`` (the claim value) for an unknown role or
    membership role."""
    text = str(grant).strip()
    if text.startswith("borough:"):
        parts = text.split(":")
        slug = parts[1] if len(parts) > 1 else ""
        member_role = parts[2] if len(parts) > 2 else MembershipRole.EDITOR.value
        if not slug or len(parts) > 3 or member_role not in MembershipRole.values:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP[{where!r}]: {text!r} is not borough:<slug>[:editor|lead|commander]."
            )
        return ("borough", slug, member_role)
    if text not in Role.values:
        raise ImproperlyConfigured(
            f"OIDC_ROLE_MAP[{where!r}]: {text!r} is not a role; use one of {', '.join(Role.values)} "
            "or borough:<slug>[:editor|lead|commander]."
        )
    return ("role", text)


def parse_role_map(text):
    """The JSON text of ``OIDC_ROLE_MAP`` → {claim value: [parsed grant, ...]}.

    Raises ImproperlyConfigured with the place of the problem (bad JSON, not an object, a grant
    that is neither a role nor a borough)."""
    if not text or not text.strip():
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"OIDC_ROLE_MAP is not valid JSON: {error}") from error
    if not isinstance(raw, dict):
        raise ImproperlyConfigured("OIDC_ROLE_MAP must be a JSON object: {claim value: grant or [grants]}.")
    parsed = {}
    for value, grants in raw.items():
        grants = grants if isinstance(grants, list) else [grants]
        parsed[str(value)] = [parse_grant(grant, where=value) for grant in grants]
    return parsed


def claim_values(claims):
    """The group and role values of the claims named by ``OIDC_GROUPS_CLAIM`` (comma-separated
    names; a claim may hold a list or one string)."""
    values = []
    for name in (n.strip() for n in settings.OIDC_GROUPS_CLAIM.split(",") if n.strip()):
        value = claims.get(name)
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, list | tuple):
            values.extend(str(item) for item in value)
    return values


def grants_for(claims, role_map=None):
    """What the claims grant under the role map (settings.OIDC_ROLE_MAP when not given)."""
    role_map = parse_role_map(settings.OIDC_ROLE_MAP) if role_map is None else role_map
    grants = Grants()
    for value in claim_values(claims):
        if value not in role_map:
            continue
        grants.matched.append(value)
        for grant in role_map[value]:
            if grant[0] == "role":
                grants.roles.add(grant[1])
            else:
                grants.memberships.add((grant[1], grant[2]))
                grants.roles.add(Role.BOROUGH_EDITOR.value)
    return grants


@transaction.atomic
def apply_grants(user, grants):
    """Make the user's role groups and memberships exactly those granted (other groups are kept).

    Returns the list of borough slugs of the grants that name no borough (ignored, to be
    logged). Sets ``is_staff`` when a granted role uses the admin; never ``is_superuser``."""
    boroughs = {b.slug: b for b in Borough.objects.filter(slug__in={s for s, _ in grants.memberships})}
    unknown = sorted({slug for slug, _ in grants.memberships if slug not in boroughs})
    wanted = {(boroughs[slug].pk, role) for slug, role in grants.memberships if slug in boroughs}
    current = {(m.borough_id, m.role): m.pk for m in Membership.objects.filter(user=user)}
    Membership.objects.filter(pk__in=[pk for key, pk in current.items() if key not in wanted]).delete()
    Membership.objects.bulk_create(
        [Membership(user=user, borough_id=b, role=r) for b, r in sorted(wanted - current.keys())]
    )
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[g for g in role_groups if g.name not in grants.roles])
    user.groups.add(*[g for g in role_groups if g.name in grants.roles])
    staff = bool(grants.roles & {r.value for r in STAFF_ROLES})
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    return unknown
