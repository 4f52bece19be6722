from django.apps import AppConfig


class TrustplanConfig(AppConfig):
    name = "trustplan"
    verbose_name = "TrustPlan"

    def ready(self):
        from . import security
        from .accounts import checks  # noqa: F401 — registers the sign-in checks

        security.connect_receivers()
