"""API tokens: stored hashed, with a visible prefix, an expiry and a scope."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A user's API token. Only its SHA-256 digest is stored (``key_hash``), with the first
    characters of the key (``prefix``) to find it and to show which token is which; the key itself
    is shown once, when it is created (``plans/tokens.py``). A token gives its user's own access,
    read-only when its scope says so, until ``expires_at`` or until it is revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Power BI dashboard'.")
    prefix = models.CharField(max_length=16, unique=True, help_text="The key's first characters, shown.")
    key_hash = models.CharField(max_length=64, help_text="SHA-256 of the key, hexadecimal.")
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values), name="apitoken_scope_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="apitoken_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None):
        """Neither revoked nor expired at ``now`` (default: now)."""
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def status(self):
        if self.revoked_at is not None:
            return "Revoked"
        return "Active" if self.is_active() else "Expired"
