from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from ..choices import RAG, ChallengeStatus, Status, UpdateSource
from ..querysets import ScopedQuerySet
from .plan import TEXT_LIMIT


class AppendOnlyQuerySet(ScopedQuerySet):
    """History rows are never changed or removed through the product."""

    def update(self, **kwargs):
        raise ValidationError("Status history is append-only: rows cannot be changed.")

    def delete(self):
        raise ValidationError("Status history is append-only: rows cannot be deleted.")


class StatusUpdate(models.Model):
    """One change of an action's RAG, completion or commentary: who, when, from, to, why.

    Append-only. An action's current state is its latest update; a dashboard as at a past
    date is rebuilt from these rows. Written only by ``plans.services.apply_status_update``
    (and the bulk loaders of seed and synthetic data).
    """

    SCOPE_PATH = "action__objective__plan__borough"

    action = models.ForeignKey("plans.Action", on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
    )
    author_name = models.CharField(max_length=200, blank=True, help_text="Who, as shown, kept with the row.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    from_rag = models.CharField(max_length=10, choices=RAG.choices, blank=True)
    to_rag = models.CharField(max_length=10, choices=RAG.choices)
    from_completed = models.BooleanField(default=False)
    to_completed = models.BooleanField(default=False)
    commentary = models.TextField(blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])
    version = models.PositiveIntegerField(help_text="The action's version after this update.")
    source = models.CharField(max_length=12, choices=UpdateSource.choices, default=UpdateSource.PAGE)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(condition=models.Q(to_rag__in=RAG.values), name="update_to_rag_valid"),
            models.CheckConstraint(
                condition=models.Q(from_rag__in=[*RAG.values, ""]), name="update_from_rag_valid"
            ),
            models.UniqueConstraint(fields=["action", "version"], name="update_version_unique"),
        ]
        # An action's history in order, with what the status rules read: the history rule (the
        # latest update before a moment) and the monthly trend are answered from the index alone.
        indexes = [
            models.Index(
                fields=["action", "created_at", "version", "to_rag", "to_completed"],
                name="update_action_time_idx",
            )
        ]

    def __str__(self):
        return f"{self.action_id} v{self.version}: {self.from_status_display} → {self.to_status_display}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Status history is append-only: rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Status history is append-only: rows cannot be deleted.")

    @property
    def to_status(self):
        return Status.COMPLETE if self.to_completed else Status(self.to_rag)

    @property
    def from_status(self):
        if self.from_completed:
            return Status.COMPLETE
        return Status(self.from_rag) if self.from_rag else None

    @property
    def to_status_display(self):
        return self.to_status.label

    @property
    def from_status_display(self):
        return self.from_status.label if self.from_status else "—"

    @property
    def who(self):
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return self.author_name or "—"


class Challenge(models.Model):
    """An oversight question on a plan or one of its actions, which the borough must answer."""

    SCOPE_PATH = "plan__borough"

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="challenges")
    action = models.ForeignKey(
        "plans.Action", on_delete=models.PROTECT, related_name="challenges", null=True, blank=True
    )
    question = models.TextField(validators=[MaxLengthValidator(TEXT_LIMIT)])
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="challenges_raised"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ChallengeStatus.values), name="challenge_status_valid"
            ),
        ]

    def __str__(self):
        return self.question[:80]

    def clean(self):
        if self.action_id and self.action.objective.plan_id != self.plan_id:
            raise ValidationError({"action": "The action must belong to the challenged plan."})


class ChallengeReply(models.Model):
    """A message in a challenge's thread: the borough's response or oversight's follow-up."""

    SCOPE_PATH = "challenge__plan__borough"

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(validators=[MaxLengthValidator(TEXT_LIMIT)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "challenge replies"

    def __str__(self):
        return f"{self.author} on {self.created_at:%Y-%m-%d}"
