from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from drivers.models import Driver, Measure

from ..choices import RAG, Status
from ..querysets import ActionQuerySet, OwnerQuerySet, ScopedQuerySet, is_overdue, is_stale

TEXT_LIMIT = 4000  # well under Excel's 32,767 characters per cell


class Pillar(models.Model):
    """A pillar of A New Met for London: More Trust, Less Crime, Higher Standards."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A Met Direction theme, the force-wide plan's counterpart of a pillar.

    Its measures of success are qualitative Measures (no figures).
    """

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    measures = models.ManyToManyField(Measure, related_name="themes", blank=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name


class Plan(models.Model):
    """A trust and confidence plan: one per borough, or the force-wide plan (no borough)."""

    SCOPE_PATH = "borough"

    slug = models.SlugField(max_length=80, unique=True)
    borough = models.ForeignKey(
        "plans.Borough",
        on_delete=models.PROTECT,
        related_name="plans",
        null=True,
        blank=True,
        help_text="Empty for the force-wide plan.",
    )
    title = models.CharField(max_length=300)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    review_interval_days = models.PositiveSmallIntegerField(
        default=31,
        validators=[MinValueValidator(1)],
        help_text="An action not reviewed within this many days is stale.",
    )
    source = models.CharField(max_length=300, blank=True, help_text="The document the plan came from.")
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["borough__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["borough"],
                condition=models.Q(borough__isnull=False),
                name="one_plan_per_borough",
            ),
            models.CheckConstraint(
                condition=models.Q(review_interval_days__gte=1),
                name="plan_review_interval_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_force(self):
        return self.borough_id is None


class Objective(models.Model):
    """An objective of a plan, numbered within its pillar (borough plans) or theme (force plan)."""

    SCOPE_PATH = "plan__borough"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, related_name="objectives", null=True, blank=True
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="objectives", null=True, blank=True
    )
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    title = models.CharField(max_length=500, validators=[MaxLengthValidator(500)])
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Taken out of the plan then; kept with its history."
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "pillar__order", "theme__order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "pillar", "number"], name="objective_number_unique_in_pillar"
            ),
            models.UniqueConstraint(
                fields=["plan", "theme", "number"], name="objective_number_unique_in_theme"
            ),
            models.CheckConstraint(
                condition=models.Q(pillar__isnull=False) | models.Q(theme__isnull=False),
                name="objective_has_pillar_or_theme",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def heading(self):
        return self.pillar or self.theme


class Owner(models.Model):
    """A person or team named as an action owner, as the plan names them.

    ``key`` identifies the person within a borough (normalised rank and surname, or the team
    name), so "Chief Sup Adjei-Addoh" and "Chief Supt Adjei-Addoh" are one owner. An owner may
    be linked to a user account (for reminders).
    """

    SCOPE_PATH = "borough"

    borough = models.ForeignKey(
        "plans.Borough",
        on_delete=models.PROTECT,
        related_name="owners",
        null=True,
        blank=True,
        help_text="Empty for owners of the force-wide plan.",
    )
    key = models.CharField(max_length=200)
    label = models.CharField(max_length=300, help_text="As the plan names them.")
    rank = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200, blank=True, help_text="Person's name, where given.")
    team = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owner_profiles",
    )

    objects = OwnerQuerySet.as_manager()

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["borough", "key"], name="owner_unique_in_borough"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(borough__isnull=True),
                name="owner_unique_in_force",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_team(self):
        """True when the plan names a team alone (no person's rank or name): what the public page
        may show of an owner."""
        return not self.name and not self.rank


class Action(models.Model):
    """An action of a plan, with its owners, the drivers it serves and its current state.

    ``rag``, ``completed``, ``last_commentary``, ``last_reviewed_*`` and ``version`` are the
    latest StatusUpdate, kept here for speed. They are written only by
    ``plans.services.apply_status_update`` in the same transaction as the update row.
    """

    SCOPE_PATH = "objective__plan__borough"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=1, help_text="Order within the objective.")
    text = models.TextField(validators=[MaxLengthValidator(TEXT_LIMIT)])
    owners = models.ManyToManyField(Owner, related_name="actions", blank=True)
    drivers = models.ManyToManyField(Driver, related_name="actions", blank=True)
    delivers = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="delivered_by",
        blank=True,
        help_text="Force-wide activities this borough action helps deliver.",
    )
    source_plan = models.CharField(max_length=100, blank=True, help_text="e.g. STRIDE (force plan).")
    strand = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    next_steps = models.TextField(blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])

    rag = models.CharField(max_length=10, choices=RAG.choices, default=RAG.NOT_RATED, db_index=True)
    completed = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)
    last_commentary = models.TextField(blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Taken out of the plan then (never deleted); the plan as at before still shows it.",
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "rag",
            "completed",
            "completed_on",
            "last_commentary",
            "last_reviewed_at",
            "last_reviewed_by",
            "version",
        ],
    )

    class Meta:
        ordering = [
            "objective__plan",
            "objective__pillar__order",
            "objective__theme__order",
            "objective__number",
            "position",
            "id",
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(rag__in=RAG.values), name="action_rag_valid"),
            models.CheckConstraint(
                condition=models.Q(completed=False) | models.Q(completed_on__isnull=False),
                name="action_completed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["completed", "due_date"], name="action_overdue_idx")]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:77] + "…"

    @property
    def status(self):
        return Status.COMPLETE if self.completed else Status(self.rag)

    def is_stale(self, now=None, interval_days=None):
        """Not reviewed within its plan's review interval (and not complete)."""
        return is_stale(
            reviewed_at=self.last_reviewed_at,
            completed=self.completed,
            interval_days=interval_days or self.objective.plan.review_interval_days,
            now=now or timezone.now(),
        )

    def is_overdue(self, today=None):
        """Due before ``today`` (default: today) and not complete."""
        return is_overdue(
            due_date=self.due_date, completed=self.completed, today=today or timezone.localdate()
        )


class Milestone(models.Model):
    """A dated milestone of the force-wide plan's timetable (Met-led or external)."""

    SCOPE_PATH = "plan__borough"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    period_label = models.CharField(max_length=40, help_text='As the plan gives it, e.g. "Dec 21".')
    starts = models.DateField()
    ends = models.DateField()
    description = models.TextField(validators=[MaxLengthValidator(TEXT_LIMIT)])
    lead = models.CharField(max_length=300, blank=True)
    is_external = models.BooleanField(default=False, help_text="An external event (inquiry, report).")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    completed_on = models.DateField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "starts", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gte=models.F("starts")), name="milestone_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.period_label}: {self.description[:60]}"

    def status_on(self, day):
        if self.completed_on and self.completed_on <= day:
            return "done"
        return "overdue" if self.ends < day else "due"
