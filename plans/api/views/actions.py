"""Actions: list, read, and the one write of the API (PATCH, through
plans.services.apply_status_update)."""

import logging
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import NotFound, PermissionDenied, UnsupportedMediaType, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from ...choices import UpdateSource
from ...filtersets import ActionFilterSet
from ...models import Action
from ...scope import EDIT_ACTION, may
from ...services import StaleVersion, apply_status_update
from ..filters import (
    FilterBackend,
    StableOrderingFilter,
    StatusUpdateFilterSet,
)
from ..parsers import PARSERS
from ..refs import attach_refs
from ..renderers import CSVRenderer
from ..serializers import (
    ActionSerializer,
    ActionUpdateSerializer,
    StatusUpdateSerializer,
    action_etag,
)
from .common import BAD_FILTER, ERRORS, FORMAT_PARAMETER, CSVListMixin, missing_action
from .history import STATUS_UPDATE_CSV, status_update_queryset

security_log = logging.getLogger("trustplan.security")


# --- actions -----------------------------------------------------------------------------------
ACTION_EXAMPLE = {
    "id": 118,
    "url": "https://trustplan.example/api/v1/actions/118/",
    "borough": {"slug": "southwark", "name": "Southwark"},
    "plan": {
        "id": 1,
        "slug": "southwark-trust-and-confidence-plan",
        "title": "Southwark Trust and Confidence Plan",
    },
    "pillar": {"slug": "more-trust", "name": "More Trust"},
    "theme": None,
    "objective": {"id": 3, "number": 3, "title": "Improve the experience of victims"},
    "position": 2,
    "text": "Call back every victim of burglary within 24 hours.",
    "owners": [{"id": 7, "label": "Supt Example", "rank": "Supt", "name": "Example", "team": ""}],
    "drivers": [{"slug": "effectiveness", "name": "Effectiveness", "framework": "stanko-bradford"}],
    "due_date": "2025-03-31",
    "next_steps": "Audit a sample of call-backs each month.",
    "rag": "red",
    "status": "red",
    "completed": False,
    "completed_on": None,
    "commentary": "Call-backs slipped while the team was short of staff.",
    "last_reviewed_at": "2025-02-03T10:15:00Z",
    "stale": False,
    "overdue": False,
    "version": 4,
    "updates_url": "https://trustplan.example/api/v1/actions/118/updates/",
}


CONFLICT = inline_serializer(
    "ActionConflict",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "your_version": serializers.IntegerField(),
        "current": ActionSerializer(),
        "newer_updates": StatusUpdateSerializer(many=True),
    },
)


ACTION_FILTERS = "borough, bcu, pillar, objective, driver, owner, rag, stale, overdue and as_at"


@extend_schema_view(
    list=extend_schema(
        summary="Actions, filtered",
        description=f"Filters ({ACTION_FILTERS}) mean the same as on the dashboards and exports. "
        "Repeat a filter to combine values: ?rag=red&rag=amber. With as_at=YYYY-MM-DD, rag, status, "
        "stale and overdue are as they stood at the end of that day.",
        parameters=[FORMAT_PARAMETER],
        responses={
            200: ActionSerializer,
            400: BAD_FILTER,
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Red actions of Southwark",
                summary="GET /api/v1/actions/?borough=southwark&rag=red",
                value={"count": 1, "next": None, "previous": None, "results": [ACTION_EXAMPLE]},
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One action (its ETag carries the version)",
        parameters=[FORMAT_PARAMETER],
        responses={200: ActionSerializer, 404: None, **ERRORS},
    ),
)
class ActionViewSet(CSVListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Actions with nested names, their current status (or as at a date), stale, overdue and
    version. ``PATCH`` updates the status; there is no PUT, POST or DELETE."""

    serializer_class = ActionSerializer
    filter_backends = [FilterBackend, StableOrderingFilter]
    filterset_class = ActionFilterSet
    ordering_fields = ["id", "due_date", "last_reviewed_at", "version", "position", "created_at"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    http_method_names = ["get", "patch", "head", "options"]
    parser_classes = PARSERS
    lookup_value_regex = "[0-9]{1,18}"
    csv_filename = "actions"
    csv_columns = [
        ("id", "id"),
        ("borough", "borough.name"),
        ("plan", "plan.title"),
        ("pillar", "pillar.name"),
        ("theme", "theme.name"),
        ("objective", "objective.number"),
        ("objective_title", "objective.title"),
        ("position", "position"),
        ("action", "text"),
        ("owners", "owners[].label"),
        ("drivers", "drivers[].name"),
        ("due_date", "due_date"),
        ("rag", "rag"),
        ("status", "status"),
        ("completed", "completed"),
        ("completed_on", "completed_on"),
        ("stale", "stale"),
        ("overdue", "overdue"),
        ("last_reviewed_at", "last_reviewed_at"),
        ("commentary", "commentary"),
        ("next_steps", "next_steps"),
        ("version", "version"),
    ]

    def get_queryset(self):
        if self.action == "updates":
            return status_update_queryset(self.request.user).filter(action_id=self.kwargs.get("pk"))
        # Owners and drivers are read for the actions answered (``prepare_rows``), as rows.
        return Action.objects.visible_to(self.request.user).select_related(
            "objective__plan__borough",
            "objective__pillar",
            "objective__theme",
        )

    def prepare_rows(self, actions):
        """The actions of a page, of a CSV chunk, or one action: with their owners and drivers
        (``refs.attach_refs``: two queries). The history's rows need nothing."""
        return actions if self.action == "updates" else attach_refs(actions)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return page if page is None else self.prepare_rows(list(page))

    def get_object(self):
        try:
            found = super().get_object()
        except Http404:
            raise missing_action(self.request.user, self.kwargs["pk"], self.request.query_params) from None
        return self.prepare_rows([found])[0]

    def filter_queryset(self, queryset):
        """One action read without a filter, or updated: its status now (what ActionFilterSet
        gives when no filter is asked), without building the FilterSet and its form. A PATCH
        names its action by id and answers with it as it stands after the update, whatever the
        query string. A read with any parameter (``as_at``, a filter) is the FilterSet's, as for
        the list."""
        unfiltered = not set(self.request.query_params) - {"format"}
        if self.action == "partial_update" or (self.action == "retrieve" and unfiltered):
            self.filterset = None
            return queryset.with_status()
        return super().filter_queryset(queryset)

    def _target(self):
        """The action a PATCH names: 404 unless the user sees it and it is in the plan (as
        ``get_object``), read with its objective and plan (whose borough decides who may change
        it) but without the other related rows and status the answer needs."""
        visible = Action.objects.visible_to(self.request.user).live().select_related("objective__plan")
        if (action := visible.filter(pk=self.kwargs["pk"]).first()) is None:
            raise missing_action(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, action)
        return action

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return Response(self.get_serializer(instance).data, headers={"ETag": action_etag(instance)})

    @extend_schema(
        summary="Update an action's status",
        description="RAG, completion, commentary, next steps and due date, through the same rules as the "
        "action page. Send the version you read (field `version`, or the header `If-Match` with the ETag "
        "of GET). A change of RAG or completion needs a commentary of at least a sentence. "
        "A stale version is refused with the current state (409, or 412 with If-Match); nothing is written.",
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='The ETag from GET, e.g. "action-118-v4" (instead of the version field).',
            )
        ],
        request=ActionUpdateSerializer,
        responses={
            200: ActionSerializer,
            400: OpenApiResponse(
                description="A value is not valid (one message per field), or the body is not valid JSON. "
                "Nothing written."
            ),
            401: ERRORS[401],
            403: OpenApiResponse(description="Not your borough's action (or no role). Nothing written."),
            404: OpenApiResponse(
                description="No such action, or taken out of the plan: the answer says when."
            ),
            409: OpenApiResponse(CONFLICT, description="Someone changed the action since you read it."),
            412: OpenApiResponse(CONFLICT, description="If-Match does not match the current ETag."),
            415: OpenApiResponse(description="The body is not JSON (send Content-Type: application/json)."),
            428: OpenApiResponse(description="No version given: send `version` or If-Match."),
        },
        examples=[
            OpenApiExample(
                "Turn an action Red",
                value={
                    "version": 4,
                    "rag": "red",
                    "commentary": "Call-backs slipped while the team was short of staff.",
                    "next_steps": "Audit a sample of call-backs each month.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Mark an action complete",
                value={
                    "version": 5,
                    "completed": True,
                    "commentary": "All victims now get a call-back within a day.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Stale version (409)",
                value={
                    "detail": "This action was changed by someone else (now version 5, you saw version 4). "
                    "Nothing was saved.",
                    "code": "stale_version",
                    "your_version": 4,
                    "current": ACTION_EXAMPLE | {"version": 5},
                    "newer_updates": [],
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        action = self._target()  # 404 when it does not exist (every role reads every borough)
        if not may(request.user, EDIT_ACTION, action):  # the scope's rule, without a query
            security_log.warning(
                "api: refused PATCH of action=%s by user=%s (not editable)", action.pk, request.user
            )
            raise PermissionDenied(
                "You can only update actions of your own borough's plan. Nothing was saved."
            )
        try:
            data = request.data  # 400 for a body that is not valid JSON
        except UnsupportedMediaType as exc:
            raise UnsupportedMediaType(
                request.content_type,
                detail=f'Unsupported media type "{request.content_type}": send JSON '
                "(Content-Type: application/json). Nothing was saved.",
            ) from exc
        body = ActionUpdateSerializer(data=data)
        body.is_valid(raise_exception=True)
        seen_version, via_header = self._seen_version(request, action, body.validated_data.get("version"))
        if seen_version is None:
            return Response(
                {
                    "detail": "Send the version you read: the field `version`, or the header If-Match "
                    f"with the ETag of GET {request.path}. Nothing was saved.",
                    "code": "version_required",
                },
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        try:
            apply_status_update(
                action=action,
                user=request.user,
                seen_version=seen_version,
                source=UpdateSource.API,
                **body.changes(),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        except StaleVersion as exc:
            return self._conflict(
                exc, status.HTTP_412_PRECONDITION_FAILED if via_header else status.HTTP_409_CONFLICT
            )
        fresh = self.get_object()
        return Response(self.get_serializer(fresh).data, headers={"ETag": action_etag(fresh)})

    ETAG = re.compile(r'^(?:W/)?"action-(?P<id>\d+)-v(?P<version>\d+)"$')

    def _seen_version(self, request, action, body_version):
        """(version, came from If-Match). Raises 400 for a malformed or contradictory header."""
        header = request.headers.get("If-Match", "").strip()
        if not header:
            return body_version, False
        match = self.ETAG.match(header)
        if header == "*" or not match:
            raise ValidationError(
                {
                    "If-Match": [
                        f"Send the ETag of GET {request.path}, e.g. {action_etag(action)}; "
                        '"*" is not accepted.'
                    ]
                }
            )
        if int(match["id"]) != action.pk:
            raise ValidationError({"If-Match": ["This ETag belongs to another action."]})
        version = int(match["version"])
        if body_version is not None and body_version != version:
            raise ValidationError({"version": ["The version field and If-Match disagree: send one of them."]})
        return version, True

    def _conflict(self, exc, code):
        current = self.get_object()
        return Response(
            {
                "detail": str(exc),
                "code": "stale_version",
                "your_version": exc.seen_version,
                "current": self.get_serializer(current).data,
                "newer_updates": StatusUpdateSerializer(
                    exc.newer_updates, many=True, context=self.get_serializer_context()
                ).data,
            },
            status=code,
            headers={"ETag": action_etag(current)},
        )

    @extend_schema(
        summary="The status history of one action",
        parameters=[FORMAT_PARAMETER],
        responses={200: StatusUpdateSerializer(many=True), 404: None, **ERRORS},
    )
    @route(
        detail=True,
        methods=["get"],
        url_path="updates",
        url_name="updates",
        filter_backends=[FilterBackend, StableOrderingFilter],
        filterset_class=StatusUpdateFilterSet,
        serializer_class=StatusUpdateSerializer,
        ordering_fields=["created_at", "version"],
    )
    def updates(self, request, *args, **kwargs):
        if not Action.objects.visible_to(request.user).filter(pk=kwargs["pk"]).exists():
            raise NotFound("No such action.")
        queryset = self.filter_queryset(self.get_queryset())
        if self.wants_csv():
            return self.csv_response(queryset)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_csv_columns(self):
        return STATUS_UPDATE_CSV if self.action == "updates" else self.csv_columns

    def csv_response(self, queryset):
        self.csv_columns = self.get_csv_columns()
        if self.action == "updates":
            self.csv_filename = "status-updates"
        return super().csv_response(queryset)
