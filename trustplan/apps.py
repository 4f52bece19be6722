from django.apps import AppConfig


class TrustplanConfig(AppConfig):
    name = "trustplan"
    verbose_name = "TrustPlan"

    def ready(self):
        from . import security, session_limits  # noqa: F401 — session_limits connects a receiver

        security.connect_receivers()
