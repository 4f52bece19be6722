from django.conf import settings
from django.db import models

from drivers.models import Measure

from ..querysets import ScopedQuerySet


class MeasureReading(models.Model):
    """A measure's value for a borough (or for London when no borough) for a period."""

    SCOPE_PATH = "borough"

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="readings")
    borough = models.ForeignKey(
        "plans.Borough",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readings",
        help_text="Empty for the London (MPS-wide) figure.",
    )
    period_end = models.DateField(help_text="Last day of the quarter the figure is for.")
    value = models.DecimalField(max_digits=7, decimal_places=2)
    source = models.CharField(max_length=300, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "borough__name", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "borough", "period_end"], name="reading_unique_per_borough"
            ),
            models.UniqueConstraint(
                fields=["measure", "period_end"],
                condition=models.Q(borough__isnull=True),
                name="reading_unique_for_london",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=100),
                name="reading_percent_range",
            ),
        ]
        indexes = [models.Index(fields=["borough", "measure", "period_end"], name="reading_lookup_idx")]

    def __str__(self):
        where = self.borough or "London"
        return f"{self.measure} — {where} — {self.period_end}: {self.value}"


class Target(models.Model):
    """A measure's baseline and target value by a date, for a borough or for London."""

    SCOPE_PATH = "borough"

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="targets")
    borough = models.ForeignKey(
        "plans.Borough", on_delete=models.PROTECT, null=True, blank=True, related_name="targets"
    )
    baseline_value = models.DecimalField(max_digits=7, decimal_places=2)
    baseline_date = models.DateField()
    target_value = models.DecimalField(max_digits=7, decimal_places=2)
    target_date = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "borough__name", "target_date"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "borough", "target_date"], name="target_unique"),
            models.CheckConstraint(
                condition=models.Q(target_date__gt=models.F("baseline_date")),
                name="target_after_baseline",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.baseline_value} → {self.target_value} by {self.target_date}"
