"""Users and the owners they are: a borough editor links their account to the owners the plan
names them as (only owners of their own boroughs, and only owners nobody else has claimed), so
that "my actions" can be found, listed first and reminded.

``claimable_owners(user)`` and ``link_owners(*, user, owner_ids)`` are the read and the write;
``mine_first`` and ``owner_rows`` serve the action list and the monthly review.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from .models import Action, Owner
from .scope import scope_for


def claimable_owners(user):
    """Owners of the user's boroughs that are unlinked or linked to the user, by label."""
    boroughs = scope_for(user).edit_borough_ids
    return (
        Owner.objects.filter(borough__in=boroughs)
        .filter(Q(user__isnull=True) | Q(user=user))
        .order_by("borough__name", "label")
    )


def link_owners(*, user, owner_ids):
    """Make the user exactly the owners ``owner_ids`` among ``claimable_owners(user)``.

    Raises PermissionDenied for a user without a borough, ValidationError naming any owner that
    is not claimable (another borough's, or someone else's); nothing is written then.
    Returns the number of owners now linked to the user.
    """
    if not scope_for(user).edit_borough_ids:
        raise PermissionDenied("Only members of a borough can link themselves to its owners.")
    allowed = claimable_owners(user)
    wanted = {int(pk) for pk in owner_ids}
    found = set(allowed.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        missing = ", ".join(str(pk) for pk in sorted(wanted - found))
        raise ValidationError(
            f"Not an owner of your borough that you can claim: {missing}. Nothing was saved."
        )
    with transaction.atomic():
        allowed.filter(user=user).exclude(pk__in=found).update(user=None)
        allowed.filter(pk__in=found).update(user=user)
    return len(found)


def mine_first(queryset, user, *, only_mine=False):
    """Actions the user owns first (``is_mine``), keeping the queryset's order within each part;
    ``only_mine`` keeps only them."""
    links = Action.owners.through.objects.filter(action_id=OuterRef("pk"), owner__user=user)
    queryset = queryset.annotate(is_mine=Exists(links))
    if only_mine:
        queryset = queryset.filter(is_mine=True)
    return queryset.order_by("-is_mine", *queryset.query.order_by)


def owner_rows(rows, request):
    """The review's rows whose action has one of the owners asked for (``?owner=<id>``, or
    ``?mine=1`` for the user's own); all rows when neither is given. Uses the prefetched owners."""
    ids = {int(v) for v in request.GET.getlist("owner") if v.isdigit()}
    mine = request.GET.get("mine") == "1"
    if not ids and not mine:
        return rows

    def keep(row):
        return any(o.pk in ids or (mine and o.user_id == request.user.pk) for o in row.action.owners.all())

    return [row for row in rows if keep(row) or row.submitted]


def owner_filter_context(rows, request):
    """The review's Owner filter: the plan's owners (from the prefetched rows, no query), the
    chosen ids and whether "mine" is on."""
    owners = {o.pk: o for row in rows for o in row.action.owners.all()}
    return {
        "owner_choices": sorted(owners.values(), key=lambda o: o.label),
        "owner_chosen": {int(v) for v in request.GET.getlist("owner") if v.isdigit()},
        "mine_only": request.GET.get("mine") == "1",
    }
