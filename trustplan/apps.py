from django.apps import AppConfig


class TrustplanConfig(AppConfig):
    name = "trustplan"
    verbose_name = "TrustPlan"

    def ready(self):
        from . import login_rate, security, session_limits  # noqa: F401 — they connect receivers
        from .accounts import checks  # noqa: F401 — registers the sign-in checks

        security.connect_receivers()
