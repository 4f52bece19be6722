"""Issuing, checking and revoking API tokens (``plans.models.ApiToken``).

A key reads ``tp_<prefix>_<secret>``: ``prefix`` is 8 hexadecimal characters, unique, stored and
shown on the profile page; ``secret`` 43 URL-safe characters (256 random bits). Only the key's
SHA-256 digest is stored: a copy of the database (a backup) holds no usable key. A plain digest
is enough because the key is random, not a password that could be guessed.

Tokens made before tokens were hashed (Django REST framework's 40-character keys) were moved
into this table by migration 0003 with their digest, their first 8 characters as prefix, scope
read-and-write (what they gave) and an expiry 90 days after the migration.
"""

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import ApiToken, TokenScope

security_log = logging.getLogger("trustplan.security")
KEY_START = "tp_"
EXPIRY_DAYS = [7, 30, 90, 365]  # the choices offered; a year at most
LAST_USE_PRECISION = dt.timedelta(minutes=1)  # last use is written at most once a minute


def digest(key):
    """SHA-256 of ``key`` (a str), hexadecimal (64 characters)."""
    return hashlib.sha256(key.encode()).hexdigest()


def prefix_of(key):
    """The stored prefix of ``key``: the 8 characters after ``tp_``, or a legacy key's first 8."""
    if key.startswith(KEY_START):
        return key[len(KEY_START) :].split("_", 1)[0][:16]
    return key[:8]


def issue_token(*, user, name, scope, days):
    """Create a token; returns ``(ApiToken, key)``; the key is never stored or shown again.

    ``scope``: a TokenScope value; ``days``: one of EXPIRY_DAYS. Raises ValidationError."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": "Give the token a name of 1 to 100 characters, e.g. 'Power BI'."})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": "Choose read only, or read and write."})
    if days not in EXPIRY_DAYS:
        raise ValidationError({"days": f"Choose an expiry of {', '.join(map(str, EXPIRY_DAYS))} days."})
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=digest(key),
        scope=scope,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    security_log.info(
        "api token created: user=%s token=%s scope=%s expires=%s",
        user.get_username(),
        prefix,
        scope,
        token.expires_at.date().isoformat(),
    )
    return token, key


def find_token(key):
    """The active ApiToken whose key is ``key``, or None (unknown, revoked, expired, or its user
    inactive). Records the use (at most once a minute)."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix_of(key)).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest(key)):
        return None
    now = timezone.now()
    if not token.is_active(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # no signal: pages stay cached
        token.last_used_at = now
    return token


def revoke_token(*, user, token_id):
    """Revoke ``user``'s token ``token_id``; returns it, or None if it is not theirs or not active."""
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        return None
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    security_log.info("api token revoked: user=%s token=%s", user.get_username(), token.prefix)
    return token
