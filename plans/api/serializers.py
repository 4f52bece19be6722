"""Serializers of the plans API. Read serializers name related objects (borough, pillar,
objective, owners, drivers) so that a script needs no second request; the one write
serializer (``ActionUpdateSerializer``) only validates the shape of a PATCH: the rules are in
``plans.services.apply_status_update``."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import RAG, Status
from ..models import (
    BCU,
    Action,
    Borough,
    Challenge,
    ChallengeReply,
    MeasureReading,
    Objective,
    Owner,
    Pillar,
    Plan,
    StatusUpdate,
    Theme,
)
from ..models.plan import TEXT_LIMIT
from ..querysets import is_overdue, is_stale
from .action_json import action_json
from .fields import IdentityURLField, KeptFields, PrefetchedList, RefSerializer


def action_etag(action):
    """The ETag of an action: its id and version. ``If-Match`` must carry it back."""
    return f'"action-{action.pk}-v{action.version}"'


# --- references: the names a script needs, without a second request ------------------------
class BCURefSerializer(RefSerializer):
    class Meta:
        model = BCU
        fields = ["slug", "name"]


class BoroughRefSerializer(RefSerializer):
    class Meta:
        model = Borough
        fields = ["slug", "name"]


class PillarRefSerializer(RefSerializer):
    class Meta:
        model = Pillar
        fields = ["slug", "name"]


class ThemeRefSerializer(RefSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class PlanRefSerializer(RefSerializer):
    class Meta:
        model = Plan
        fields = ["id", "slug", "title"]


class ObjectiveRefSerializer(RefSerializer):
    class Meta:
        model = Objective
        fields = ["id", "number", "title"]


class OwnerRefSerializer(RefSerializer):
    class Meta:
        model = Owner
        fields = ["id", "label", "rank", "name", "team"]
        list_serializer_class = PrefetchedList


class DriverRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    framework = serializers.SlugField(source="framework.slug")

    class Meta:
        list_serializer_class = PrefetchedList

    def to_representation(self, instance):
        return {"slug": instance.slug, "name": instance.name, "framework": instance.framework.slug}


# --- boroughs, plans, objectives ---------------------------------------------------------------
class RagSummarySerializer(serializers.Serializer):
    """Current status counts of a borough's actions (Complete counts apart from its RAG)."""

    red = serializers.IntegerField(source="n_red")
    amber = serializers.IntegerField(source="n_amber")
    green = serializers.IntegerField(source="n_green")
    not_rated = serializers.IntegerField(source="n_not_rated")
    complete = serializers.IntegerField(source="n_complete")
    total = serializers.IntegerField(source="n_total")
    overdue = serializers.IntegerField(source="n_overdue")


class BoroughSerializer(KeptFields, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:borough-detail", lookup_field="slug")
    bcu = BCURefSerializer()
    plan = serializers.IntegerField(source="plan_id", allow_null=True, help_text="The borough's plan id.")
    summary = RagSummarySerializer(source="*")

    class Meta:
        model = Borough
        fields = ["id", "url", "slug", "name", "ons_code", "bcu", "is_synthetic", "plan", "summary"]


class PlanSerializer(KeptFields, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:plan-detail")
    borough = BoroughRefSerializer(allow_null=True)
    is_force = serializers.BooleanField(help_text="The force-wide plan (no borough).")
    action_count = serializers.IntegerField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "url",
            "slug",
            "title",
            "borough",
            "is_force",
            "period_start",
            "period_end",
            "review_interval_days",
            "source",
            "is_synthetic",
            "action_count",
        ]


class ObjectiveSerializer(KeptFields, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:objective-detail")
    plan = PlanRefSerializer()
    borough = BoroughRefSerializer(source="plan.borough", allow_null=True)
    pillar = PillarRefSerializer(allow_null=True)
    theme = ThemeRefSerializer(allow_null=True)

    class Meta:
        model = Objective
        fields = ["id", "url", "plan", "borough", "pillar", "theme", "number", "title"]


# --- actions -----------------------------------------------------------------------------------
class ActionSerializer(KeptFields, serializers.ModelSerializer):
    """An action with its status now, or as at ``?as_at=`` (rag, status, completed,
    last_reviewed_at, stale and overdue); the other fields are as they are now."""

    url = IdentityURLField(view_name="api:action-detail")
    updates_url = IdentityURLField(view_name="api:action-updates")
    borough = BoroughRefSerializer(source="objective.plan.borough", allow_null=True)
    plan = PlanRefSerializer(source="objective.plan")
    pillar = PillarRefSerializer(source="objective.pillar", allow_null=True)
    theme = ThemeRefSerializer(source="objective.theme", allow_null=True)
    objective = ObjectiveRefSerializer()
    owners = OwnerRefSerializer(many=True)
    drivers = DriverRefSerializer(many=True)
    rag = serializers.ChoiceField(choices=RAG.choices, source="eff_rag")
    status = serializers.ChoiceField(
        choices=Status.choices, source="eff_status", help_text="The RAG, or complete once done."
    )
    completed = serializers.BooleanField(source="eff_completed")
    last_reviewed_at = serializers.DateTimeField(source="eff_reviewed_at", allow_null=True)
    commentary = serializers.CharField(source="last_commentary", help_text="The latest commentary.")
    stale = serializers.SerializerMethodField(help_text="Not reviewed within the plan's review interval.")
    overdue = serializers.SerializerMethodField(help_text="Past its due date and not complete.")
    version = serializers.IntegerField(help_text="Send it back with a PATCH (or use the ETag).")

    class Meta:
        model = Action
        fields = [
            "id",
            "url",
            "borough",
            "plan",
            "pillar",
            "theme",
            "objective",
            "position",
            "text",
            "owners",
            "drivers",
            "due_date",
            "next_steps",
            "rag",
            "status",
            "completed",
            "completed_on",
            "commentary",
            "last_reviewed_at",
            "stale",
            "overdue",
            "version",
            "updates_url",
        ]

    def to_representation(self, action):
        """The action as a dict, in the order of ``Meta.fields``: written by ``action_json``
        (the same JSON as the declared fields give, ``field_by_field``), or by the fields
        without a request or with a format suffix."""
        request = self.context.get("request")
        if request is None or self.context.get("format"):
            return self.field_by_field(action)
        return action_json(self, action, request)

    def field_by_field(self, action):
        """The action as DRF writes it from the declared fields (the reference for the above)."""
        return super().to_representation(action)

    def _reference(self):
        """The instant and the day stale and overdue are judged at: one for the whole answer."""
        cached = getattr(self, "_reference_cache", None)
        if cached is None:
            filterset = getattr(self.context.get("view"), "filterset", None)
            if filterset is not None and filterset.is_bound and filterset.is_valid():
                cached = filterset.reference_time, filterset.reference_date
            else:
                cached = timezone.now(), timezone.localdate()
            self._reference_cache = cached
        return cached

    @extend_schema_field(serializers.BooleanField())
    def get_stale(self, action):
        now, _ = self._reference()
        return is_stale(
            reviewed_at=action.eff_reviewed_at,
            completed=action.eff_completed,
            interval_days=action.objective.plan.review_interval_days,
            now=now,
        )

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, action):
        _, today = self._reference()
        return is_overdue(due_date=action.due_date, completed=action.eff_completed, today=today)


class ActionUpdateSerializer(serializers.Serializer):
    """The body of ``PATCH /api/v1/actions/<id>/``. Send only what changes, with the version
    you saw (or ``If-Match``). A change of RAG or completion needs a commentary saying why."""

    version = serializers.IntegerField(
        min_value=0, required=False, help_text="The action's version when you read it."
    )
    rag = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="red, amber, green or not_rated (the words Red, Amber, Green in any case too).",
    )
    completed = serializers.BooleanField(required=False)
    commentary = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=TEXT_LIMIT * 2
    )
    next_steps = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=TEXT_LIMIT * 2
    )
    due_date = serializers.DateField(required=False, allow_null=True)

    CHANGES = ("rag", "completed", "commentary", "next_steps", "due_date")

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            writable = ", ".join(self.fields)
            raise serializers.ValidationError(
                {
                    name: [f"This field cannot be changed through the API (writable: {writable})."]
                    for name in unknown
                }
            )
        return attrs

    def changes(self):
        """Keyword arguments for ``apply_status_update``: only the fields that were sent."""
        return {name: self.validated_data[name] for name in self.CHANGES if name in self.validated_data}


# --- status updates, challenges, readings -------------------------------------------------------
class StatusUpdateSerializer(KeptFields, serializers.ModelSerializer):
    action = serializers.IntegerField(source="action_id")
    action_url = serializers.HyperlinkedRelatedField(
        source="action", view_name="api:action-detail", read_only=True
    )
    borough = BoroughRefSerializer(source="action.objective.plan.borough", allow_null=True)
    author = serializers.CharField(source="who", help_text="Who made the update, as shown.")
    from_status = serializers.ChoiceField(choices=Status.choices, allow_null=True)
    to_status = serializers.ChoiceField(choices=Status.choices)

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "action",
            "action_url",
            "borough",
            "created_at",
            "author",
            "from_rag",
            "to_rag",
            "from_completed",
            "to_completed",
            "from_status",
            "to_status",
            "commentary",
            "version",
            "source",
        ]


class ChallengeReplySerializer(KeptFields, serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = ChallengeReply
        fields = ["id", "author", "created_at", "text"]

    @extend_schema_field(serializers.CharField())
    def get_author(self, reply):
        return reply.author.get_full_name() or reply.author.get_username()


class ChallengeSerializer(KeptFields, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:challenge-detail")
    plan = PlanRefSerializer()
    borough = BoroughRefSerializer(source="plan.borough", allow_null=True)
    action = serializers.IntegerField(source="action_id", allow_null=True)
    raised_by = serializers.SerializerMethodField()
    replies = ChallengeReplySerializer(many=True)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "url",
            "plan",
            "borough",
            "action",
            "question",
            "raised_by",
            "raised_at",
            "due_date",
            "status",
            "closed_at",
            "replies",
        ]

    @extend_schema_field(serializers.CharField())
    def get_raised_by(self, challenge):
        return challenge.raised_by.get_full_name() or challenge.raised_by.get_username()


class MeasureReadingSerializer(KeptFields, serializers.ModelSerializer):
    measure = serializers.SlugField(source="measure.slug")
    measure_name = serializers.CharField(source="measure.name")
    borough = BoroughRefSerializer(allow_null=True, help_text="Empty for the London figure.")

    class Meta:
        model = MeasureReading
        fields = ["id", "measure", "measure_name", "borough", "period_end", "value", "source"]
