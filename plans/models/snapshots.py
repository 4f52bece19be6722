from django.db import models


class QuarterEndStatus(models.Model):
    """An action's status at the end of a closed quarter (end of its last day, London time), as
    the history rule gives it (``ActionQuerySet.with_status(quarter_end)``): the RAG, completion
    and time of the latest ``StatusUpdate`` before then. One row per action that had a status by
    then, written only by ``plans.snapshots`` with the ``QuarterEndSnapshot`` that vouches for it.
    """

    action = models.ForeignKey("plans.Action", on_delete=models.CASCADE, related_name="quarter_end_statuses")
    quarter_end = models.DateField(help_text="The quarter's last day (UK financial year quarters).")
    rag = models.CharField(max_length=10)
    completed = models.BooleanField()
    reviewed_at = models.DateTimeField(help_text="When the latest update before the quarter's end was made.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quarter_end", "action"], name="quarter_end_status_unique"),
        ]

    def __str__(self):
        return f"Action {self.action_id} at {self.quarter_end}: {'complete' if self.completed else self.rag}"


class QuarterEndSnapshot(models.Model):
    """The statuses of every action at the end of one closed quarter are kept (``QuarterEndStatus``)
    and were built from the history up to ``last_update_id`` (the highest ``StatusUpdate`` id then):
    a later update dated before the quarter's end makes them stale (``plans.snapshots``)."""

    quarter_end = models.DateField(unique=True)
    built_at = models.DateTimeField()
    last_update_id = models.BigIntegerField()

    def __str__(self):
        return f"Statuses at {self.quarter_end} (history to update {self.last_update_id})"
