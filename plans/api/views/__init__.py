"""API viewsets of the plans app. Every queryset starts from ``visible_to(request.user)``;
the one write (PATCH of an action) goes through ``plans.services.apply_status_update``.

One module per resource: ``places`` (boroughs, plans, objectives), ``actions``, ``history``
(status updates), ``challenges``, ``readings``; ``common`` holds what they share.
"""

from .actions import ActionViewSet
from .challenges import ChallengeViewSet
from .common import NotFoundView
from .history import StatusUpdateViewSet
from .places import BoroughViewSet, ObjectiveViewSet, PlanViewSet
from .readings import MeasureReadingViewSet

__all__ = [
    "ActionViewSet",
    "BoroughViewSet",
    "ChallengeViewSet",
    "MeasureReadingViewSet",
    "NotFoundView",
    "ObjectiveViewSet",
    "PlanViewSet",
    "StatusUpdateViewSet",
]
