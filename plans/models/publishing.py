from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from ..choices import ReturnStatus, Status
from ..querysets import ScopedQuerySet

PUBLIC_NOTE_LIMIT = 1000


class PublicationQuerySet(ScopedQuerySet):
    def live(self):
        """Publications the public may read: not withdrawn, and of a return that is still the
        signed-off return that was published (a send-back or a new sign-off bumps its version)."""
        return self.filter(
            withdrawn_at__isnull=True,
            quarterly_return__status=ReturnStatus.SIGNED_OFF,
            quarterly_return__version=models.F("return_version"),
        )


class Publication(models.Model):
    """A signed-off quarterly return published to /public/ by the borough commander.

    Its ``lines`` are a copy, made at publication, of exactly what the public sees: nothing else
    of the return (commentary, challenges, owners' names) is read by the public pages. Withdrawing
    (unpublishing) keeps the row as history; publishing again makes a new one.
    """

    SCOPE_PATH = "quarterly_return__plan__borough"

    quarterly_return = models.ForeignKey(
        "plans.QuarterlyReturn", on_delete=models.PROTECT, related_name="publications"
    )
    return_version = models.PositiveIntegerField(help_text="The return's version when published.")
    licence = models.CharField(max_length=200)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarterly_return"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_publication_per_return",
            ),
        ]

    def __str__(self):
        return f"{self.quarterly_return} published {self.published_at:%Y-%m-%d}"


class PublicLine(models.Model):
    """One action of a publication as the public sees it: objective, text, status, owners as
    teams and ranks only (settings.PUBLIC_OWNER_DETAIL) and the editors' public progress note."""

    SCOPE_PATH = "publication__quarterly_return__plan__borough"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    pillar = models.CharField(max_length=200)
    objective = models.CharField(max_length=500)
    text = models.TextField()
    owners = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    progress_note = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["publication", "position"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "position"], name="public_line_position_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="public_line_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.publication}: {self.text[:60]}"


class PublicNote(models.Model):
    """An editor's public progress note on one action for one quarterly return.

    Written for the public, separately from the internal commentary of the status history, and
    copied into the publication's lines when the commander publishes.
    """

    SCOPE_PATH = "quarterly_return__plan__borough"

    quarterly_return = models.ForeignKey(
        "plans.QuarterlyReturn", on_delete=models.CASCADE, related_name="public_notes"
    )
    action = models.ForeignKey("plans.Action", on_delete=models.CASCADE, related_name="public_notes")
    text = models.TextField(validators=[MaxLengthValidator(PUBLIC_NOTE_LIMIT)])
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["quarterly_return", "action"]
        constraints = [
            models.UniqueConstraint(fields=["quarterly_return", "action"], name="public_note_unique"),
        ]

    def __str__(self):
        return f"{self.quarterly_return}: note on action {self.action_id}"
