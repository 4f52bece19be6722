from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    """What a notification is about. ESSENTIAL kinds cannot be turned off."""

    CHALLENGE_RAISED = "challenge_raised", "Challenge raised with your borough"
    CHALLENGE_ANSWERED = "challenge_answered", "A borough answered a challenge"
    CHALLENGE_CLOSED = "challenge_closed", "Challenge closed"
    RETURN_SUBMITTED = "return_submitted", "Quarterly return submitted for sign-off"
    RETURN_SENT_BACK = "return_sent_back", "Quarterly return sent back"
    RETURN_SIGNED_OFF = "return_signed_off", "Quarterly return signed off"
    REMINDER = "reminder", "Reminder: actions need a review"
    ESCALATION = "escalation", "Escalation: actions stale for two review intervals"


ESSENTIAL_KINDS = frozenset(
    {
        NotificationKind.CHALLENGE_RAISED,
        NotificationKind.RETURN_SUBMITTED,
        NotificationKind.RETURN_SENT_BACK,
        NotificationKind.ESCALATION,
    }
)


class Notification(models.Model):
    """Something that happened which a person should know: shown in the product (until read)
    and, unless turned off, e-mailed. Holds a short subject and a link, never plan text."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    subject = models.CharField(max_length=200)
    path = models.CharField(max_length=300, help_text="The page to open, e.g. /challenges/12/.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}: {self.subject}"


class NotificationSetting(models.Model):
    """The kinds of notification a person has turned off (never an essential kind)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    muted = models.JSONField(default=list, blank=True, help_text="NotificationKind values turned off.")

    def __str__(self):
        return f"Notification settings of {self.user}"
