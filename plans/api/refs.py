"""The owners and drivers an action's JSON names, read for a page of actions in two queries.

``prefetch_related("owners", "drivers")`` built a link object per owner, and a Driver and a
Framework object per driver, and ran Django's prefetch machinery over them: about a quarter of
the action list's time. ``attach_refs`` reads the owners as the dashboards do
(``Owner.objects.by_action``: a row per owner and action) and the drivers' names as rows (a
``values_list`` over the links, in the drivers' own order), handed to each action as lists with
the attributes ``action_json`` reads. Tests compare the JSON written from them with the JSON
written through the declared fields, which read the relations themselves
(tests/test_api_representation.py)."""

from collections import defaultdict
from typing import NamedTuple

from ..models import Action, Owner


class FrameworkRef(NamedTuple):
    slug: str


class DriverRef(NamedTuple):
    """A driver as an action's JSON names it, with its framework's slug."""

    slug: str
    name: str
    framework: FrameworkRef


def attach_refs(actions):
    """Set ``owners_prefetched`` ([Owner], by label, then id) and ``drivers_prefetched``
    ([DriverRef], in the drivers' order: framework, order, name) on each of ``actions`` (a list
    of Action instances): two queries whatever their number, none for none. Returns ``actions``."""
    ids = [action.pk for action in actions]
    if not ids:
        return actions
    owners = Owner.objects.by_action(ids)
    driver = Action.drivers.field.related_model
    order = [
        f"-driver__{name[1:]}" if name.startswith("-") else f"driver__{name}"
        for name in driver._meta.ordering
    ]
    rows = (
        Action.drivers.through.objects.filter(action_id__in=ids)
        .order_by(*order, "driver_id")
        .values_list("action_id", "driver__slug", "driver__name", "driver__framework__slug")
    )
    drivers, frameworks = defaultdict(list), {}
    for action_id, slug, name, framework in rows:
        drivers[action_id].append(
            DriverRef(slug, name, frameworks.setdefault(framework, FrameworkRef(framework)))
        )
    for action in actions:
        action.owners_prefetched = owners.get(action.pk, [])
        action.drivers_prefetched = drivers.get(action.pk, [])
    return actions
