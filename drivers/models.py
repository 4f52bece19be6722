"""Reference knowledge: what drives public confidence, and what is asked to measure it.

No borough data lives here, and this app imports nothing else of ours.
"""

from django.db import models

from .choices import MeasureUnit


class Framework(models.Model):
    """A published model of what drives confidence or trust (e.g. the MPS confidence model)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the framework is published.")
    questions = models.JSONField(default=list, blank=True, help_text="Framework-level guiding questions.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Driver(models.Model):
    """One driver of confidence within a framework, with the questions a borough should ask."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="drivers")
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    questions = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="driver_name_unique_in_framework")
        ]

    def __str__(self):
        return self.name


class Measure(models.Model):
    """Something asked or counted to show confidence, e.g. a Public Attitude Survey question.

    Qualitative measures (unit "qualitative") carry no figures: they describe what success
    looks like, as the force plan's "measures of success" do.
    """

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    wording = models.TextField(blank=True, help_text="The survey question or definition.")
    unit = models.CharField(max_length=20, choices=MeasureUnit.choices, default=MeasureUnit.PERCENT)
    source = models.CharField(max_length=300, blank=True)
    is_outcome = models.BooleanField(
        default=False, help_text="An outcome (confidence, trust) rather than a driver measure."
    )
    drivers = models.ManyToManyField(Driver, related_name="measures", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__in=MeasureUnit.values), name="measure_unit_valid")
        ]

    def __str__(self):
        return self.name
