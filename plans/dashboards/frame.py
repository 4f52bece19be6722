"""What every panel of one dashboard shares, read once from the page's FilterSet."""

import datetime as dt
from dataclasses import dataclass

from django.http import QueryDict

from ..filtersets import ActionFilterSet
from .links import base_query


@dataclass
class Frame:
    """The page's valid ``ActionFilterSet`` and what follows from it: the instant (``now``, aware)
    and day (``today``, local) the figures are for (the end of the as-at day, or now), the review
    intervals in days that decide "stale", and the filter part of the query string for
    drill-down links. Every panel of a dashboard is built from a Frame, never from the request.
    """

    filterset: ActionFilterSet
    user: object
    intervals: list
    query: QueryDict

    @classmethod
    def of(cls, filterset, *, user, intervals):
        return cls(filterset=filterset, user=user, intervals=intervals, query=base_query(filterset.data))

    @property
    def now(self) -> dt.datetime:
        return self.filterset.reference_time

    @property
    def today(self) -> dt.date:
        return self.filterset.reference_date

    @property
    def as_at(self) -> dt.date | None:
        """The as-at day, or None for today's figures."""
        return self.filterset.as_at_date

    @property
    def qs(self):
        """The page's actions: scoped, filtered, annotated with the effective status (cached)."""
        return self.filterset.qs

    @property
    def scope(self):
        """The page's actions before its filters (scope only), with the status as at the page's day."""
        return self.filterset.queryset.with_status(self.as_at)

    def counted(self):
        """Keyword arguments of counts.group_counts and total_counts for this page."""
        return {"now": self.now, "today": self.today, "intervals": self.intervals}
