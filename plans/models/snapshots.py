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


class BoroughStamp(models.Model):
    """A token that changes with every change to what a borough's counts of today are made of:
    its actions (status, dates, retirement, objective), their links to drivers, its objectives
    (pillar, plan) and its plan (review interval). Written only by database triggers (migration
    ``0009_borough_stamps``), in the same transaction as the change, whichever way it is written
    (a service, a bulk update, the admin, an INSERT, UPDATE or DELETE in SQL), and read by
    ``plans.dashboards.kept_counts`` to count again only the boroughs changed since it last
    counted. ``stamp`` is random (a 63-bit integer), never a counter, so that a rolled-back or
    emptied table never repeats an old token for other data. ``borough_id`` is the borough's id,
    without a foreign key: a stamp outlives its borough harmlessly."""

    borough_id = models.BigIntegerField(primary_key=True)
    stamp = models.BigIntegerField()

    def __str__(self):
        return f"Borough {self.borough_id}: {self.stamp}"
