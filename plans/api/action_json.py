"""An action's JSON in the API, written by hand: a list of a hundred actions named its borough,
plan, pillar, theme, objective, owners and drivers through seven nested serializers a row (about
a third of the list's time). ``action_json`` writes the same JSON as ``ActionSerializer``'s
declared fields (``ActionSerializer.field_by_field``), key for key and in order: tests compare
the two on every action, filter, as-at day, the CSV, a PATCH and a conflict
(tests/test_api_representation.py)."""

from rest_framework import serializers

from .fields import fill, url_template

# Dates and times written as the declared fields write them (ISO 8601, in local time).
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def _choice(value):
    """A choice as ``ChoiceField`` writes it: its text (empty and null as they are)."""
    return value if value in ("", None) else str(value)


def action_json(serializer, action, request):
    """The dict ``serializer`` (an ``ActionSerializer``) writes for ``action`` (read with its
    objective, plan, borough, pillar and theme, its status annotations ``eff_*``, and its owners
    and drivers, prefetched to ``owners_prefetched`` and ``drivers_prefetched`` or not): stale and
    overdue from the serializer's methods, the URLs reversed once per serializer."""
    urls = serializer.__dict__.get("_url_templates")
    if urls is None:
        names = ("api:action-detail", "api:action-updates")
        urls = serializer._url_templates = tuple(url_template(name, request) for name in names)
    objective = action.objective
    plan = objective.plan
    borough, pillar, theme = plan.borough, objective.pillar, objective.theme
    owners = getattr(action, "owners_prefetched", None)
    drivers = getattr(action, "drivers_prefetched", None)
    date, reviewed = _DATE.to_representation, action.eff_reviewed_at
    return {
        "id": action.pk,
        "url": fill(urls[0], action.pk),
        "borough": None if borough is None else {"slug": borough.slug, "name": borough.name},
        "plan": {"id": plan.pk, "slug": plan.slug, "title": plan.title},
        "pillar": None if pillar is None else {"slug": pillar.slug, "name": pillar.name},
        "theme": None if theme is None else {"slug": theme.slug, "name": theme.name},
        "objective": {"id": objective.pk, "number": objective.number, "title": objective.title},
        "position": action.position,
        "text": str(action.text),
        "owners": [
            {"id": o.pk, "label": o.label, "rank": o.rank, "name": o.name, "team": o.team}
            for o in (action.owners.all() if owners is None else owners)
        ],
        "drivers": [
            {"slug": d.slug, "name": d.name, "framework": d.framework.slug}
            for d in (action.drivers.all() if drivers is None else drivers)
        ],
        "due_date": None if action.due_date is None else date(action.due_date),
        "next_steps": str(action.next_steps),
        "rag": _choice(action.eff_rag),
        "status": _choice(action.eff_status),
        "completed": bool(action.eff_completed),
        "completed_on": None if action.completed_on is None else date(action.completed_on),
        "commentary": str(action.last_commentary),
        "last_reviewed_at": None if reviewed is None else _DATETIME.to_representation(reviewed),
        "stale": serializer.get_stale(action),
        "overdue": serializer.get_overdue(action),
        "version": action.version,
        "updates_url": fill(urls[1], action.pk),
    }
