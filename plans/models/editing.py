from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .status import AppendOnlyQuerySet


class PlanChange(models.Model):
    """One change of a plan's text made in the browser: who, when, which field, before, after.

    Append-only, written only by ``plans.services.plan_editing`` in the transaction of the change
    itself. ``field`` names what changed (``text``, ``owners``, ``drivers``, ``due_date``,
    ``objective``, ``position``, ``title``, ``number``, ``created``, ``retired``); ``before`` and
    ``after`` are the values as the pages show them (owners and drivers as "; "-joined labels,
    dates as YYYY-MM-DD, "" for none). A change of an action has ``action`` and its
    ``objective``; a change of an objective alone has ``action`` empty.
    """

    SCOPE_PATH = "objective__plan__borough"

    objective = models.ForeignKey("plans.Objective", on_delete=models.PROTECT, related_name="changes")
    action = models.ForeignKey(
        "plans.Action", on_delete=models.PROTECT, related_name="changes", null=True, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True, help_text="Who, as shown, kept with the row.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    field = models.CharField(max_length=20)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The action's version after this change (none for an objective)."
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.author_name}: {self.field}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Plan change history is append-only: rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Plan change history is append-only: rows cannot be deleted.")
