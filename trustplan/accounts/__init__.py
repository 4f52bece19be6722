"""Signing in: OpenID Connect single sign-on (oidc.py), roles from the provider's claims
(claims.py), local passwords (passwords.py) and the second factor for local accounts (mfa.py)."""
