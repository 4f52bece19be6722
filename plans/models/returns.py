from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from ..choices import RAG, ReturnEventKind, ReturnStatus
from ..querysets import ScopedQuerySet
from .plan import TEXT_LIMIT


class QuarterlyReturn(models.Model):
    """A borough's return for a financial-year quarter: the state of every action as at the
    quarter's end, submitted by an editor, signed off by the borough commander, and then
    the borough's official return. Once signed off its lines never change."""

    SCOPE_PATH = "plan__borough"

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="returns")
    fy_start_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The financial year's first calendar year: 2026 for 2026-27.",
    )
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.SUBMITTED)
    covering_note = models.TextField(blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-fy_start_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fy_start_year", "quarter"], name="return_unique_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="return_quarter_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReturnStatus.values), name="return_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.plan} — {self.label}"

    @property
    def label(self):
        from ..quarters import Quarter

        return Quarter(self.fy_start_year, self.quarter).label

    @property
    def is_locked(self):
        return self.status == ReturnStatus.SIGNED_OFF


class ReturnLine(models.Model):
    """One action's state in a return, copied at submission: later edits never change it."""

    SCOPE_PATH = "quarterly_return__plan__borough"

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="lines")
    action = models.ForeignKey("plans.Action", on_delete=models.PROTECT, related_name="return_lines")
    pillar = models.CharField(max_length=200)
    objective = models.CharField(max_length=500)
    text = models.TextField()
    owners = models.CharField(max_length=1000, blank=True)
    rag = models.CharField(max_length=10, choices=RAG.choices)
    completed = models.BooleanField(default=False)
    commentary = models.TextField(blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["quarterly_return", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "action"], name="return_line_unique"),
            models.CheckConstraint(condition=models.Q(rag__in=RAG.values), name="return_line_rag_valid"),
        ]

    def __str__(self):
        return f"{self.quarterly_return}: {self.text[:60]}"

    @property
    def status(self):
        from ..choices import Status

        return Status.COMPLETE if self.completed else Status(self.rag)


class ReturnEvent(models.Model):
    """Every step of a return — submitted, signed off, sent back — with who, when and why."""

    SCOPE_PATH = "quarterly_return__plan__borough"

    quarterly_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=ReturnEventKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["quarterly_return", "at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.user} at {self.at:%Y-%m-%d %H:%M}"


class ReminderLog(models.Model):
    """A reminder e-mail that was sent: to whom, about which borough and actions, when.

    ``send_reminders`` reads it so that nobody gets the same reminder twice in an interval.
    """

    SCOPE_PATH = "borough"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    borough = models.ForeignKey("plans.Borough", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    action_ids = models.JSONField(default=list)
    subject = models.CharField(max_length=300)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["recipient", "borough", "kind", "sent_at"], name="reminder_lookup_idx")
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient} about {self.borough} at {self.sent_at:%Y-%m-%d}"
