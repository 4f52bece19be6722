"""Accounts held outside TrustPlan: a person's identity at the organisation's identity provider."""

from django.conf import settings
from django.db import models


class SignInIdentity(models.Model):
    """One person's account at an OpenID Connect provider, linked to their TrustPlan user.

    The provider's ``iss`` and ``sub`` claims name a person for good (an e-mail address or user
    name may be reused); the user is found by them at every sign-in, never by e-mail. A user
    with an identity has their roles and borough memberships set from the provider's claims at
    each sign-in (trustplan/accounts/claims.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sign_in_identity_unique"),
        ]
        verbose_name_plural = "sign-in identities"

    def __str__(self):
        return f"{self.user} at {self.issuer}"
