"""Reference knowledge: what drives public confidence, and what is asked to measure it.

No borough data lives here, and this app imports nothing else of ours.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

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


class RespondentFile(models.Model):
    """A respondent-level survey file uploaded for the key-driver analysis, kept with its analysis.

    Who uploaded it and when, the file's SHA-256, its data rows and the respondents analysed
    (rows with a complete answer set), the file itself (zlib-compressed CSV bytes) and the
    analysis' results (``drivers.kept.to_json`` of a KeyDriverAnalysis). The latest kept file of
    real (not synthetic) respondents gives the dashboards their driver weights. Seen by
    analysts, oversight and administrators only (``view_respondentfile``).
    """

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    rows = models.PositiveIntegerField(help_text="Data rows in the file (header excluded).")
    respondents = models.PositiveIntegerField(help_text="Rows with a complete set of answers, analysed.")
    is_synthetic = models.BooleanField(default=False, help_text="The file says data_label = synthetic.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="respondent_files"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, db_index=True)
    data = models.BinaryField(editable=False, help_text="The uploaded file, zlib-compressed.")
    results = models.JSONField(help_text="The key-driver analysis of the file.")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(respondents__lte=models.F("rows")), name="respondents_within_rows"
            )
        ]

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%d %b %Y})"
