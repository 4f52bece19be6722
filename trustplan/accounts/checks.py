"""System checks of the sign-in settings (run by ``manage.py check``)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .claims import parse_role_map


@checks.register(checks.Tags.security)
def check_sign_in_settings(app_configs, **kwargs):
    """OIDC_ROLE_MAP must parse; the issuer must be HTTPS outside development; a client id needs
    a secret."""
    problems = []
    try:
        parse_role_map(settings.OIDC_ROLE_MAP)
    except ImproperlyConfigured as error:
        problems.append(checks.Error(str(error), id="trustplan.E101"))
    if settings.OIDC_ISSUER and not settings.DEBUG and not settings.OIDC_ISSUER.startswith("https://"):
        problems.append(checks.Warning("OIDC_ISSUER is not an https:// URL.", id="trustplan.W101"))
    if settings.OIDC_RP_CLIENT_ID and not settings.OIDC_RP_CLIENT_SECRET:
        problems.append(
            checks.Error("OIDC_CLIENT_ID is set without OIDC_CLIENT_SECRET.", id="trustplan.E102")
        )
    return problems
