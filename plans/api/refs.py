"""The owners and drivers an action's JSON names, read for a page of actions as plain rows.

``prefetch_related("owners", "drivers")`` built an Owner, a Driver and a Framework object for
every link and ran Django's prefetch machinery over them: about a quarter of the action list's
time. ``attach_refs`` reads the same names with two ``values_list`` queries (a link row and the
names it joins, in the models' own order) and hands each action lists of small read-only
records, with the attributes ``action_json`` reads. Tests compare the JSON written from them with
the JSON written through the declared fields, which read the relations themselves
(tests/test_api_representation.py)."""

from collections import defaultdict
from typing import NamedTuple

from ..models import Action


class OwnerRef(NamedTuple):
    """An owner as an action's JSON names it (``id``, also ``pk``)."""

    id: int
    label: str
    rank: str
    name: str
    team: str

    @property
    def pk(self):
        return self.id


class FrameworkRef(NamedTuple):
    slug: str


class DriverRef(NamedTuple):
    """A driver as an action's JSON names it, with its framework's slug."""

    slug: str
    name: str
    framework: FrameworkRef


def _ordered(model, through_field):
    """``model``'s default ordering, as seen from a link row through ``through_field``."""
    return [
        f"-{through_field}__{name[1:]}" if name.startswith("-") else f"{through_field}__{name}"
        for name in model._meta.ordering
    ]


def attach_refs(actions):
    """Set ``owners_prefetched`` ([OwnerRef], in the owners' order: label, then id) and
    ``drivers_prefetched`` ([DriverRef], in the drivers' order: framework, order, name) on each
    of ``actions`` (a list of Action instances): two queries whatever their number, none for
    none. Returns ``actions``."""
    ids = [action.pk for action in actions]
    if not ids:
        return actions
    owners, drivers = defaultdict(list), defaultdict(list)
    links = Action.owners.through.objects.filter(action_id__in=ids)
    owner = Action.owners.field.related_model
    rows = links.order_by(*_ordered(owner, "owner"), "owner_id").values_list(
        "action_id", "owner_id", "owner__label", "owner__rank", "owner__name", "owner__team"
    )
    for action_id, *fields in rows:
        owners[action_id].append(OwnerRef(*fields))
    links = Action.drivers.through.objects.filter(action_id__in=ids)
    driver = Action.drivers.field.related_model
    frameworks = {}
    rows = links.order_by(*_ordered(driver, "driver"), "driver_id").values_list(
        "action_id", "driver__slug", "driver__name", "driver__framework__slug"
    )
    for action_id, slug, name, framework in rows:
        framework_ref = frameworks.get(framework) or frameworks.setdefault(framework, FrameworkRef(framework))
        drivers[action_id].append(DriverRef(slug, name, framework_ref))
    for action in actions:
        action.owners_prefetched = owners.get(action.pk, [])
        action.drivers_prefetched = drivers.get(action.pk, [])
    return actions
