"""The one place that knows who may see and change which borough's data.

Every view, API viewset, export, dashboard count, filter choice and admin queryset starts from
``Model.objects.visible_to(user)`` or ``Model.objects.editable_by(user)``. Each scoped model
names the path from itself to its borough in ``SCOPE_PATH`` ("" for Borough itself); rows of the
force-wide plan have no borough.

The rule:
- administrators (superusers or the Administrator group) read and change everything;
- oversight and analysts read everything and change no plan data;
- a borough editor reads every borough (the London comparison is shared) and changes only the
  boroughs they are a member of;
- a force editor reads everything and changes the force-wide plan;
- a logged-in user with none of these roles sees nothing.
Roles are read from the database on every request: removing a membership takes effect at once.
"""

from dataclasses import dataclass

from django.db import models

from .choices import Role


@dataclass(frozen=True)
class Scope:
    read_all: bool = False
    edit_all: bool = False
    edit_force: bool = False
    edit_borough_ids: frozenset = frozenset()
    roles: frozenset = frozenset()

    @property
    def can_edit_any(self):
        return self.edit_all or self.edit_force or bool(self.edit_borough_ids)

    def can_edit_borough(self, borough_id):
        if self.edit_all:
            return True
        if borough_id is None:
            return self.edit_force
        return borough_id in self.edit_borough_ids

    def has(self, role):
        return self.edit_all or role in self.roles


def scope_for(user):
    """Return the user's Scope, computed once per request object (never across requests)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_trustplan_scope", None)
    if cached is not None:
        return cached
    from .models import Membership

    roles = frozenset(user.groups.values_list("name", flat=True))
    borough_ids = frozenset(Membership.objects.filter(user=user).values_list("borough_id", flat=True))
    is_admin = user.is_superuser or Role.ADMINISTRATOR in roles
    readers = {Role.OVERSIGHT, Role.ANALYST, Role.FORCE_EDITOR, Role.BOROUGH_EDITOR}
    scope = Scope(
        read_all=is_admin or bool(roles & readers) or bool(borough_ids),
        edit_all=is_admin,
        edit_force=is_admin or Role.FORCE_EDITOR in roles,
        edit_borough_ids=borough_ids,
        roles=roles,
    )
    user._trustplan_scope = scope
    return scope


class ScopedQuerySet(models.QuerySet):
    """QuerySet with the two scoping methods; the model sets SCOPE_PATH."""

    def _borough_lookup(self):
        path = self.model.SCOPE_PATH
        return path or "pk"

    def visible_to(self, user):
        return self.all() if scope_for(user).read_all else self.none()

    def editable_by(self, user):
        scope = scope_for(user)
        if scope.edit_all:
            return self.all()
        path = self.model.SCOPE_PATH
        lookup = f"{path}__in" if path else "pk__in"
        condition = models.Q(**{lookup: scope.edit_borough_ids})
        if scope.edit_force and path:
            condition |= models.Q(**{f"{path}__isnull": True})
        if not scope.edit_borough_ids and not (scope.edit_force and path):
            return self.none()
        return self.filter(condition)


def end_of_day(day):
    """The first instant after ``day`` in the project's time zone: "as at" means end of that day."""
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


class ActionQuerySet(ScopedQuerySet):
    """Actions with their *effective* status: now, or rebuilt from the history as at a date.

    ``with_status(as_at)`` annotates ``eff_rag``, ``eff_completed``, ``eff_reviewed_at`` and
    ``eff_status``; the filters below use only these, so pages, exports and the API give the
    same answer for the same date.
    """

    def in_plan_order(self):
        """Borough, plan, pillar, theme, objective number, position: the order of the plan's
        document, used by the action list and the exports alike."""
        return self.order_by(
            "objective__plan__borough__name",
            "objective__plan__title",
            "objective__pillar__order",
            "objective__theme__order",
            "objective__number",
            "position",
            "pk",
        )

    def with_status(self, as_at=None):
        from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When

        if as_at is None:
            qs = self.annotate(
                eff_rag=F("rag"),
                eff_completed=F("completed"),
                eff_reviewed_at=F("last_reviewed_at"),
            )
        else:
            from .models import StatusUpdate

            latest = StatusUpdate.objects.filter(
                action=OuterRef("pk"), created_at__lt=end_of_day(as_at)
            ).order_by("-created_at", "-version")
            qs = self.annotate(
                eff_rag=Subquery(latest.values("to_rag")[:1]),
                eff_completed=Subquery(latest.values("to_completed")[:1]),
                eff_reviewed_at=Subquery(latest.values("created_at")[:1]),
            ).filter(eff_rag__isnull=False)  # actions with no status by then did not exist yet
        return qs.annotate(
            eff_status=Case(
                When(eff_completed=True, then=Value("complete")),
                default=F("eff_rag"),
                output_field=CharField(),
            )
        )

    def with_commentary(self, as_at=None):
        """Annotate ``eff_commentary``: the latest commentary, now or as at a date."""
        from django.db.models import F, OuterRef, Subquery

        if as_at is None:
            return self.annotate(eff_commentary=F("last_commentary"))
        from .models import StatusUpdate

        latest = (
            StatusUpdate.objects.filter(action=OuterRef("pk"), created_at__lt=end_of_day(as_at))
            .exclude(commentary="")
            .order_by("-created_at", "-version")
        )
        return self.annotate(eff_commentary=Subquery(latest.values("commentary")[:1]))

    def with_status_filter(self, statuses):
        return self.filter(eff_status__in=list(statuses))

    def stale(self, now, yes=True, intervals=1):
        """Not reviewed within the plan's review interval as at ``now`` (complete is never stale).

        ``intervals=2`` gives the actions stale for two intervals or more (escalated).
        """
        import datetime as dt

        from .models import Plan

        lengths = set(Plan.objects.values_list("review_interval_days", flat=True).distinct())
        condition = models.Q(pk__in=[])
        for days in lengths:
            condition |= models.Q(objective__plan__review_interval_days=days) & (
                models.Q(eff_reviewed_at__lte=now - dt.timedelta(days=days * intervals))
                | models.Q(eff_reviewed_at__isnull=True)
            )
        condition &= models.Q(eff_completed=False)
        return self.filter(condition) if yes else self.exclude(condition)

    def overdue(self, today, yes=True):
        condition = models.Q(due_date__lt=today, eff_completed=False)
        return self.filter(condition) if yes else self.exclude(condition)
