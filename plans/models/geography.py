from django.conf import settings
from django.db import models

from ..choices import MembershipRole
from ..querysets import ScopedQuerySet


class BCU(models.Model):
    """A Met Basic Command Unit: two to four boroughs policed together (12 since 2018)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "BCU"
        verbose_name_plural = "BCUs"

    def __str__(self):
        return self.name


class Borough(models.Model):
    """A London borough policed by the Met. Synthetic boroughs are labelled as such."""

    SCOPE_PATH = ""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    bcu = models.ForeignKey(BCU, on_delete=models.PROTECT, related_name="boroughs")
    is_synthetic = models.BooleanField(
        default=False, help_text="Made-up borough data for demonstration and benchmarks."
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's place in a borough's senior leadership team: what lets them edit its plan."""

    SCOPE_PATH = "borough"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    borough = models.ForeignKey(Borough, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MembershipRole.choices, default=MembershipRole.EDITOR)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["borough__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "borough", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.borough} ({self.get_role_display()})"
