"""Which rows a user reads and changes: the scoping chokepoint of every query.

Every view, API viewset, export, dashboard count, filter choice and admin queryset starts from
``Model.objects.visible_to(user)`` or ``Model.objects.editable_by(user)``. Each scoped model
names the path from itself to its borough in ``SCOPE_PATH`` ("" for Borough itself); rows of the
force-wide plan have no borough. The rule of roles (``scope_for``), and ``may`` for every other step a user
takes, is in plans.scope.
"""

from django.db import models

from .scope import scope_for

__all__ = [
    "ActionQuerySet",
    "OwnerQuerySet",
    "ScopedQuerySet",
    "end_of_day",
    "is_overdue",
    "is_stale",
    "overdue_condition",
    "review_lengths",
    "stale_condition",
]


# --- the stale and overdue rules: one definition each, in SQL and in Python -------------------
def is_stale(*, reviewed_at, completed, interval_days, now, intervals=1):
    """True when an action is stale as at ``now``: not complete, and never reviewed or last
    reviewed ``intervals`` × its plan's review interval (``interval_days``, days) ago or more.
    ``intervals=2`` is the escalation of the reminders. ``stale_condition`` is the same rule in SQL.
    """
    import datetime as dt

    if completed:
        return False
    return reviewed_at is None or reviewed_at <= now - dt.timedelta(days=interval_days * intervals)


def stale_condition(now, interval_lengths, intervals=1):
    """``is_stale`` as a Q over the ``eff_*`` annotations of ``ActionQuerySet.with_status``, for
    plans whose review intervals are among ``interval_lengths`` (days; a handful of values)."""
    import datetime as dt

    condition = models.Q(pk__in=[])  # never true: the start of an OR
    for days in interval_lengths:
        condition |= models.Q(objective__plan__review_interval_days=days) & (
            models.Q(eff_reviewed_at__lte=now - dt.timedelta(days=days * intervals))
            | models.Q(eff_reviewed_at__isnull=True)
        )
    return condition & models.Q(eff_completed=False)


def review_lengths():
    """The review intervals plans use (days; a handful of values): one small query, unordered so
    that DISTINCT is over the interval alone."""
    from .models import Plan

    return set(Plan.objects.order_by().values_list("review_interval_days", flat=True).distinct())


def is_overdue(*, due_date, completed, today):
    """True when an action is overdue on ``today``: due before it and not complete."""
    return bool(due_date and not completed and due_date < today)


def overdue_condition(today):
    """``is_overdue`` as a Q over the ``eff_completed`` annotation of ``with_status``."""
    return models.Q(due_date__lt=today, eff_completed=False)


class ScopedQuerySet(models.QuerySet):
    """QuerySet with the two scoping methods; the model sets SCOPE_PATH."""

    def is_every_row(self):
        """True when this (a ``visible_to`` or ``editable_by`` result, before other filters) is
        the whole table: the user's scope covers every row. Read from the query, no SQL."""
        return not self.query.is_empty() and not self.query.where

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


class OwnerQuerySet(ScopedQuerySet):
    """Owners, and the owners of a list of actions read in one query."""

    def by_action(self, action_ids):
        """{action id: [Owner, by label]} of these owners linked to ``action_ids``: one query, a row
        per owner and action (not a link row and an owner row), as ``prefetch_related("owners")``
        would order them."""
        from collections import defaultdict

        found = defaultdict(list)
        linked = self.filter(actions__in=list(action_ids) or [0]).annotate(linked_action=models.F("actions"))
        for owner in linked.order_by("label", "pk"):
            found[owner.linked_action].append(owner)
        return found


def end_of_day(day):
    """The first instant after ``day`` in the project's time zone: "as at" means end of that day."""
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


class ActionQuerySet(ScopedQuerySet):
    """Actions with their *effective* status: now, or rebuilt from the history as at a date.

    ``with_status(as_at)`` annotates ``eff_rag``, ``eff_completed``, ``eff_reviewed_at`` and
    ``eff_status``; the filters below use only these, so pages, exports and the API give the
    same answer for the same date. It keeps the actions in the plan at that moment (``live``): a
    retired action leaves the plan's figures from its retirement on and stays in those before
    (``with_retired=True`` keeps every action: the export's status history).
    """

    _snapshot_day = None  # a closed quarter's last day whose kept statuses with_status reads

    def _clone(self):
        clone = super()._clone()
        clone._snapshot_day = self._snapshot_day
        return clone

    def with_quarter_snapshot(self, day):
        """These actions, whose ``with_status(day)`` reads the statuses kept at the end of ``day``
        (a closed quarter's last day, ``plans.snapshots.quarter_snapshot``) with a join instead of
        the history: the same figures. ``day`` None changes nothing."""
        clone = self._clone()
        clone._snapshot_day = day
        return clone

    def live(self, at=None):
        """Actions in the plan at ``at`` (an aware datetime; default: now): not yet retired then.
        A retired action stays, with its history, for every moment before its retirement."""
        if at is None:
            return self.filter(retired_at__isnull=True)
        return self.filter(models.Q(retired_at__isnull=True) | models.Q(retired_at__gte=at))

    def editable_by(self, user):
        """The actions ``user`` may change: those of their boroughs (plans.scope), never a retired one."""
        return super().editable_by(user).filter(retired_at__isnull=True)

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

    def with_status(self, as_at=None, *, with_retired=False):
        from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When

        base = self if with_retired else self.live(None if as_at is None else end_of_day(as_at))
        if as_at is None:
            qs = base.annotate(
                eff_rag=F("rag"),
                eff_completed=F("completed"),
                eff_reviewed_at=F("last_reviewed_at"),
            )
        elif as_at == self._snapshot_day:
            return self._with_kept_status(base, as_at)
        else:
            from .models import StatusUpdate

            latest = StatusUpdate.objects.filter(
                action=OuterRef("pk"), created_at__lt=end_of_day(as_at)
            ).order_by("-created_at", "-version")
            # The status as one subquery of its own: a count by status (the dashboards' as-at and
            # last-quarter figures) then reads each action's history once, not once for the RAG
            # and again for completion.
            status = latest.annotate(
                status=Case(When(to_completed=True, then=Value("complete")), default=F("to_rag"))
            ).values("status")[:1]
            return base.annotate(
                eff_rag=Subquery(latest.values("to_rag")[:1]),
                eff_completed=Subquery(latest.values("to_completed")[:1]),
                eff_reviewed_at=Subquery(latest.values("created_at")[:1]),
                eff_status=Subquery(status, output_field=CharField()),
            ).filter(eff_status__isnull=False)  # actions with no status by then did not exist yet
        return qs.annotate(
            eff_status=Case(
                When(eff_completed=True, then=Value("complete")),
                default=F("eff_rag"),
                output_field=CharField(),
            )
        )

    @staticmethod
    def _with_kept_status(base, day):
        """``with_status(day)`` from the kept statuses at the end of ``day`` (``QuarterEndStatus``):
        one join; an action with no kept row had no status by then and is left out."""
        from django.db.models import Case, CharField, F, FilteredRelation, Q, Value, When

        kept = FilteredRelation("quarter_end_statuses", condition=Q(quarter_end_statuses__quarter_end=day))
        return (
            base.annotate(kept=kept)
            .filter(kept__quarter_end__isnull=False)
            .annotate(
                eff_rag=F("kept__rag"),
                eff_completed=F("kept__completed"),
                eff_reviewed_at=F("kept__reviewed_at"),
                eff_status=Case(
                    When(kept__completed=True, then=Value("complete")),
                    default=F("kept__rag"),
                    output_field=CharField(),
                ),
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

    def stale(self, now, yes=True, intervals=1, lengths=None):
        """Not reviewed within the plan's review interval as at ``now`` (complete is never stale).

        ``intervals=2`` gives the actions stale for two intervals or more (escalated).
        ``lengths``: the review intervals plans use (days), when the caller has read them
        already; otherwise one small query reads them.
        """
        condition = stale_condition(now, review_lengths() if lengths is None else lengths, intervals)
        return self.filter(condition) if yes else self.exclude(condition)

    def stale_counts(self, now, lengths=None):
        """(stale, stale for two intervals or more) among these actions, in one query."""
        from django.db.models import Count

        lengths = review_lengths() if lengths is None else lengths
        row = self.order_by().aggregate(
            stale=Count("pk", filter=stale_condition(now, lengths), distinct=True),
            escalated=Count("pk", filter=stale_condition(now, lengths, 2), distinct=True),
        )
        return row["stale"], row["escalated"]

    def overdue(self, today, yes=True):
        condition = overdue_condition(today)
        return self.filter(condition) if yes else self.exclude(condition)
